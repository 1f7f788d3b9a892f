package io.topictracker.dht.mainline;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.topictracker.api.dht.Bep44;
import io.topictracker.api.dht.BitTorrentDht;
import io.topictracker.api.dht.DhtContext;
import io.topictracker.api.dht.DhtException;
import io.topictracker.api.dht.LookupSummary;
import io.topictracker.api.dht.MutableItem;
import io.topictracker.api.dht.MutableQuery;
import io.topictracker.api.dht.PutSummary;
import io.topictracker.dht.mainline.krpc.LookupQuery;
import io.topictracker.dht.mainline.krpc.Query;
import io.topictracker.dht.mainline.krpc.Response;
import io.topictracker.dht.mainline.node.DhtNode;
import io.topictracker.dht.mainline.node.Lookup;
import io.topictracker.dht.mainline.node.LookupResult;
import io.topictracker.dht.mainline.node.MainlineSettings;
import io.topictracker.dht.mainline.node.NetworkConditions;
import io.topictracker.dht.mainline.node.NodeCounters;
import io.topictracker.dht.mainline.node.ResponseListener;
import io.topictracker.dht.mainline.routing.NodeInfo;
import io.topictracker.dht.mainline.store.CachedVerifier;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The {@code mainline} DHT: one {@link DhtNode} on its own event loop (or on a loop shared with a
 * {@link LocalTestnet}), offering BEP44 mutable and immutable items and BEP5 peers.
 *
 * <p>Thread-safe: calls hop onto the node's event loop; futures and item callbacks run there, so callbacks must not
 * block. {@link #close()} fails operations in flight with {@link DhtException.Reason#CLOSED}.
 */
public final class MainlineDht implements BitTorrentDht {
    /** Signature verdicts one standalone node remembers: 32-byte digests, about 100 KB at most. */
    private static final int VERDICTS_REMEMBERED = 1024;
    /** Most peers one get_peers returns, however many the nodes name. */
    private static final int MAX_PEERS_RETURNED = 1000;
    private final MainlineSettings config;
    private final DhtContext context;
    /** The context's provider behind a verdict cache (shared with the testnet's other nodes when it gave one). */
    private final CachedVerifier signing;
    private final EventLoop sharedLoop;
    private final boolean sharedEpoll;
    private volatile EventLoopGroup ownGroup;
    private volatile DhtNode node;
    private volatile boolean closed;
    /** The network as the node sees it: the real one unless a test of this module changes it. */
    private final NetworkConditions conditions = new NetworkConditions();

    /** A standalone DHT that creates (and later shuts down) its own one-thread event loop group. */
    MainlineDht(MainlineSettings config, DhtContext context) {
        this(config, context, null, false);
    }

    /** A DHT on a loop owned by someone else (the testnet), which it never shuts down. */
    MainlineDht(MainlineSettings config, DhtContext context, EventLoop sharedLoop, boolean sharedEpoll) {
        this.config = config;
        this.context = context;
        this.signing = CachedVerifier.around(context.signing(), VERDICTS_REMEMBERED);
        this.sharedLoop = sharedLoop;
        this.sharedEpoll = sharedEpoll;
    }

    @Override
    public synchronized CompletableFuture<Void> start() {
        if (closed) {
            return CompletableFuture.failedFuture(new DhtException(DhtException.Reason.CLOSED, "closed"));
        }
        if (node != null) {
            return CompletableFuture.failedFuture(new IllegalStateException("already started"));
        }
        EventLoop loop;
        boolean epoll;
        if (sharedLoop != null) {
            loop = sharedLoop;
            epoll = sharedEpoll;
        } else {
            epoll = NettyTransport.epoll(config.useEpoll());
            ownGroup = NettyTransport.group(1, epoll, "dht-mainline");
            loop = ownGroup.next();
        }
        DhtNode created = new DhtNode(config, signing, context.clock(), loop,
                NettyTransport.channelClass(epoll), context.metrics(), conditions);
        node = created;
        return created.start(config.resolvedBootstrap()).handle((r, e) -> {
            if (e != null) {
                throw new DhtException(DhtException.Reason.OTHER,
                        "cannot bind " + config.bindAddress() + ":" + config.port() + ": " + e.getMessage(), e);
            }
            return null;
        });
    }

    /** @return the bound UDP address, or null before start */
    public InetSocketAddress localAddress() {
        DhtNode n = node;
        return n == null ? null : n.localAddress();
    }

    @Override
    public Optional<InetSocketAddress> udpAddress() {
        return Optional.ofNullable(localAddress());
    }

    @Override
    public Optional<InetAddress> externalAddress() {
        DhtNode n = node;
        return n == null ? Optional.empty() : Optional.ofNullable(n.externalAddress());
    }

    /**
     * Test hook: BEP42 treats each peer's address as the IP {@code view} maps it to, so loopback peers can stand for
     * public ones. Call before {@link #start()}.
     */
    void viewAddressesForTest(Function<InetSocketAddress, InetAddress> view) {
        conditions.countAddressesAs(view);
    }

    /** Test hook: this node holds every datagram it sends for {@code delay}. */
    void delaySendsForTest(Duration delay) {
        conditions.delaySends(delay.toNanos());
    }

    /** @return completes once the socket is bound, before bootstrapping ends; null before start */
    CompletableFuture<Void> bound() {
        DhtNode n = node;
        return n == null ? null : n.bound();
    }

    /** @return the running node, or null before start (for this module's tests) */
    DhtNode node() {
        return node;
    }

    /** @return a snapshot of the node's counters, or null before start */
    public NodeStats stats() {
        DhtNode n = node;
        if (n == null) {
            return null;
        }
        NodeCounters s = n.stats();
        return new NodeStats(s.queriesReceived(), s.queriesAnswered(), s.queriesSent(), s.dropped(), s.malformed(),
                s.timeouts(), s.lookups(), s.lookupRounds());
    }

    /**
     * @return Ed25519 verifications this node's verifier actually performed (not answered from its verdict cache);
     *     the nodes of a testnet that shares one cache all report the testnet's total
     */
    public long signatureVerifications() {
        return signing.verifications();
    }

    /**
     * @return public keys this node's verifier validated (each distinct key once while remembered); the nodes of a
     *     testnet that shares one cache all report the testnet's total
     */
    public long keysValidated() {
        return signing.keysValidated();
    }

    /** @return our 20-byte node id, or null before start */
    public byte[] nodeId() {
        DhtNode n = node;
        return n == null ? null : n.id();
    }

    /** @return completes with the number of nodes in the routing table */
    public CompletableFuture<Integer> routingTableSize() {
        return running().tableSize();
    }

    /** @return completes with the routing table's nodes' addresses */
    public CompletableFuture<List<InetSocketAddress>> routingTableAddresses() {
        return running().tableNodes().thenApply(nodes -> nodes.stream().map(NodeInfo::address).toList());
    }

    @Override
    public CompletableFuture<LookupSummary> getMutable(MutableQuery query, Consumer<MutableItem> onItem) {
        DhtNode n;
        try {
            n = running();
        } catch (DhtException e) {
            return CompletableFuture.failedFuture(e);
        }
        byte[] key = query.publicKey();
        byte[] salt = query.salt();
        // BEP44: with seq, v comes back only if the stored seq is greater
        Long seqAbove = query.minSeq().isPresent() && query.minSeq().getAsLong() > 0
                ? query.minSeq().getAsLong() - 1 : null;
        Set<MutableItem> delivered = new HashSet<>();
        int[] responded = {0};
        return n.lookup(new Query.GetItem(query.target(), seqAbove), (from, found) -> {
            responded[0]++;
            MutableItem item = DhtResults.mutableItem(found, key, salt);
            if (item != null && (query.minSeq().isEmpty() || item.seq() >= query.minSeq().getAsLong())
                    && !delivered.contains(item) && item.verify(signing)) {
                delivered.add(item);
                onItem.accept(item);
            }
        }, query.timeout().toMillis()).handle((result, e) -> {
            if (e != null) {
                throw DhtResults.closedOr(e);
            }
            return new LookupSummary(delivered.size(), responded[0], result.queries());
        });
    }

    @Override
    public CompletableFuture<PutSummary> putMutable(MutableItem item, OptionalLong cas) {
        Query.PutItem put = new Query.PutItem(item.value(), item.publicKey(), item.salt(), item.seq(),
                item.signature(), cas.isPresent() ? cas.getAsLong() : null, null);
        MutablePutPlan plan = new MutablePutPlan(item, cas, signing);
        // An item from elsewhere is verified on the calling thread while the lookup runs on the event loop (the
        // verification is most of a put's own work); nothing is stored before it passed. An item signed here is not:
        // the storing nodes check it anyway and refuse a bad signer's item with 206, and on 2 cores the check took a
        // core from the lookup (put median 1.2 ms without it, 1.5 ms with it, 500-node testnet, per-node caches).
        CompletableFuture<Void> verified = new CompletableFuture<>();
        CompletableFuture<PutSummary> stored = store(new Query.GetItem(item.target(), null), plan, put::withToken,
                verified, plan::targets);
        if (item.signedHere() || item.verify(signing)) {
            verified.complete(null);
            return stored;
        }
        DhtException invalid = new DhtException(DhtException.Reason.INVALID_SIGNATURE,
                "the item's signature does not verify; it would be refused with 206");
        verified.completeExceptionally(invalid); // the lookup already under way ends without storing anything
        return CompletableFuture.failedFuture(invalid);
    }

    @Override
    public CompletableFuture<PutSummary> putImmutable(byte[] value) {
        if (value.length > Bep44.MAX_VALUE_LENGTH) {
            return CompletableFuture.failedFuture(new DhtException(DhtException.Reason.VALUE_TOO_LARGE,
                    "value over " + Bep44.MAX_VALUE_LENGTH + " bytes"));
        }
        Query.PutItem put = Query.PutItem.immutable(value);
        return store(new Query.GetItem(BitTorrentDht.immutableTarget(value), null), (from, r) -> { },
                put::withToken, CompletableFuture.completedFuture(null), closest -> closest);
    }

    @Override
    public CompletableFuture<Optional<byte[]>> getImmutable(byte[] target, Duration timeout) {
        DhtNode n;
        try {
            n = running();
        } catch (DhtException e) {
            return CompletableFuture.failedFuture(e);
        }
        byte[][] found = new byte[1][];
        return n.lookup(new Query.GetItem(target, null), (from, r) -> {
            if (found[0] == null) {
                found[0] = DhtResults.immutableValue(r, target);
            }
        }, timeout.toMillis()).handle((r, e) -> {
            if (e != null) {
                throw DhtResults.closedOr(e);
            }
            return Optional.ofNullable(found[0]);
        });
    }

    @Override
    public CompletableFuture<List<InetSocketAddress>> getPeers(byte[] infoHash, Duration timeout) {
        DhtNode n;
        try {
            n = running();
        } catch (DhtException e) {
            return CompletableFuture.failedFuture(e);
        }
        Set<InetSocketAddress> peers = new LinkedHashSet<>();
        return n.lookup(new Query.GetPeers(infoHash), (from, r) -> {
            for (byte[] compact : r.peers()) {
                if (compact.length == 6 && peers.size() < MAX_PEERS_RETURNED) {
                    InetSocketAddress peer = NodeInfo.decodeAddress(compact, 0);
                    if (peer != null) {
                        peers.add(peer);
                    }
                }
            }
        }, timeout.toMillis()).handle((r, e) -> {
            if (e != null) {
                throw DhtResults.closedOr(e);
            }
            return List.copyOf(peers);
        });
    }

    @Override
    public CompletableFuture<PutSummary> announcePeer(byte[] infoHash, int port) {
        Query.AnnouncePeer announce = new Query.AnnouncePeer(infoHash, port, port == 0, null);
        return store(new Query.GetPeers(infoHash), (from, r) -> { }, announce::withToken,
                CompletableFuture.completedFuture(null), closest -> closest);
    }

    /**
     * A lookup with {@code lookup} to collect tokens, then the store query {@code withToken} makes on the closest
     * once {@code precondition} completed (its failure is the store's failure, and nothing is stored).
     */
    private <R extends Response.LookupResponse> CompletableFuture<PutSummary> store(LookupQuery<R> lookup,
            ResponseListener<? super R> observe, Function<byte[], Query<Response.Stored>> withToken,
            CompletableFuture<Void> precondition, UnaryOperator<List<Lookup.Candidate>> selectTargets) {
        DhtNode n;
        try {
            n = running();
        } catch (DhtException e) {
            return CompletableFuture.failedFuture(e);
        }
        long timeout = config.operationTimeout().toMillis();
        // the whole store's deadline runs on the node's event loop, where the operation completes (so cancelling it
        // is a local step), not on CompletableFuture's shared delay thread, which orTimeout would wake for every put
        return n.failAfter(timeout * 2 + 1000, n.lookup(lookup, observe, timeout)
                .thenCombine(precondition, (found, checked) -> found)
                .thenCompose((LookupResult found) -> {
                    List<Lookup.Candidate> withTokens = found.closest().stream().filter(c -> c.token() != null)
                            .limit(DhtNode.K).toList();
                    List<Lookup.Candidate> targets = selectTargets.apply(new ArrayList<>(withTokens));
                    return n.storeOn(targets, withToken).thenApply(outcome -> {
                        if (n.isClosed()) {
                            throw new IllegalStateException("closed");
                        }
                        return DhtResults.summarize(found, outcome);
                    });
                })
                .handle((summary, e) -> {
                    if (e != null) {
                        throw DhtResults.closedOr(e);
                    }
                    return summary;
                }));
    }

    private DhtNode running() {
        DhtNode n = node;
        if (n == null || closed || n.isClosed()) {
            throw new DhtException(DhtException.Reason.CLOSED, n == null ? "not started" : "closed");
        }
        return n;
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        DhtNode n = node;
        if (n != null) {
            try {
                n.close().get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                // bounded: a stuck loop must not hang the caller; the group shutdown below ends it
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        EventLoopGroup group = ownGroup;
        if (group != null) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    @Override
    public String toString() {
        return "MainlineDht[" + localAddress() + "]";
    }
}
