package io.topictracker.dht.mainline.node;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.concurrent.ScheduledFuture;
import io.topictracker.api.metrics.Metrics;
import io.topictracker.api.signing.SigningProvider;
import io.topictracker.dht.mainline.bencode.Bencode;
import io.topictracker.dht.mainline.bencode.BencodeLimits;
import io.topictracker.dht.mainline.krpc.KrpcException;
import io.topictracker.dht.mainline.krpc.KrpcMessage;
import io.topictracker.dht.mainline.routing.NodeIds;
import io.topictracker.dht.mainline.routing.NodeInfo;
import io.topictracker.dht.mainline.routing.RoutingTable;
import io.topictracker.dht.mainline.store.ItemStore;
import io.topictracker.dht.mainline.store.PeerStore;
import io.topictracker.dht.mainline.store.TokenIssuer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One mainline DHT node bound to a UDP socket: it answers queries ({@link QueryHandler}), keeps its routing table
 * alive, and runs iterative lookups and stores for its callers.
 *
 * <p>Threading: every field is confined to the channel's event loop; public methods may be called from any thread
 * and hop onto it. Futures complete on the event loop. Several nodes may share one event loop (the testnet does).
 */
public final class DhtNode {
    private static final Logger LOG = LoggerFactory.getLogger(DhtNode.class);
    /** BEP5 bucket size and the number of nodes a value is stored on. */
    public static final int K = 8;
    private static final int MAX_FAILURES = 2;
    private static final int LOOKUP_CANDIDATES = 64;
    private static final int LOOKUP_MAX_QUERIES = 64;
    private static final long REFRESH_PERIOD_MILLIS = 60_000;
    /** Bootstrapping again while alone: first after 1 s, doubling up to 30 s (libtorrent's pause between tries). */
    private static final long REBOOTSTRAP_MIN_MILLIS = 1000;
    private static final long REBOOTSTRAP_MAX_MILLIS = 30_000;
    private static final int MAX_DATAGRAM = BencodeLimits.KRPC.maxInputLength();
    /** Below this a slow answer is more likely a busy event loop than a lost datagram. */
    private static final long SOFT_TIMEOUT_FLOOR_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    /**
     * How often the routing table and stores are sized for the gauges. They live on the event loop and are not
     * thread-safe, so a gauge read on a scrape thread reads this sample instead (at most this old).
     */
    private static final long GAUGE_SAMPLE_MILLIS = 1000;

    private final NodeConfig config;
    private final Clock clock;
    private final EventLoop loop;
    private final Class<? extends DatagramChannel> channelClass;
    private final Random random = new SecureRandom();
    private final Map<Integer, Pending> pending = new HashMap<>();
    private final Set<Runnable> onClose = new HashSet<>();
    private final RttEstimator rtt;
    private final RateLimiter limiter;
    private final IpVoter voter = new IpVoter(3, 16);
    private final TokenIssuer tokens;
    private final ItemStore items;
    private final PeerStore peers;
    private RoutingTable table;
    private QueryHandler handler;
    private Channel channel;
    private ScheduledFuture<?> refreshTask;
    /** Bootstraps again while the table is empty (issue 14); null before the socket is bound. */
    private Rebootstrap rebootstrap;
    private int nextTid;
    private boolean inRead;
    private volatile boolean closed;
    private volatile InetSocketAddress localAddress;
    /** Test hook: every datagram we send is held this long first (0: none). */
    private volatile long sendDelayNanos;
    /**
     * The IP a peer's socket address counts as for BEP42 (id checks, the {@code ip} we report, whose vote it is):
     * its own, except in tests that give loopback peers public addresses, loopback being exempt from BEP42.
     */
    private volatile Function<InetSocketAddress, InetAddress> bep42View = InetSocketAddress::getAddress;
    private final Stats stats = new Stats();
    private final CompletableFuture<Void> bound = new CompletableFuture<>();
    private final DhtMeters meters;
    private final List<Metrics.Registration> gauges = new ArrayList<>();
    private ScheduledFuture<?> sampleTask;
    /** Sizes sampled on the event loop for the gauges, which are read on other threads. */
    private volatile int routingNodesSampled;
    private volatile int storedItemsSampled;
    private volatile int storedPeersSampled;
    /** The external IP the BEP42 votes last agreed on, or null. */
    private volatile InetAddress externalAddress;

