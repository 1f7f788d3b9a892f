package io.topictracker.dht.mainline.node;

import io.netty.channel.EventLoop;
import io.netty.channel.socket.DatagramChannel;
import io.netty.util.concurrent.ScheduledFuture;
import io.topictracker.api.metrics.Metrics;
import io.topictracker.api.signing.SigningProvider;
import io.topictracker.dht.mainline.krpc.KrpcError;
import io.topictracker.dht.mainline.krpc.KrpcException;
import io.topictracker.dht.mainline.krpc.LookupQuery;
import io.topictracker.dht.mainline.krpc.Query;
import io.topictracker.dht.mainline.krpc.Response;
import io.topictracker.dht.mainline.krpc.Want;
import io.topictracker.dht.mainline.routing.NodeIds;
import io.topictracker.dht.mainline.routing.NodeInfo;
import io.topictracker.dht.mainline.store.ItemStore;
import io.topictracker.dht.mainline.store.PeerStore;
import io.topictracker.dht.mainline.store.TokenIssuer;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One mainline DHT node bound to a UDP socket. It wires the layers, as the {@code mainline} crate's {@code rpc}
 * does: the {@link KrpcSocket} (socket, transactions in flight, timeouts), the {@link QueryHandler} (the server
 * side), the {@link RoutingMaintainer} (routing table and BEP42 id), the {@link LookupDriver} (iterative lookups),
 * the {@link StoreFanOut} (puts and announces after a lookup) and the {@link RoutingTableFile}. It owns their
 * lifecycle: start, periodic maintenance, close.
 *
 * <p>Threading: every layer is confined to the channel's event loop; the methods here may be called from any thread
 * and hop onto it. Futures complete on the event loop. Several nodes may share one event loop (the testnet does).
 */
public final class DhtNode {
    private static final Logger LOG = LoggerFactory.getLogger(DhtNode.class);
    /** BEP5 bucket size and the number of nodes a value is stored on. */
    public static final int K = RoutingMaintainer.K;
    private static final long REFRESH_PERIOD_MILLIS = 60_000;
    /** Bootstrapping again while alone: first after 1 s, doubling up to 30 s (libtorrent's pause between tries). */
    private static final long REBOOTSTRAP_MIN_MILLIS = 1000;
    /** Nodes heard of through the other family are pinged only while our table has fewer than this many. */
    private static final int SIBLING_FILL_LIMIT = 64;
    private static final long REBOOTSTRAP_MAX_MILLIS = 30_000;
    /**
     * How often the routing table and stores are sized for the gauges. They live on the event loop and are not
     * thread-safe, so a gauge read on a scrape thread reads this sample instead (at most this old).
     */
    private static final long GAUGE_SAMPLE_MILLIS = 1000;

    private static final InetAddress IPV6_LOOPBACK = ipv6Loopback();

    private final MainlineSettings settings;
    private final NodeSocket nodeSocket;
    private final Clock clock;
    private final EventLoop loop;
    private final Random random = new SecureRandom();
    private final NodeCounters counters = new NodeCounters();
    private final Closing closing = new Closing();
    private final ItemStore items;
    private final PeerStore peers;
    private final RoutingMaintainer routing;
    private final QueryHandler handler;
    private final KrpcSocket socket;
    private final LookupDriver lookups;
    private final StoreFanOut stores;
    private final RoutingTableFile tableFile;
    private final DhtMeters meters;
    private final List<Metrics.Registration> gauges = new ArrayList<>();
    private final CompletableFuture<Void> bound = new CompletableFuture<>();
    private ScheduledFuture<?> refreshTask;
    private ScheduledFuture<?> sampleTask;
    /** Bootstraps again while the table is empty; null before the socket is bound. */
    private Rebootstrap rebootstrap;
    /** BEP32: the node of the other address family on this loop, or null; set before start. */
    private DhtNode sibling;
    /** The bootstrap nodes of this node's family, set once at start; read on the loop. */
    private List<InetSocketAddress> bootstrapNodes = List.of();
    /** Sizes sampled on the event loop for the gauges, which are read on other threads. */
    private volatile int routingNodesSampled;
    private volatile int storedItemsSampled;
    private volatile int storedPeersSampled;

