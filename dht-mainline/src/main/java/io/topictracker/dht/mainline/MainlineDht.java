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
import io.topictracker.dht.mainline.node.NodeSocket;
import io.topictracker.dht.mainline.node.StoreOutcome;
import io.topictracker.dht.mainline.krpc.KrpcError;
import io.topictracker.dht.mainline.node.ResponseListener;
import io.topictracker.dht.mainline.routing.NodeInfo;
import io.topictracker.dht.mainline.store.CachedVerifier;
import io.topictracker.dht.mainline.store.Keys;
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
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * The {@code mainline} DHT: one {@link DhtNode} per address family it binds (BEP32: an IPv4 and an IPv6 socket, each
 * with its own routing table, as libtorrent runs one DHT per listen socket), on one event loop of its own (or on a
 * loop shared with a {@link LocalTestnet}), offering BEP44 mutable and immutable items and BEP5 peers. Lookups, gets
 * and puts run on every node at once and their results are merged.
 *
 * <p>Thread-safe: calls hop onto the node's event loop; futures and item callbacks run there, so callbacks must not
 * block. {@link #close()} fails operations in flight with {@link DhtException.Reason#CLOSED}.
 */
public final class MainlineDht implements BitTorrentDht {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(MainlineDht.class);
    /** Diagnostics: what each get heard from each node (lab timelines; debug only). */
    private static final org.slf4j.Logger SLOTS = org.slf4j.LoggerFactory.getLogger("io.topictracker.timeline.slots");
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
    /** The nodes, one per socket, IPv4 first; empty before start. */
    private volatile List<DhtNode> nodes = List.of();
    private volatile boolean started;
    private volatile boolean closed;
    /** The values of our recent mutable puts per target (SlotSharing: a node holding one is ours to replace). */
    private final OwnPuts ownPuts = new OwnPuts();
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
        if (started) {
            return CompletableFuture.failedFuture(new IllegalStateException("already started"));
        }
        started = true;
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
        List<DhtNode> created = new ArrayList<>();
        for (NodeSocket socket : config.sockets()) {
            created.add(new DhtNode(config, socket, signing, context.clock(), loop,
                    NettyTransport.channelClass(epoll), context.metrics(), conditions));
        }
        if (created.size() == 2) {
            created.get(1).useIdOf(created.get(0));
            created.get(0).linkOtherFamily(created.get(1));
            created.get(1).linkOtherFamily(created.get(0));
        }
        List<InetSocketAddress> bootstrap = config.resolvedBootstrap();
        List<CompletableFuture<DhtNode>> starts = new ArrayList<>();
        for (DhtNode node : created) {
            starts.add(node.start(bootstrap).handle((r, e) -> {
                NodeSocket socket = node.nodeSocket();
                if (e == null) {
                    return node;
                }
                String problem = "cannot bind " + socket.bindAddress() + " port " + config.port() + ": "
                        + DhtResults.closedOr(e).getMessage();
                node.close(); // it is not among the nodes close() reaches: its gauges and loop tasks go now
                if (!socket.optional()) {
                    throw new DhtException(DhtException.Reason.OTHER, problem, e);
                }
                LOG.warn("{}; the DHT runs without an IPv6 node", problem);
                return null;
            }));
        }
        return CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new)).handle((r, e) -> {
            List<DhtNode> running = starts.stream().map(f -> f.getNow(null)).filter(n -> n != null).toList();
            // failed nodes are not offered: operations run on the bound ones only
            nodes = List.copyOf(running);
            if (e != null) {
                close();
                throw DhtResults.closedOr(e);
            }
            return null;
        });
    }

    /** @return the first node's bound UDP address (IPv4 when there is one), or null before start */
    public InetSocketAddress localAddress() {
        DhtNode n = node();
        return n == null ? null : n.localAddress();
    }

    /** @return every bound UDP address, IPv4 first (BEP32: one socket per family); empty before start */
    public List<InetSocketAddress> localAddresses() {
        return nodes.stream().map(DhtNode::localAddress).filter(a -> a != null).toList();
    }

    @Override
    public Optional<InetSocketAddress> udpAddress() {
        return Optional.ofNullable(localAddress());
    }

    @Override
    public Optional<InetAddress> externalAddress() {
        return nodes.stream().map(DhtNode::externalAddress).filter(a -> a != null).findFirst();
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
        DhtNode n = node();
        return n == null ? null : n.bound();
    }

    /** @return the first node (IPv4 when there is one), or null before start (for this module's tests) */
    DhtNode node() {
        List<DhtNode> all = nodes;
        return all.isEmpty() ? null : all.get(0);
    }

    /** @return the running nodes, one per family, IPv4 first (for this module's tests) */
    List<DhtNode> nodes() {
        return nodes;
    }

    /** @return a snapshot of the node's counters, or null before start */
    public NodeStats stats() {
        List<DhtNode> all = nodes;
        if (all.isEmpty()) {
            return null;
        }
        NodeStats sum = new NodeStats(0, 0, 0, 0, 0, 0, 0, 0);
        for (DhtNode n : all) {
            NodeCounters s = n.stats();
            sum = new NodeStats(sum.queriesReceived() + s.queriesReceived(),
                    sum.queriesAnswered() + s.queriesAnswered(), sum.queriesSent() + s.queriesSent(),
                    sum.dropped() + s.dropped(), sum.malformed() + s.malformed(), sum.timeouts() + s.timeouts(),
                    sum.lookups() + s.lookups(), sum.lookupRounds() + s.lookupRounds());
        }
        return sum;
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
        DhtNode n = node();
        return n == null ? null : n.id();
    }

    /** @return completes with the number of nodes in the routing tables (both families') */
    public CompletableFuture<Integer> routingTableSize() {
        return routingTableAddresses().thenApply(List::size);
    }

    /** @return completes with the routing tables' nodes' addresses, IPv4 table first */
    public CompletableFuture<List<InetSocketAddress>> routingTableAddresses() {
        CompletableFuture<List<InetSocketAddress>> all = CompletableFuture.completedFuture(List.of());
        for (DhtNode n : running()) {
            all = all.thenCombine(n.tableNodes(), (sofar, table) -> {
                List<InetSocketAddress> merged = new ArrayList<>(sofar);
                table.forEach(node -> merged.add(node.address()));
                return merged;
            });
        }
        return all;
    }

    @Override
    public CompletableFuture<LookupSummary> getMutable(MutableQuery query, Consumer<MutableItem> onItem) {
        List<DhtNode> all;
        try {
            all = running();
        } catch (DhtException e) {
            return CompletableFuture.failedFuture(e);
        }
        byte[] key = query.publicKey();
        byte[] salt = query.salt();
        // BEP44: with seq, v comes back only if the stored seq is greater
        Long seqAbove = query.minSeq().isPresent() && query.minSeq().getAsLong() > 0
                ? query.minSeq().getAsLong() - 1 : null;
        // the families' lookups share the event loop, so these are never touched concurrently
        Set<MutableItem> delivered = new HashSet<>();
        int[] responded = {0};
        int[] queries = {0};
        Set<String> ours = ownPuts.of(query.target());
        return onEveryNode(all, n -> n.lookup(new Query.GetItem(query.target(), seqAbove), (from, found) -> {
            responded[0]++;
            MutableItem answered = DhtResults.mutableItem(found, key, salt);
            // Our own value from our own node is not news: only another node's copy shows that the item is out there
            // (a writer who lost a slot to a crossing put must see its record missing; see store)
            MutableItem item = answered != null && n.isSelf(from) && ours.contains(Keys.of(answered.value()))
                    ? null : answered;
            if (SLOTS.isDebugEnabled()) {
                SLOTS.debug("got {} from {}: {}", io.topictracker.dht.mainline.node.SlotLog.hex(query.target(), 4),
                        from.address(), item == null ? "none"
                                : "sig " + io.topictracker.dht.mainline.node.SlotLog.hex(item.signature(), 4));
            }
            if (item != null && (query.minSeq().isEmpty() || item.seq() >= query.minSeq().getAsLong())
                    && !delivered.contains(item) && item.verify(signing)) {
                delivered.add(item);
                onItem.accept(item);
            }
        }, query.timeout().toMillis()).thenAccept(result -> queries[0] += result.queries()))
                .thenApply(done -> new LookupSummary(delivered.size(), responded[0], queries[0]));
    }

    @Override
    public CompletableFuture<PutSummary> putMutable(MutableItem item, OptionalLong cas) {
        Query.PutItem put = new Query.PutItem(item.value(), item.publicKey(), item.salt(), item.seq(),
                item.signature(), cas.isPresent() ? cas.getAsLong() : null, null);
        // An item from elsewhere is verified on the calling thread while the lookup runs on the event loop (the
        // verification is most of a put's own work); nothing is stored before it passed. An item signed here is not:
        // the storing nodes check it anyway and refuse a bad signer's item with 206, and on 2 cores the check took a
        // core from the lookup (put median 1.2 ms without it, 1.5 ms with it, 500-node testnet, per-node caches).
        CompletableFuture<Void> verified = new CompletableFuture<>();
        java.util.Set<String> earlier = ownPuts.of(item.target());
        ownPuts.add(item.target(), item.value());
        CompletableFuture<PutSummary> stored = store(new Query.GetItem(item.target(), null), () -> {
            // one per family: each sees its lookup
            MutablePutPlan plan = new MutablePutPlan(item, cas, signing, earlier);
            return new StorePlan<>(plan, plan::targets, plan::replacesOn);
        }, put::withToken, verified);
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
        return store(new Query.GetItem(BitTorrentDht.immutableTarget(value), null), StorePlan::closest,
                put::withToken, CompletableFuture.completedFuture(null));
    }

    @Override
    public CompletableFuture<Optional<byte[]>> getImmutable(byte[] target, Duration timeout) {
        List<DhtNode> all;
        try {
            all = running();
        } catch (DhtException e) {
            return CompletableFuture.failedFuture(e);
        }
        byte[][] found = new byte[1][];
        return onEveryNode(all, n -> n.lookup(new Query.GetItem(target, null), (from, r) -> {
            if (found[0] == null) {
                found[0] = DhtResults.immutableValue(r, target);
            }
        }, timeout.toMillis()).thenAccept(r -> { })).thenApply(done -> Optional.ofNullable(found[0]));
    }

    @Override
    public CompletableFuture<List<InetSocketAddress>> getPeers(byte[] infoHash, Duration timeout) {
        List<DhtNode> all;
        try {
            all = running();
        } catch (DhtException e) {
            return CompletableFuture.failedFuture(e);
        }
        Set<InetSocketAddress> peers = new LinkedHashSet<>();
        return onEveryNode(all, n -> n.lookup(new Query.GetPeers(infoHash), (from, r) -> {
            for (byte[] compact : r.peers()) {
                // 6 bytes from IPv4 nodes, 18 from IPv6 ones (BEP32)
                InetSocketAddress peer = NodeInfo.decodeAddress(compact);
                if (peer != null && peers.size() < MAX_PEERS_RETURNED) {
                    peers.add(peer);
                }
            }
        }, timeout.toMillis()).thenAccept(r -> { })).thenApply(done -> List.copyOf(peers));
    }

    @Override
    public CompletableFuture<PutSummary> announcePeer(byte[] infoHash, int port) {
        Query.AnnouncePeer announce = new Query.AnnouncePeer(infoHash, port, port == 0, null);
        return store(new Query.GetPeers(infoHash), StorePlan::closest, announce::withToken,
                CompletableFuture.completedFuture(null));
    }

    /**
     * How one node's store chooses: what it watches during its lookup, and which of the closest it stores on.
     *
     * @param observe sees every lookup response, not null
     * @param selectTargets picks the nodes to store on among the closest with tokens, ourselves not among them; may
     *     throw DhtException
     * @param storeOnSelf given our own node as our lookup saw it: whether to store there too (to replace what it
     *     would otherwise serve stale)
     */
    private record StorePlan<R extends Response.LookupResponse>(ResponseListener<? super R> observe,
            UnaryOperator<List<Lookup.Candidate>> selectTargets, java.util.function.Predicate<NodeInfo> storeOnSelf) {
        static <R extends Response.LookupResponse> StorePlan<R> closest() {
            return new StorePlan<>((from, r) -> { }, closest -> closest, self -> false);
        }
    }

    /** One node's lookup and store. */
    private record Stored(LookupResult found, StoreOutcome outcome) {}

    /**
     * On every node (each family's, BEP32): a lookup with {@code lookup} to collect tokens, then the store query
     * {@code withToken} makes on the closest, once {@code precondition} completed (its failure is the store's
     * failure, and nothing is stored). The put counts as stored when any family's nodes acknowledged it.
     */
    private <R extends Response.LookupResponse> CompletableFuture<PutSummary> store(LookupQuery<R> lookup,
            Supplier<StorePlan<R>> plans, Function<byte[], Query<Response.Stored>> withToken,
            CompletableFuture<Void> precondition) {
        List<DhtNode> all;
        try {
            all = running();
        } catch (DhtException e) {
            return CompletableFuture.failedFuture(e);
        }
        List<CompletableFuture<Stored>> perNode = new ArrayList<>();
        for (DhtNode n : all) {
            perNode.add(storeOn(n, lookup, plans.get(), withToken, precondition));
        }
        return CompletableFuture.allOf(perNode.toArray(CompletableFuture[]::new)).handle((r, e) -> {
            if (e != null) {
                throw DhtResults.closedOr(e);
            }
            List<Lookup.Candidate> closest = new ArrayList<>();
            int queries = 0;
            int responses = 0;
            int asked = 0;
            int acknowledged = 0;
            List<KrpcError> refusals = new ArrayList<>();
            for (CompletableFuture<Stored> f : perNode) {
                Stored one = f.join();
                closest.addAll(one.found().closest());
                queries += one.found().queries();
                responses += one.found().responses();
                asked += one.outcome().asked();
                acknowledged += one.outcome().acknowledged();
                refusals.addAll(one.outcome().refusals());
            }
            return DhtResults.summarize(new LookupResult(closest, queries, responses),
                    new StoreOutcome(asked, acknowledged, refusals));
        });
    }

    private <R extends Response.LookupResponse> CompletableFuture<Stored> storeOn(DhtNode n, LookupQuery<R> lookup,
            StorePlan<R> plan, Function<byte[], Query<Response.Stored>> withToken,
            CompletableFuture<Void> precondition) {
        long timeout = config.operationTimeout().toMillis();
        // the whole store's deadline runs on the node's event loop, where the operation completes (so cancelling it
        // is a local step), not on CompletableFuture's shared delay thread, which orTimeout would wake for every put
        return n.failAfter(timeout * 2 + 1000, n.lookup(lookup, plan.observe(), timeout)
                .thenCombine(precondition, (found, checked) -> found)
                .thenCompose((LookupResult found) -> {
                    // The plan picks among the others only: a copy on our own node is one that only our own gets are
                    // sure to reach (behind a NAT no one else can), so it must not count as the writer's share of a
                    // slot. Two writers of one slot who put at the same moment each overwrite the other on the
                    // shared nodes (BEP44: an equal seq replaces); the loser, reading its own copy, never put again
                    // (issue 15, BENCHMARKS.md hole punching) - which is why our gets ignore our own values on our own
                    // node. Our node still stores the put when free (storeOnSelf): on a public node that copy is how
                    // NATed peers, who reach no node of other NATed peers, find a public member's record.
                    List<Lookup.Candidate> withTokens = found.closest().stream().filter(c -> c.token() != null)
                            .limit(DhtNode.K).toList();
                    List<Lookup.Candidate> others = withTokens.stream().filter(c -> !n.isSelf(c.node())).toList();
                    List<Lookup.Candidate> targets = new ArrayList<>(plan.selectTargets().apply(
                            new ArrayList<>(others)));
                    // as well as our own node, when it holds nothing, our earlier value or a lower seq there
                    withTokens.stream().filter(c -> n.isSelf(c.node()) && plan.storeOnSelf().test(c.node()))
                            .forEach(targets::add);
                    return n.storeOn(targets, withToken).thenApply(outcome -> {
                        if (n.isClosed()) {
                            throw new IllegalStateException("closed");
                        }
                        return new Stored(found, outcome);
                    });
                }));
    }

    /**
     * Runs {@code operation} on every node and completes when all have, failing as the api's exception when one
     * fails (closed, typically).
     */
    private static CompletableFuture<Void> onEveryNode(List<DhtNode> all,
            Function<DhtNode, CompletableFuture<Void>> operation) {
        CompletableFuture<?>[] each = all.stream().map(operation).toArray(CompletableFuture[]::new);
        return CompletableFuture.allOf(each).handle((r, e) -> {
            if (e != null) {
                throw DhtResults.closedOr(e);
            }
            return null;
        });
    }

    /** @return the running nodes, never empty */
    private List<DhtNode> running() {
        List<DhtNode> all = nodes;
        if (all.isEmpty() || closed || all.get(0).isClosed()) {
            throw new DhtException(DhtException.Reason.CLOSED, all.isEmpty() ? "not started" : "closed");
        }
        return all;
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        for (DhtNode n : nodes) {
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
        return "MainlineDht" + localAddresses();
    }
}