    /** Counters, written on the event loop and readable from any thread. */
    public static final class Stats {
        volatile long queriesReceived;
        volatile long queriesAnswered;
        volatile long queriesSent;
        volatile long dropped;
        volatile long malformed;
        volatile long timeouts;
        volatile long lookups;
        volatile long lookupRounds;

        /** @return lookups that ended (not failed by close), including bootstrap and refresh lookups */
        public long lookups() {
            return lookups;
        }

        /** @return the sequential query rounds of those lookups, summed (see {@code runLookup}) */
        public long lookupRounds() {
            return lookupRounds;
        }

        /** @return our queries that got no reply in time */
        public long timeouts() {
            return timeouts;
        }

        /** @return queries received */
        public long queriesReceived() {
            return queriesReceived;
        }

        /** @return queries answered (with a response or an error) */
        public long queriesAnswered() {
            return queriesAnswered;
        }

        /** @return queries we sent */
        public long queriesSent() {
            return queriesSent;
        }

        /** @return datagrams dropped by rate limiting */
        public long dropped() {
            return dropped;
        }

        /** @return datagrams that were not valid KRPC */
        public long malformed() {
            return malformed;
        }
    }

    /** One query awaiting its reply; {@code type} is its method's index in {@link DhtMeters}. */
    private record Pending(InetSocketAddress to, ReplyHandler handler, long sentNanos, ScheduledFuture<?> timeout,
            int type) {}

    /**
     * @param config not null
     * @param signing verifies BEP44 signatures, not null
     * @param clock for storage and token times, not null
     * @param loop the event loop this node lives on, not null; not shut down by the node
     * @param channelClass the datagram channel type matching the loop's IO handler, not null
     */
    public DhtNode(NodeConfig config, SigningProvider signing, Clock clock, EventLoop loop,
            Class<? extends DatagramChannel> channelClass) {
        this(config, signing, clock, loop, channelClass, Metrics.none());
    }

    /**
     * As above, counting the meters of docs/metrics.md ("DHT") into {@code metrics}.
     *
     * @param metrics not null; {@link Metrics#none()} costs nothing
     */
    public DhtNode(NodeConfig config, SigningProvider signing, Clock clock, EventLoop loop,
            Class<? extends DatagramChannel> channelClass, Metrics metrics) {
        this.meters = new DhtMeters(metrics);
        if (meters.enabled) {
            gauges.add(metrics.gauge("topictracker.dht.routing.nodes", () -> routingNodesSampled));
            gauges.add(metrics.gauge("topictracker.dht.stored.items", () -> storedItemsSampled));
            gauges.add(metrics.gauge("topictracker.dht.stored.peers", () -> storedPeersSampled));
        }
        this.config = config;
        this.clock = clock;
        this.loop = loop;
        this.channelClass = channelClass;
        this.rtt = new RttEstimator(config.minQueryTimeout().toNanos(), config.maxQueryTimeout().toNanos());
        this.limiter = new RateLimiter(config.rateLimitPerIp(), Math.max(10, config.rateLimitPerIp() * 2.0), 10_000);
        this.tokens = new TokenIssuer(clock.millis());
        this.items = new ItemStore(signing, config.maxItems(), config.maxItemsPerIp());
        this.peers = new PeerStore(config.maxInfoHashes(), config.maxPeersPerInfoHash());
        byte[] id = config.nodeId() != null ? config.nodeId() : randomId();
        this.table = new RoutingTable(id, K, MAX_FAILURES);
        this.handler = new QueryHandler(table, tokens, items, peers);
    }

    /** @return the event loop this node runs on */
    public EventLoop loop() {
        return loop;
    }

    /** @return the bound address, or null before start */
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    /** @return completes once the socket is bound (or binding failed), before bootstrapping ends */
    public CompletableFuture<Void> bound() {
        return bound;
    }

    /** @return the external IP our BEP42 voters agree on, or null while they do not (or before start) */
    public InetAddress externalAddress() {
        return externalAddress;
    }

    /** Sizes the table and stores for the gauges; on the event loop. */
    private void sampleGauges() {
        routingNodesSampled = table.size();
        storedItemsSampled = items.size();
        storedPeersSampled = peers.peerCount();
    }

    /** @return counters, never null */
    public Stats stats() {
        return stats;
    }

    /** @return our node id (a copy); call on the event loop or accept a racy read */
    public byte[] id() {
        return table.ownId();
    }