    /**
     * @param settings not null
     * @param signing verifies BEP44 signatures, not null
     * @param clock for storage and token times, not null
     * @param loop the event loop this node lives on, not null; not shut down by the node
     * @param channelClass the datagram channel type matching the loop's IO handler, not null
     * @param metrics counts the meters of docs/metrics.md ("DHT"), not null; {@link Metrics#none()} costs nothing
     * @param conditions the network as this node sees it (see {@link NetworkConditions}), not null
     */
    public DhtNode(MainlineSettings settings, SigningProvider signing, Clock clock, EventLoop loop,
            Class<? extends DatagramChannel> channelClass, Metrics metrics, NetworkConditions conditions) {
        this(settings, settings.sockets().get(0), signing, clock, loop, channelClass, metrics, conditions);
    }

    /**
     * A node on one of the settings' sockets (BEP32: one node per address family, see {@link #linkOtherFamily}).
     *
     * @param nodeSocket which socket, not null; the others as above
     */
    public DhtNode(MainlineSettings settings, NodeSocket nodeSocket, SigningProvider signing, Clock clock,
            EventLoop loop, Class<? extends DatagramChannel> channelClass, Metrics metrics,
            NetworkConditions conditions) {
        this.settings = settings;
        this.nodeSocket = nodeSocket;
        this.clock = clock;
        this.loop = loop;
        this.meters = new DhtMeters(metrics);
        TokenIssuer tokens = new TokenIssuer(clock.millis());
        this.items = new ItemStore(signing, settings.maxItems(), settings.maxItemsPerIp());
        this.peers = new PeerStore(settings.maxInfoHashes(), settings.maxPeersPerInfoHash(),
                settings.maxAnnouncementsPerIp(), settings.maxPeersPerIpPerInfoHash());
        this.routing = new RoutingMaintainer(settings, conditions,
                settings.nodeId() != null ? settings.nodeId() : randomTarget(random), random);
        this.handler = new QueryHandler(routing::table, tokens, items, peers);
        this.socket = new KrpcSocket(settings, nodeSocket.bindAddress(), loop, channelClass, routing::ownId,
                new Inbound(), conditions,
                counters, meters);
        if (meters.enabled) {
            // tagged by family: a dual-stack DHT runs a node per family (BEP32), each with its own table and stores
            String family = socket.isIpv6() ? "ipv6" : "ipv4";
            gauges.add(metrics.gauge("topictracker.dht.routing.nodes", () -> routingNodesSampled, "family", family));
            gauges.add(metrics.gauge("topictracker.dht.stored.items", () -> storedItemsSampled, "family", family));
            gauges.add(metrics.gauge("topictracker.dht.stored.peers", () -> storedPeersSampled, "family", family));
        }
        this.lookups = new LookupDriver(settings, loop, socket, routing, closing, counters, meters,
                this::selfAddress, this::otherFamilyHeardOf);
        this.stores = new StoreFanOut(socket, settings.maxQueryTimeout().toNanos());
        this.tableFile = new RoutingTableFile(nodeSocket.routingTableFile());
    }

    /** Answers queries and notes who queried or answered us. */
    private final class Inbound implements KrpcSocket.Inbound {
        @Override
        public Response answer(Query<?> query, NodeInfo sender, boolean senderReadOnly) throws KrpcException {
            long now = clock.millis();
            Response response = handler.answer(query, sender.address(), now);
            // BEP43: nodes in read-only mode must not be added to routing tables
            if (!senderReadOnly) {
                pingIfWaiting(routing.seen(sender, false, now));
            }
            return response;
        }

        @Override
        public void responded(NodeInfo responder, InetSocketAddress reportedAddress) {
            long now = clock.millis();
            pingIfWaiting(routing.seen(responder, true, now));
            routing.vote(responder.address(), reportedAddress, now);
        }
    }

