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
import io.topictracker.dht.mainline.bencode.Bencode;
import io.topictracker.dht.mainline.krpc.KrpcMessage;
import io.topictracker.dht.mainline.node.DhtNode;
import io.topictracker.dht.mainline.node.HostPort;
import io.topictracker.dht.mainline.node.Lookup;
import io.topictracker.dht.mainline.node.ResponseListener;
import io.topictracker.dht.mainline.node.SlotSharing;
import io.topictracker.dht.mainline.store.CachedVerifier;
import io.topictracker.dht.mainline.store.Keys;
import io.topictracker.dht.mainline.node.LookupResult;
import io.topictracker.dht.mainline.node.NodeConfig;
import io.topictracker.dht.mainline.routing.NodeIds;
import io.topictracker.dht.mainline.routing.NodeInfo;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code mainline} DHT: one {@link DhtNode} on its own event loop (or on a loop shared with a
 * {@link LocalTestnet}), offering BEP44 mutable and immutable items and BEP5 peers.
 *
 * <p>Thread-safe: calls hop onto the node's event loop; futures and item callbacks run there, so callbacks must not
 * block. {@link #close()} fails operations in flight with {@link DhtException.Reason#CLOSED}.
 */
public final class MainlineDht implements BitTorrentDht {
    private static final Logger LOG = LoggerFactory.getLogger(MainlineDht.class);
    /** Signature verdicts one standalone node remembers: 32-byte digests, about 100 KB at most. */
    private static final int VERDICTS_REMEMBERED = 1024;
    private final NodeConfig config;
    private final DhtContext context;
    /** The context's provider behind a verdict cache (shared with the testnet's other nodes when it gave one). */
    private final CachedVerifier signing;
    private final EventLoop sharedLoop;
    private final boolean sharedEpoll;
    private volatile EventLoopGroup ownGroup;
    private volatile DhtNode node;
    private volatile boolean closed;
    /** Test hook handed to the node at start: the IP each peer counts as for BEP42; null for the real one. */
    private volatile Function<InetSocketAddress, InetAddress> bep42ViewForTest;

    /** A standalone DHT that creates (and later shuts down) its own one-thread event loop group. */
    MainlineDht(NodeConfig config, DhtContext context) {
        this(config, context, null, false);
    }

    /** A DHT on a loop owned by someone else (the testnet), which it never shuts down. */
    MainlineDht(NodeConfig config, DhtContext context, EventLoop sharedLoop, boolean sharedEpoll) {
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
        List<InetSocketAddress> bootstrap = new ArrayList<>();
        for (String entry : config.bootstrap()) {
            HostPort hostPort = HostPort.parse(entry); // checked when the table was read
            InetSocketAddress address = new InetSocketAddress(hostPort.host(), hostPort.port());
            if (address.isUnresolved()) {
                LOG.warn("bootstrap node {} cannot be resolved; skipped", entry);
            } else {
                bootstrap.add(address);
            }
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
                NettyTransport.channelClass(epoll), context.metrics());
        if (bep42ViewForTest != null) {
            created.viewAddressesForTest(bep42ViewForTest);
        }
        node = created;
        return created.start(bootstrap).handle((r, e) -> {
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
     * Test hook (see {@link DhtNode#viewAddressesForTest}): BEP42 treats each peer's address as the IP {@code view}
     * maps it to, so loopback peers can stand for public ones. Call before {@link #start()}.
     */
    void viewAddressesForTest(Function<InetSocketAddress, InetAddress> view) {
        bep42ViewForTest = view;
    }

    /** Test hook: this node holds every datagram it sends for {@code delay}; no effect before start. */
    void delaySendsForTest(Duration delay) {
        DhtNode n = node;
        if (n != null) {
            n.delaySendsForTest(delay.toNanos());
        }
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
        DhtNode.Stats s = n.stats();
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
        Map<String, Object> args = new TreeMap<>();
        if (query.minSeq().isPresent() && query.minSeq().getAsLong() > 0) {
            args.put("seq", query.minSeq().getAsLong() - 1); // BEP44: v only if the stored seq is greater
        }
        Set<MutableItem> delivered = new HashSet<>();
        int[] responded = {0};
        return n.lookup(query.target(), "get", args, (from, r) -> {
            responded[0]++;
            MutableItem item = mutableItem(r, key, salt);
            if (item != null && (query.minSeq().isEmpty() || item.seq() >= query.minSeq().getAsLong())
                    && !delivered.contains(item) && item.verify(signing)) {
                delivered.add(item);
                onItem.accept(item);
            }
        }, query.timeout().toMillis()).handle((result, e) -> {
            if (e != null) {
                throw closedOr(e);
            }
            return new LookupSummary(delivered.size(), responded[0], result.queries());
        });
    }

    @Override
    public CompletableFuture<PutSummary> putMutable(MutableItem item, OptionalLong cas) {
        Map<String, Object> args = new TreeMap<>();
        args.put("k", item.publicKey());
        if (item.salt().length > 0) {
            args.put("salt", item.salt());
        }
        args.put("seq", item.seq());
        args.put("sig", item.signature());
        args.put("v", item.value());
        cas.ifPresent(c -> args.put("cas", c));
        String ourValue = Keys.of(item.value());
        long seq = item.seq();
        byte[] key = item.publicKey();
        byte[] salt = item.salt();
        Map<NodeInfo, MutableItem> found = new HashMap<>();
        ResponseListener observe = (from, r) -> {
            MutableItem stored = mutableItem(r, key, salt);
            if (stored != null) {
                found.put(from, stored);
            }
        };
        // An item from elsewhere is verified on the calling thread while the lookup runs on the event loop (the
        // verification is most of a put's own work); nothing is stored before it passed. An item signed here is not:
        // the storing nodes check it anyway and refuse a bad signer's item with 206, and on 2 cores the check took a
        // core from the lookup (put median 1.2 ms without it, 1.5 ms with it, 500-node testnet, per-node caches).
        CompletableFuture<Void> verified = new CompletableFuture<>();
        CompletableFuture<PutSummary> put = store(item.target(), "get", "put", args, observe, verified, closest -> {
            // Refuse early what the storing nodes would refuse (BEP44 302 and 301), so a node that missed the
            // newer item cannot accept an older one; only items with a valid signature count.
            for (MutableItem stored : found.values()) {
                if (stored.seq() > seq && stored.verify(signing)) {
                    throw new DhtException(DhtException.Reason.SEQ_TOO_OLD, "302 sequence number less than current ("
                            + seq + " < " + stored.seq() + ")");
                }
                if (cas.isPresent() && stored.seq() != cas.getAsLong() && stored.verify(signing)) {
                    throw new DhtException(DhtException.Reason.CAS_MISMATCH, "301 the stored seq is " + stored.seq()
                            + ", not " + cas.getAsLong());
                }
            }
            if (cas.isPresent()) {
                return closest; // a compare-and-swap means to replace whatever is there: no sharing
            }
            Map<NodeInfo, SlotSharing.Held> held = new HashMap<>();
            found.forEach((node, stored) -> held.put(node, new SlotSharing.Held(stored.seq(), Keys.of(stored.value()))));
            return SlotSharing.choose(closest, held, seq, ourValue);
        });
        if (item.signedHere() || item.verify(signing)) {
            verified.complete(null);
            return put;
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
        return store(BitTorrentDht.immutableTarget(value), "get", "put", Map.of("v", value), (from, r) -> { },
                CompletableFuture.completedFuture(null),
                closest -> closest);
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
        return n.lookup(target, "get", Map.of(), (from, r) -> {
            if (found[0] == null && r.get("v") instanceof byte[] v && r.get("k") == null
                    && Arrays.equals(NodeIds.sha1(Bencode.encode(v)), target)) {
                found[0] = v; // BEP44: an immutable value is only valid if it hashes to the target
            }
        }, timeout.toMillis()).handle((r, e) -> {
            if (e != null) {
                throw closedOr(e);
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
        return n.lookup(infoHash, "get_peers", Map.of(), (from, r) -> {
            if (r.get("values") instanceof List<?> values) {
                for (Object v : values) {
                    if (v instanceof byte[] compact && compact.length == 6 && peers.size() < 1000) {
                        InetSocketAddress peer = NodeInfo.decodeAddress(compact, 0);
                        if (peer != null) {
                            peers.add(peer);
                        }
                    }
                }
            }
        }, timeout.toMillis()).handle((r, e) -> {
            if (e != null) {
                throw closedOr(e);
            }
            return List.copyOf(peers);
        });
    }

    @Override
    public CompletableFuture<PutSummary> announcePeer(byte[] infoHash, int port) {
        Map<String, Object> args = new TreeMap<>();
        args.put("info_hash", infoHash);
        args.put("port", (long) (port == 0 ? 1 : port));
        if (port == 0) {
            args.put("implied_port", 1L);
        }
        return store(infoHash, "get_peers", "announce_peer", args, (from, r) -> { },
                CompletableFuture.completedFuture(null), closest -> closest);
    }

    /**
     * A lookup with {@code lookupMethod} to collect tokens, then {@code storeMethod} on the closest once
     * {@code precondition} completed (its failure is the store's failure, and nothing is stored).
     */
    private CompletableFuture<PutSummary> store(byte[] target, String lookupMethod, String storeMethod,
            Map<String, Object> args, ResponseListener observe, CompletableFuture<Void> precondition,
            UnaryOperator<List<Lookup.Candidate>> selectTargets) {
        DhtNode n;
        try {
            n = running();
        } catch (DhtException e) {
            return CompletableFuture.failedFuture(e);
        }
        long timeout = config.operationTimeout().toMillis();
        // the whole store's deadline runs on the node's event loop, where the operation completes (so cancelling it
        // is a local step), not on CompletableFuture's shared delay thread, which orTimeout would wake for every put
        return n.failAfter(timeout * 2 + 1000, n.lookup(target, lookupMethod, Map.of(), observe, timeout)
                .thenCombine(precondition, (lookup, checked) -> lookup)
                .thenCompose((LookupResult lookup) -> {
                    List<Lookup.Candidate> withTokens = lookup.closest().stream().filter(c -> c.token() != null)
                            .limit(DhtNode.K).toList();
                    List<Lookup.Candidate> targets = selectTargets.apply(new ArrayList<>(withTokens));
                    return n.storeOn(targets, storeMethod, args).thenApply(replies -> {
                        if (n.isClosed()) {
                            throw new IllegalStateException("closed");
                        }
                        return summarize(lookup, targets.size(), replies);
                    });
                })
                .handle((summary, e) -> {
                    if (e != null) {
                        throw closedOr(e);
                    }
                    return summary;
                }));
    }

    private static PutSummary summarize(LookupResult lookup, int attempted, List<KrpcMessage> replies) {
        int acks = 0;
        int worst = 0;
        String message = "no node gave a write token";
        for (KrpcMessage reply : replies) {
            if (reply.kind() == KrpcMessage.Kind.RESPONSE) {
                acks++;
            } else if (reply.errorCode() > worst || worst == 0) {
                worst = reply.errorCode();
                message = reply.errorCode() + " " + reply.errorMessage();
            }
        }
        if (acks == 0) {
            DhtException.Reason reason = switch (worst) {
                case 205 -> DhtException.Reason.VALUE_TOO_LARGE;
                case 206 -> DhtException.Reason.INVALID_SIGNATURE;
                case 207 -> DhtException.Reason.SALT_TOO_LARGE;
                case 301 -> DhtException.Reason.CAS_MISMATCH;
                case 302 -> DhtException.Reason.SEQ_TOO_OLD;
                default -> DhtException.Reason.UNREACHABLE;
            };
            throw new DhtException(reason, "no node stored the item (" + attempted + " asked, " + replies.size()
                    + " answered): " + message);
        }
        return new PutSummary(acks, attempted, lookup.queries() + attempted);
    }

    /** @return a mutable item from a get response for this key and salt, or null if absent or malformed */
    private static MutableItem mutableItem(Map<String, Object> r, byte[] key, byte[] salt) {
        if (!(r.get("v") instanceof byte[] v) || !(r.get("k") instanceof byte[] k) || !Arrays.equals(k, key)
                || !(r.get("sig") instanceof byte[] sig) || !(r.get("seq") instanceof Long seq)) {
            return null;
        }
        try {
            return MutableItem.of(k, salt, seq, v, sig);
        } catch (IllegalArgumentException e) {
            return null; // wrong sizes from a remote: not a valid item
        }
    }

    private DhtNode running() {
        DhtNode n = node;
        if (n == null || closed || n.isClosed()) {
            throw new DhtException(DhtException.Reason.CLOSED, n == null ? "not started" : "closed");
        }
        return n;
    }

    private static RuntimeException closedOr(Throwable e) {
        Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null
                ? e.getCause() : e;
        if (cause instanceof DhtException d) {
            return d;
        }
        if (cause instanceof IllegalStateException) {
            return new DhtException(DhtException.Reason.CLOSED, "closed while the operation was in flight", cause);
        }
        return new DhtException(DhtException.Reason.OTHER, String.valueOf(cause.getMessage()), cause);
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