    /** @return completes with the routing table's size */
    public CompletableFuture<Integer> tableSize() {
        return onLoop(() -> table.size());
    }

    /** @return completes with a snapshot of the routing table */
    public CompletableFuture<List<NodeInfo>> tableNodes() {
        return onLoop(() -> table.nodes());
    }

    /**
     * Binds, loads the saved table, and joins through the bootstrap nodes with a lookup of our own id.
     *
     * @param bootstrap resolved bootstrap addresses, not null
     * @return completes when bootstrapping is over (even if nobody answered: the node still serves)
     */
    public CompletableFuture<Void> start(List<InetSocketAddress> bootstrap) {
        CompletableFuture<Void> started = new CompletableFuture<>();
        started.whenComplete((r, e) -> bound.complete(null));
        List<NodeInfo> saved = loadTable();
        Bootstrap b = new Bootstrap().group(loop).channel(channelClass)
                .option(ChannelOption.RECVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_DATAGRAM + 1))
                .option(ChannelOption.SO_RCVBUF, config.receiveBufferBytes())
                .handler(new Inbound());
        b.bind(new InetSocketAddress(config.bindAddress(), config.port())).addListener(f -> {
            if (!f.isSuccess()) {
                started.completeExceptionally(f.cause());
                return;
            }
            channel = ((io.netty.channel.ChannelFuture) f).channel();
            localAddress = (InetSocketAddress) channel.localAddress();
            bound.complete(null);
            refreshTask = loop.scheduleAtFixedRate(this::refresh, REFRESH_PERIOD_MILLIS, REFRESH_PERIOD_MILLIS,
                    TimeUnit.MILLISECONDS);
            if (meters.enabled) {
                sampleGauges();
                sampleTask = loop.scheduleAtFixedRate(this::sampleGauges, GAUGE_SAMPLE_MILLIS, GAUGE_SAMPLE_MILLIS,
                        TimeUnit.MILLISECONDS);
            }
            rebootstrap = new Rebootstrap(loop, () -> table.size(), bootstrap.isEmpty() ? null
                    : () -> bootstrap(bootstrap, List.of()), REBOOTSTRAP_MIN_MILLIS, REBOOTSTRAP_MAX_MILLIS);
            bootstrap(bootstrap, saved).whenComplete((r, e) -> {
                started.complete(null);
                rebootstrap.check();
            });
        });
        return started;
    }

    /** Saves the table if configured, fails everything in flight and closes the socket. */
    public CompletableFuture<Void> close() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (loop.isShuttingDown()) {
            done.complete(null);
            return done;
        }
        loop.execute(() -> {
            if (closed) {
                done.complete(null);
                return;
            }
            closed = true;
            saveTable();
            if (refreshTask != null) {
                refreshTask.cancel(false);
            }
            if (rebootstrap != null) {
                rebootstrap.close();
            }
            if (sampleTask != null) {
                sampleTask.cancel(false);
            }
            gauges.forEach(Metrics.Registration::close);
            // operations first, so they fail as closed rather than finish on their queries' failures
            for (Runnable r : new ArrayList<>(onClose)) {
                r.run();
            }
            onClose.clear();
            for (Pending p : new ArrayList<>(pending.values())) {
                p.timeout.cancel(false);
                p.handler.onFailure("closed");
            }
            pending.clear();
            if (channel != null) {
                channel.close().addListener(f -> done.complete(null));
            } else {
                done.complete(null);
            }
        });
        return done;
    }

    // ---------------------------------------------------------------- client side

    /** Sends one query; the handler is called once on the event loop. Must be called on the event loop. */
    public void query(InetSocketAddress to, String method, Map<String, Object> args, ReplyHandler replyHandler) {
        query(to, method, args, replyHandler, rtt.timeoutNanos());
    }

    /** As above, waiting {@code timeoutNanos} for the reply instead of the adaptive timeout. */
    private void query(InetSocketAddress to, String method, Map<String, Object> args, ReplyHandler replyHandler,
            long timeoutNanos) {
        if (closed || channel == null) {
            replyHandler.onFailure("closed");
            return;
        }
        int type = DhtMeters.type(method);
        if (pending.size() >= config.maxPendingQueries()) {
            meters.sent(type, DhtMeters.ERROR);
            replyHandler.onFailure("too many queries in flight");
            return;
        }
        int tid;
        do {
            tid = nextTid++ & 0xffff;
        } while (pending.containsKey(tid));
        Map<String, Object> a = new TreeMap<>(args);
        a.put("id", table.ownId());
        byte[] tidBytes = {(byte) (tid >>> 8), (byte) tid};
        int key = tid;
        ScheduledFuture<?> timeout = loop.schedule(() -> {
            Pending p = pending.remove(key);
            if (p != null) {
                stats.timeouts++;
                meters.sent(p.type, DhtMeters.TIMEOUT);
                LOG.debug("{} timed out after {} ms: {} to {}", localAddress, timeoutNanos / 1_000_000,
                        method, to);
                p.handler.onFailure("timeout");
            }
        }, timeoutNanos, TimeUnit.NANOSECONDS);
        Pending entry = new Pending(to, replyHandler, System.nanoTime(), timeout, type);
        pending.put(key, entry);
        long soft = rtt.softTimeoutNanos(SOFT_TIMEOUT_FLOOR_NANOS);
        if (soft < timeoutNanos) {
            loop.schedule(() -> {
                if (pending.get(key) == entry) {
                    replyHandler.onSlow();
                }
            }, soft, TimeUnit.NANOSECONDS);
        }
        stats.queriesSent++;
        send(KrpcMessage.query(tidBytes, method, a, config.readOnly()).encode(), to);
    }

    /**
     * Runs an iterative lookup towards {@code target}, sending {@code method} with {@code args} (plus id and, for
     * find_node, target) to ever closer nodes.
     *
     * @param listener sees every response, not null
     * @param timeoutMillis the whole lookup's deadline
     * @return completes with the closest responders when the lookup converges or the deadline passes
     */
    public CompletableFuture<LookupResult> lookup(byte[] target, String method, Map<String, Object> args,
            ResponseListener listener, long timeoutMillis) {
        CompletableFuture<LookupResult> result = new CompletableFuture<>();
        loop.execute(() -> runLookup(target, method, args, listener, timeoutMillis, List.of(), List.of(), result));
        return result;
    }

    /**
     * After a lookup, sends {@code method} (put or announce_peer) with each node's token to {@code targets}.
     *
     * @param targets responders that gave a token, not null
     * @return completes with the replies (response or error), one per node that answered, never failing
     */
    public CompletableFuture<List<KrpcMessage>> storeOn(List<Lookup.Candidate> targets, String method,
            Map<String, Object> args) {
        CompletableFuture<List<KrpcMessage>> done = new CompletableFuture<>();
        loop.execute(() -> {
            List<KrpcMessage> replies = new ArrayList<>();
            if (targets.isEmpty()) {
                done.complete(replies);
                return;
            }
            int[] left = {targets.size()};
            for (Lookup.Candidate c : targets) {
                Map<String, Object> a = new TreeMap<>(args);
                a.put("token", c.token());
                // The longest timeout: these nodes answered the lookup just now, and a storing node checks a
                // signature before it answers (a cold one took over the adaptive 250 ms under load), so a slow
                // answer is far likelier than a lost node here, and an unanswered store is an unacknowledged one.
                query(c.node().address(), method, a, new ReplyHandler() {
                    @Override
                    public void onReply(KrpcMessage reply) {
                        replies.add(reply);
                        if (--left[0] == 0) {
                            done.complete(replies);
                        }
                    }

                    @Override
                    public void onFailure(String reason) {
                        if (--left[0] == 0) {
                            done.complete(replies);
                        }
                    }
                }, config.maxQueryTimeout().toNanos());
            }
        });
        return done;
    }

    /**
     * Fails {@code operation} with a {@link java.util.concurrent.TimeoutException} if it is not done within
     * {@code millis}; the timer lives on the event loop and is cancelled there when the operation completes (as this
     * node's operations do).
     *
     * @return {@code operation}
     */
    public <T> CompletableFuture<T> failAfter(long millis, CompletableFuture<T> operation) {
        ScheduledFuture<?> timer = loop.schedule(() -> {
            operation.completeExceptionally(new java.util.concurrent.TimeoutException("no result in " + millis
                    + " ms"));
        }, millis, TimeUnit.MILLISECONDS);
        operation.whenComplete((r, e) -> timer.cancel(false));
        return operation;
    }

    /** Runs {@code action} on the event loop when the node closes (to fail user operations); returns a remover. */
    public Runnable onClose(Runnable action) {
        onClose.add(action);
        return () -> onClose.remove(action);
    }

    /** @return true once {@link #close()} ran */
    public boolean isClosed() {
        return closed;
    }

    private void runLookup(byte[] target, String method, Map<String, Object> args, ResponseListener listener,
            long timeoutMillis, List<InetSocketAddress> bootstrap, List<NodeInfo> seeds,
            CompletableFuture<LookupResult> result) {
        if (closed) {
            result.completeExceptionally(new IllegalStateException("closed"));
            return;
        }
        Lookup lookup = new Lookup(target, K, config.alpha(), LOOKUP_CANDIDATES, LOOKUP_MAX_QUERIES,
                !method.equals("find_node"));
        long startedNanos = System.nanoTime();
        int type = DhtMeters.type(method);
        byte[] ownId = table.ownId();
        for (NodeInfo n : table.closest(target, K * 2)) {
            lookup.add(n);
        }
        for (NodeInfo n : seeds) {
            if (!Arrays.equals(n.id(), ownId)) {
                lookup.add(n);
            }
        }
        if (!config.readOnly() && !method.equals("find_node")) {
            // We are a storage node like any other: when we are among the k closest, a put must store here too
            // and a get must read here too, or the putter's and getter's closest sets differ by themselves.
            lookup.add(new NodeInfo(ownId, selfAddress()));
        }
        Map<String, Object> a = new TreeMap<>(args);
        a.put(method.equals("get_peers") ? "info_hash" : "target", target);
        int[] bootstrapLeft = {bootstrap.size()};
        Runnable[] pump = new Runnable[1];
        // Rounds: a query sent by the first pump is round 1; one sent when an answer (or failure) of round r freed
        // its slot is round r + 1. The highest round answered is the lookup's sequential round trips, its latency
        // in units of one query's round trip, which (unlike wall-clock time) the load of the machine does not sway.
        int[] roundOfReply = {0};
        int[] lastRound = {0};
        Runnable finish = () -> {
            if (closed) {
                result.completeExceptionally(new IllegalStateException("closed"));
            } else {
                stats.lookups++;
                stats.lookupRounds += lastRound[0];
                meters.lookup(type, System.nanoTime() - startedNanos);
                result.complete(new LookupResult(lookup.closestResponded(K), lookup.queries() + bootstrap.size(),
                        lookup.responses()));
            }
        };
        Runnable cancel = () -> result.completeExceptionally(new IllegalStateException("closed"));
        onClose.add(cancel);
        ScheduledFuture<?> deadline = loop.schedule(finish, timeoutMillis, TimeUnit.MILLISECONDS);
        result.whenComplete((r, e) -> {
            deadline.cancel(false);
            onClose.remove(cancel);
        });
        pump[0] = () -> {
            if (result.isDone()) {
                return;
            }
            int round = roundOfReply[0] + 1;
            for (NodeInfo node : lookup.next()) {
                query(node.address(), method, a, new ReplyHandler() {
                    @Override
                    public void onReply(KrpcMessage reply) {
                        replied(round);
                        if (reply.kind() == KrpcMessage.Kind.RESPONSE) {
                            addNodes(lookup, reply.body(), ownId);
                            if (!result.isDone()) {
                                try {
                                    listener.onResponse(node, reply.body());
                                } catch (RuntimeException e) {
                                    // a failing consumer must not stall the lookup it is fed by
                                    LOG.warn("a lookup listener failed", e);
                                }
                            }
                            lookup.responded(node, KrpcMessage.bytes(reply.body(), "token"));
                        } else {
                            lookup.failed(node);
                        }
                        pump[0].run();
                    }

                    @Override
                    public void onFailure(String reason) {
                        replied(round);
                        lookup.failed(node);
                        pump[0].run();
                    }

                    @Override
                    public void onSlow() {
                        roundOfReply[0] = round; // its slot is free: what it lets out is one round later
                        lookup.slow(node);
                        pump[0].run();
                    }

                    private void replied(int r) {
                        roundOfReply[0] = r;
                        lastRound[0] = Math.max(lastRound[0], r);
                    }
                });
            }
            if (bootstrapLeft[0] == 0 && lookup.isDone()) {
                finish.run();
            }
        };
        // bootstrap addresses have no known id: ask them find_node and feed what they return into the lookup
        for (InetSocketAddress address : bootstrap) {
            query(address, "find_node", Map.of("target", target), new ReplyHandler() {
                private boolean counted;

                @Override
                public void onReply(KrpcMessage reply) {
                    if (reply.kind() == KrpcMessage.Kind.RESPONSE) {
                        addNodes(lookup, reply.body(), ownId);
                    }
                    done();
                }

                @Override
                public void onFailure(String reason) {
                    done();
                }

                @Override
                public void onSlow() {
                    done(); // a slow bootstrap node must not hold the lookup; its late answer is still used
                }

                private void done() {
                    if (!counted) {
                        counted = true;
                        bootstrapLeft[0]--;
                    }
                    roundOfReply[0] = 1; // bootstrap queries go out with the first round
                    lastRound[0] = Math.max(lastRound[0], 1);
                    pump[0].run();
                }
            });
        }
        pump[0].run();
    }

    private InetSocketAddress selfAddress() {
        InetSocketAddress bound = localAddress;
        return bound.getAddress().isAnyLocalAddress()
                ? new InetSocketAddress(InetAddress.getLoopbackAddress(), bound.getPort()) : bound;
    }

    private void addNodes(Lookup lookup, Map<String, Object> r, byte[] ownId) {
        byte[] compact = KrpcMessage.bytes(r, "nodes");
        if (compact == null) {
            return;
        }
        for (NodeInfo n : NodeInfo.decodeCompact(compact, 16)) {
            if (!Arrays.equals(n.id(), ownId) && acceptableId(n)) {
                lookup.add(n);
            }
        }
    }

    private boolean acceptableId(NodeInfo n) {
        return !config.enforceBep42() || verified(n);
    }

    /** BEP42: whether {@code n}'s id matches its address (exempt addresses always do); the table prefers these. */
    private boolean verified(NodeInfo n) {
        return Bep42.isValid(n.id(), bep42View.apply(n.address()));
    }

    private CompletableFuture<Void> bootstrap(List<InetSocketAddress> bootstrap, List<NodeInfo> saved) {
        CompletableFuture<LookupResult> done = new CompletableFuture<>();
        if (bootstrap.isEmpty() && saved.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        runLookup(table.ownId(), "find_node", Map.of(), (from, r) -> { }, config.operationTimeout().toMillis(),
                bootstrap, saved, done);
        return done.handle((r, e) -> {
            if (r != null) {
                LOG.debug("bootstrapped {} with {} queries; table has {} nodes", localAddress, r.queries(),
                        table.size());
            }
            return null;
        });
    }

    /** BEP5 maintenance: refresh stale buckets with a lookup of a random id in their range. */
    private void refresh() {
        if (closed) {
            return;
        }
        rebootstrap.check(); // a table whose every node went bad has nothing left to refresh from
        List<byte[]> targets = table.refreshTargets(clock.millis(), RoutingTable.QUESTIONABLE_AFTER_MILLIS, random);
        for (int i = 0; i < Math.min(3, targets.size()); i++) {
            runLookup(targets.get(i), "find_node", Map.of(), (from, r) -> { }, config.operationTimeout().toMillis(),
                    List.of(), List.of(), new CompletableFuture<>());
        }
    }

    // ---------------------------------------------------------------- server side

    private final class Inbound extends SimpleChannelInboundHandler<DatagramPacket> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            ByteBuf content = packet.content();
            int length = Math.min(content.readableBytes(), MAX_DATAGRAM + 1);
            byte[] data = new byte[length];
            content.getBytes(content.readerIndex(), data);
            inRead = true;
            try {
                receive(data, packet.sender());
            } catch (RuntimeException e) {
                // a bug must not take the node down: log it and keep serving
                LOG.warn("failed to handle a datagram from {}", packet.sender(), e);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            inRead = false;
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("socket error on {}: {}", localAddress, cause.toString());
        }
    }

    private void receive(byte[] data, InetSocketAddress sender) {
        if (sender.getPort() == 0) {
            return;
        }
        KrpcMessage message;
        try {
            message = KrpcMessage.decode(data, 0, data.length);
        } catch (KrpcException e) {
            stats.malformed++;
            byte[] tid = KrpcMessage.salvageTransactionId(data, 0, data.length);
            if (tid != null && !config.readOnly() && limiter.allow(sender.getAddress(), System.nanoTime())) {
                send(KrpcMessage.error(tid, e.code(), e.getMessage()).encode(), sender);
            }
            return;
        }
        switch (message.kind()) {
            case QUERY -> receiveQuery(message, sender);
            case RESPONSE, ERROR -> receiveReply(message, sender);
        }
    }

    private void receiveQuery(KrpcMessage query, InetSocketAddress sender) {
        stats.queriesReceived++;
        if (config.readOnly()) {
            return; // BEP43: a read-only node does not answer queries
        }
        if (!limiter.allow(sender.getAddress(), System.nanoTime())) {
            stats.dropped++;
            meters.rateLimited.increment();
            return;
        }
        int type = DhtMeters.type(query.method());
        long now = clock.millis();
        byte[] reply;
        try {
            Map<String, Object> r = handler.handle(query, sender, now);
            // BEP42: tell the requester the address we see it at, for its external-address vote
            InetSocketAddress seenAt = new InetSocketAddress(bep42View.apply(sender), sender.getPort());
            reply = KrpcMessage.response(query.transactionId(), r, NodeInfo.encodeAddress(seenAt)).encode();
            byte[] id = KrpcMessage.bytes(query.body(), "id");
            // BEP43: nodes in read-only mode must not be added to routing tables
            if (!query.readOnly() && id != null && id.length == 20) {
                NodeInfo node = new NodeInfo(id, sender);
                if (acceptableId(node)) {
                    noteSeen(node, false, now);
                }
            }
            meters.received(type, DhtMeters.OK);
        } catch (KrpcException e) {
            reply = KrpcMessage.error(query.transactionId(), e.code(), e.getMessage()).encode();
            meters.received(type, DhtMeters.ERROR);
        }
        stats.queriesAnswered++;
        send(reply, sender);
    }

    private void receiveReply(KrpcMessage reply, InetSocketAddress sender) {
        int key = reply.transactionId().length == 2
                ? (reply.transactionId()[0] & 0xff) << 8 | (reply.transactionId()[1] & 0xff) : -1;
        Pending p = pending.get(key);
        if (p == null || !p.to.equals(sender)) {
            return; // unsolicited, late, or from another address than we asked: ignore
        }
        pending.remove(key);
        p.timeout.cancel(false);
        rtt.sample(System.nanoTime() - p.sentNanos);
        meters.sent(p.type, reply.kind() == KrpcMessage.Kind.RESPONSE ? DhtMeters.OK : DhtMeters.ERROR);
        if (reply.kind() == KrpcMessage.Kind.RESPONSE) {
            byte[] id = KrpcMessage.bytes(reply.body(), "id");
            if (id == null || id.length != 20) {
                p.handler.onFailure("response without id");
                return;
            }
            NodeInfo node = new NodeInfo(id, sender);
            if (acceptableId(node)) {
                noteSeen(node, true, clock.millis());
            }
            if (reply.ip() != null && reply.ip().length == 6) {
                InetSocketAddress reported = NodeInfo.decodeAddress(reply.ip(), 0);
                if (reported != null) {
                    externalAddressVote(bep42View.apply(sender), reported.getAddress());
                }
            }
        }
        p.handler.onReply(reply);
    }

    private void noteSeen(NodeInfo node, boolean responded, long now) {
        if (table.seen(node, responded, verified(node), now) == RoutingTable.Outcome.CACHED) {
            NodeInfo questionable = table.questionableNear(node.id(), now);
            if (questionable != null) {
                ping(questionable);
            }
        }
    }

    private void ping(NodeInfo node) {
        query(node.address(), "ping", Map.of(), new ReplyHandler() {
            @Override
            public void onReply(KrpcMessage reply) {
                if (reply.kind() != KrpcMessage.Kind.RESPONSE) {
                    table.failed(node);
                }
            }

            @Override
            public void onFailure(String reason) {
                table.failed(node);
            }
        });
    }

    /**
     * BEP42: once the voters agree on our external IP, take an id valid for it if ours is not, whether or not we
     * enforce BEP42 ourselves (as libtorrent does): other nodes prefer verified ids, and enforcing ones require them.
     */
    private void externalAddressVote(InetAddress voterAddress, InetAddress reported) {
        InetAddress decided = voter.vote(voterAddress, reported);
        if (decided != null) {
            externalAddress = decided;
        }
        if (decided == null || config.nodeId() != null || Bep42.isExempt(decided)
                || Bep42.isValid(table.ownId(), decided)) {
            return;
        }
        byte[] newId = Bep42.idFor(decided, random);
        LOG.info("external address {} learned by vote; switching to a BEP42 node id", decided.getHostAddress());
        RoutingTable next = new RoutingTable(newId, K, MAX_FAILURES);
        long now = clock.millis();
        for (NodeInfo n : table.nodes()) {
            next.seen(n, true, verified(n), now);
        }
        table = next;
        handler = new QueryHandler(table, tokens, items, peers);
    }

    private void send(byte[] datagram, InetSocketAddress to) {
        if (channel == null || !channel.isActive()) {
            return;
        }
        long delay = sendDelayNanos;
        if (delay > 0) {
            loop.schedule(() -> {
                if (channel.isActive()) {
                    channel.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(datagram), to),
                            channel.voidPromise());
                }
            }, delay, TimeUnit.NANOSECONDS);
            return;
        }
        DatagramPacket packet = new DatagramPacket(Unpooled.wrappedBuffer(datagram), to);
        if (inRead && loop.inEventLoop()) {
            channel.write(packet, channel.voidPromise());
        } else {
            channel.writeAndFlush(packet, channel.voidPromise());
        }
    }

    private <T> CompletableFuture<T> onLoop(java.util.function.Supplier<T> action) {
        CompletableFuture<T> f = new CompletableFuture<>();
        loop.execute(() -> f.complete(action.get()));
        return f;
    }

    /**
     * Test hook to check timeouts on a real network: holds every datagram this node sends for {@code nanos}.
     * Not for production use.
     */
    public void delaySendsForTest(long nanos) {
        sendDelayNanos = nanos;
    }

    /**
     * Test hook to exercise BEP42 on 127.0.0.1, which the BEP exempts: every peer's socket address counts as the IP
     * {@code view} gives for it, in id checks, in the {@code ip} we report and in the votes on our own address. Set
     * it before {@link #start}. Not for production use.
     *
     * @param view maps a peer's socket address to the IP it counts as, not null; called on the event loop
     */
    public void viewAddressesForTest(Function<InetSocketAddress, InetAddress> view) {
        bep42View = view;
    }

    /** Runs {@code task} on the event loop. */
    public void execute(Runnable task) {
        loop.execute(task);
    }

    private byte[] randomId() {
        byte[] id = new byte[20];
        random.nextBytes(id);
        return id;
    }

    // ---------------------------------------------------------------- persistence

    private List<NodeInfo> loadTable() {
        if (config.routingTableFile() == null) {
            return List.of();
        }
        Path file = Path.of(config.routingTableFile());
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        try {
            byte[] data = Files.readAllBytes(file);
            Object decoded = Bencode.decode(data, new BencodeLimits(1 << 20, 4, 16, 16));
            if (decoded instanceof Map<?, ?> map && map.get("nodes") instanceof byte[] compact) {
                if (config.nodeId() == null && map.get("id") instanceof byte[] id && id.length == 20) {
                    table = new RoutingTable(id, K, MAX_FAILURES); // keep our place in the network across restarts
                    handler = new QueryHandler(table, tokens, items, peers);
                }
                List<NodeInfo> nodes = NodeInfo.decodeCompact(compact, 2000);
                LOG.debug("loaded {} nodes from {}", nodes.size(), file);
                return nodes;
            }
            LOG.warn("ignoring routing table file {}: unexpected content", file);
        } catch (IOException | io.topictracker.dht.mainline.bencode.BencodeException e) {
            LOG.warn("ignoring routing table file {}: {}", file, e.getMessage());
        }
        return List.of();
    }

    private void saveTable() {
        if (config.routingTableFile() == null) {
            return;
        }
        Path file = Path.of(config.routingTableFile());
        try {
            Map<String, Object> state = new TreeMap<>();
            state.put("id", table.ownId());
            state.put("nodes", NodeInfo.encodeCompact(table.nodes()));
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.write(tmp, Bencode.encode(state));
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not save the routing table to {}: {}", file, e.toString());
        }
    }

    /** @return a random 20-byte id (for callers that need a target) */
    public static byte[] randomTarget(Random random) {
        byte[] id = new byte[NodeIds.LENGTH];
        random.nextBytes(id);
        return id;
    }

    /** Calls {@code action} with the item store on the event loop (for tests and stats). */
    public CompletableFuture<Integer> storedItems() {
        return onLoop(items::size);
    }
}