    /**
     * BEP32: lets queries that {@code want} the other address family's nodes be answered from {@code other}'s
     * table. Both nodes must live on the same event loop (the table is read there, unsynchronized). Call before
     * start.
     *
     * @param other the node on the other family's socket, not null
     * @throws IllegalArgumentException if it runs on another event loop
     */
    public void linkOtherFamily(DhtNode other) {
        if (other.loop != loop) {
            throw new IllegalArgumentException("the two families' nodes must share one event loop");
        }
        handler.otherFamily(other.handler::ownClosest);
        sibling = other;
    }

    /** Our maintenance lookups' {@code want}: both families once a sibling can use the other's nodes (BEP32). */
    private Want maintenanceWant() {
        return sibling == null ? null : Want.BOTH;
    }

    /** A node of the other family that one of our lookups heard of: the sibling's to check. On the loop. */
    private void otherFamilyHeardOf(NodeInfo node) {
        if (sibling != null) {
            sibling.heardOf(node);
        }
    }

    /**
     * BEP32: a node of this family that the other family's lookup heard of (their answers carry both families when
     * asked with {@code want}). While the table is small it is pinged, and it enters the table only if it answers
     * (BEP5: good nodes are those that responded), so a dual-stack node bootstrapped over one family fills the
     * other's table. On the loop (the sibling shares it).
     */
    private void heardOf(NodeInfo node) {
        if (closing.isClosed() || routing.table().size() >= SIBLING_FILL_LIMIT || !routing.admits(node)
                || Arrays.equals(node.id(), routing.ownId()) || routing.table().contains(node)) {
            return;
        }
        socket.send(node.address(), new Query.Ping(), new ReplyHandler<>() {
            @Override
            public void onResponse(Response.Pong response) {
                // the socket's listener puts every responder in the table
            }

            @Override
            public void onError(KrpcError error) {
            }

            @Override
            public void onFailure(QueryFailure failure) {
            }
        });
    }

    /**
     * BEP32 (Operation): "a node should use the same node id in both tables". Takes {@code other}'s id unless the
     * settings fix one; call before start. A saved table's id, or a BEP42 id once votes decide our address, still
     * replaces it.
     */
    public void useIdOf(DhtNode other) {
        if (settings.nodeId() == null) {
            routing.adopt(other.routing.ownId());
        }
    }

    /** @return the socket this node was configured with, never null */
    public NodeSocket nodeSocket() {
        return nodeSocket;
    }

    /** @return whether the bound socket is IPv6 (valid once bound) */
    public boolean isIpv6() {
        return socket.isIpv6();
    }

    /** @return the event loop this node runs on */
    public EventLoop loop() {
        return loop;
    }

    /** @return the bound address, or null before start */
    public InetSocketAddress localAddress() {
        return socket.localAddress();
    }

    /** @return completes once the socket is bound (or binding failed), before bootstrapping ends */
    public CompletableFuture<Void> bound() {
        return bound;
    }

    /** @return the external IP our BEP42 voters agree on, or null while they do not (or before start) */
    public InetAddress externalAddress() {
        return routing.externalAddress();
    }

    /** @return counters, never null */
    public NodeCounters stats() {
        return counters;
    }

    /** @return our node id (a copy); call on the event loop or accept a racy read */
    public byte[] id() {
        return routing.ownId();
    }

    /**
     * @param node a lookup's candidate, not null
     * @return whether it is this node as our own lookups ask it (our id, or the address they reach us at); call on
     *     the event loop (or accept a racy read of the id, which changes only with a new external address)
     */
    public boolean isSelf(NodeInfo node) {
        return Arrays.equals(node.id(), routing.ownId()) || node.address().equals(selfAddress());
    }

    /** @return completes with the routing table's size */
    public CompletableFuture<Integer> tableSize() {
        return onLoop(() -> routing.table().size());
    }

    /** @return completes with a snapshot of the routing table */
    public CompletableFuture<List<NodeInfo>> tableNodes() {
        return onLoop(() -> routing.table().nodes());
    }

    /** @return completes with the number of items stored here */
    public CompletableFuture<Integer> storedItems() {
        return onLoop(items::size);
    }

    /**
     * Binds, loads the saved table, and joins through the bootstrap nodes with a lookup of our own id.
     *
     * @param bootstrap resolved bootstrap addresses, not null
     * @return completes when bootstrapping is over (even if nobody answered: the node still serves), or fails if
     *     the socket cannot be bound
     */
    public CompletableFuture<Void> start(List<InetSocketAddress> bootstrap) {
        CompletableFuture<Void> started = new CompletableFuture<>();
        started.whenComplete((r, e) -> bound.complete(null));
        RoutingTableFile.Saved saved = tableFile.load();
        if (settings.nodeId() == null && saved.id() != null) {
            routing.adopt(saved.id()); // keep our place in the network across restarts
        }
        socket.bind().whenComplete((address, e) -> {
            if (e != null) {
                started.completeExceptionally(e);
                return;
            }
            bound.complete(null);
            // BEP32: a socket reaches only its own family; the other family's entries are the sibling node's
            List<InetSocketAddress> reachable = bootstrap.stream()
                    .filter(a -> (a.getAddress() instanceof Inet6Address) == socket.isIpv6()).toList();
            bootstrapNodes = reachable;
            List<NodeInfo> savedNodes = saved.nodes().stream().filter(n -> n.isIpv6() == socket.isIpv6()).toList();
            refreshTask = loop.scheduleAtFixedRate(this::refresh, REFRESH_PERIOD_MILLIS, REFRESH_PERIOD_MILLIS,
                    TimeUnit.MILLISECONDS);
            if (meters.enabled) {
                sampleGauges();
                sampleTask = loop.scheduleAtFixedRate(this::sampleGauges, GAUGE_SAMPLE_MILLIS, GAUGE_SAMPLE_MILLIS,
                        TimeUnit.MILLISECONDS);
            }
            rebootstrap = new Rebootstrap(loop, () -> routing.table().size(), reachable.isEmpty() ? null
                    : () -> bootstrap(reachable, List.of()), REBOOTSTRAP_MIN_MILLIS, REBOOTSTRAP_MAX_MILLIS);
            bootstrap(reachable, savedNodes).whenComplete((r, failure) -> {
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
            if (closing.isClosed()) {
                done.complete(null);
                return;
            }
            tableFile.save(routing.table());
            cancel(refreshTask);
            cancel(sampleTask);
            if (rebootstrap != null) {
                rebootstrap.close();
            }
            gauges.forEach(Metrics.Registration::close);
            // operations first, so they fail as closed rather than finish on their queries' failures
            closing.close();
            socket.close().whenComplete((r, e) -> done.complete(null));
        });
        return done;
    }

    /** @return true once {@link #close()} ran */
    public boolean isClosed() {
        return closing.isClosed();
    }

    /**
     * Sends one query; any thread.
     *
     * @param handler learns the outcome once, on the event loop; not null
     */
    public <R extends Response> void query(InetSocketAddress to, Query<R> query, ReplyHandler<R> handler) {
        loop.execute(() -> socket.send(to, query, handler));
    }

    /**
     * Runs an iterative lookup with {@code query} towards its target.
     *
     * @param listener sees every response, not null
     * @param timeoutMillis the whole lookup's deadline
     * @return completes with the closest responders when the lookup converges or the deadline passes; fails with
     *     {@link IllegalStateException} if the node closes first
     */
    public <R extends Response.LookupResponse> CompletableFuture<LookupResult> lookup(LookupQuery<R> query,
            ResponseListener<? super R> listener, long timeoutMillis) {
        CompletableFuture<LookupResult> result = new CompletableFuture<>();
        // With an empty table (a bootstrap that went unanswered, every node gone bad) the lookup starts from the
        // bootstrap nodes, as libtorrent's traversals add its routers when they have no node; else a one-shot client
        // whose single bootstrap ping was lost fails at once although the network is there.
        loop.execute(() -> lookups.run(query, listener, timeoutMillis,
                routing.table().size() == 0 ? bootstrapNodes : List.of(), List.of(), result));
        return result;
    }

    /**
     * After a lookup, sends the store query made by {@code withToken} (a put or announce_peer) to {@code targets}.
     *
     * @param targets responders that gave a token, not null
     * @return completes with how they answered, never exceptionally
     */
    public CompletableFuture<StoreOutcome> storeOn(List<Lookup.Candidate> targets,
            Function<byte[], Query<Response.Stored>> withToken) {
        CompletableFuture<StoreOutcome> done = new CompletableFuture<>();
        loop.execute(() -> stores.storeOn(targets, withToken).whenComplete((r, e) -> done.complete(r)));
        return done;
    }

    /**
     * Fails {@code operation} with a {@link TimeoutException} if it is not done within {@code millis}; the timer
     * lives on the event loop and is cancelled there when the operation completes (as this node's operations do).
     *
     * @return {@code operation}
     */
    public <T> CompletableFuture<T> failAfter(long millis, CompletableFuture<T> operation) {
        ScheduledFuture<?> timer = loop.schedule(() -> {
            operation.completeExceptionally(new TimeoutException("no result in " + millis + " ms"));
        }, millis, TimeUnit.MILLISECONDS);
        operation.whenComplete((r, e) -> timer.cancel(false));
        return operation;
    }

    /** @return a random 20-byte id (for callers that need a target) */
    public static byte[] randomTarget(Random random) {
        byte[] id = new byte[NodeIds.LENGTH];
        random.nextBytes(id);
        return id;
    }

    private InetSocketAddress selfAddress() {
        InetSocketAddress bound = socket.localAddress();
        if (!bound.getAddress().isAnyLocalAddress()) {
            return bound;
        }
        return new InetSocketAddress(socket.isIpv6() ? IPV6_LOOPBACK : InetAddress.getLoopbackAddress(),
                bound.getPort());
    }

    private CompletableFuture<Void> bootstrap(List<InetSocketAddress> bootstrap, List<NodeInfo> saved) {
        if (bootstrap.isEmpty() && saved.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<LookupResult> done = new CompletableFuture<>();
        lookups.run(new Query.FindNode(routing.ownId(), maintenanceWant()), (from, r) -> { },
                settings.operationTimeout().toMillis(), bootstrap, saved, done);
        return done.handle((r, e) -> {
            if (r != null) {
                LOG.debug("bootstrapped {} with {} queries; table has {} nodes", socket.localAddress(), r.queries(),
                        routing.table().size());
            }
            return null;
        });
    }

    /** BEP5 maintenance: refresh stale buckets with a lookup of a random id in their range. */
    private void refresh() {
        if (closing.isClosed()) {
            return;
        }
        rebootstrap.check(); // a table whose every node went bad has nothing left to refresh from
        for (byte[] target : routing.refreshTargets(clock.millis())) {
            lookups.run(new Query.FindNode(target, maintenanceWant()), (from, r) -> { },
                    settings.operationTimeout().toMillis(),
                    List.of(), List.of(), new CompletableFuture<>());
        }
    }

    /** Pings a questionable node a newcomer waits behind: it keeps its place only if it answers (BEP5). */
    private void pingIfWaiting(NodeInfo questionable) {
        if (questionable == null) {
            return;
        }
        socket.send(questionable.address(), new Query.Ping(), new ReplyHandler<>() {
            @Override
            public void onResponse(Response.Pong response) {
            }

            @Override
            public void onError(KrpcError error) {
                routing.failed(questionable);
            }

            @Override
            public void onFailure(QueryFailure failure) {
                routing.failed(questionable);
            }
        });
    }

    /** Sizes the table and stores for the gauges; on the event loop. */
    private void sampleGauges() {
        routingNodesSampled = routing.table().size();
        storedItemsSampled = items.size();
        storedPeersSampled = peers.peerCount();
    }

    private static InetAddress ipv6Loopback() {
        try {
            return InetAddress.getByAddress(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e); // 16 bytes are always an address
        }
    }

    private static void cancel(ScheduledFuture<?> task) {
        if (task != null) {
            task.cancel(false);
        }
    }

    private <T> CompletableFuture<T> onLoop(Supplier<T> action) {
        CompletableFuture<T> f = new CompletableFuture<>();
        loop.execute(() -> f.complete(action.get()));
        return f;
    }
}
