package io.topictracker.dht.mainline.node;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import io.topictracker.dht.mainline.krpc.KrpcError;
import io.topictracker.dht.mainline.krpc.LookupQuery;
import io.topictracker.dht.mainline.krpc.Query;
import io.topictracker.dht.mainline.krpc.Response;
import io.topictracker.dht.mainline.routing.NodeInfo;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs iterative lookups (BEP5 "find_node ... iteratively"; BEP44 get the same way) over a {@link KrpcSocket}: the
 * {@link Lookup} state machine decides whom to ask, this class sends the queries, feeds the answers back, and ends
 * the lookup when it converges, at its deadline, or when the node closes.
 *
 * <p>Latency is also counted in rounds: a query sent by the first pump is round 1; one sent when an answer (or
 * failure) of round r freed its slot is round r + 1. The highest round answered is the lookup's sequential round
 * trips, its latency in units of one query's round trip, which (unlike wall-clock time) the load of the machine does
 * not sway.
 *
 * <p>Confined to the node's event loop.
 */
final class LookupDriver {
    private static final Logger LOG = LoggerFactory.getLogger(LookupDriver.class);
    private static final int MAX_CANDIDATES = 64;
    private static final int MAX_QUERIES = 64;

    private final MainlineSettings settings;
    private final EventLoop loop;
    private final KrpcSocket socket;
    private final RoutingMaintainer routing;
    private final Closing closing;
    private final NodeCounters counters;
    private final DhtMeters meters;
    private final Supplier<InetSocketAddress> selfAddress;
    private final Consumer<NodeInfo> otherFamilyNode;

    LookupDriver(MainlineSettings settings, EventLoop loop, KrpcSocket socket, RoutingMaintainer routing,
            Closing closing, NodeCounters counters, DhtMeters meters, Supplier<InetSocketAddress> selfAddress,
            Consumer<NodeInfo> otherFamilyNode) {
        this.settings = settings;
        this.loop = loop;
        this.socket = socket;
        this.routing = routing;
        this.closing = closing;
        this.counters = counters;
        this.meters = meters;
        this.selfAddress = selfAddress;
        this.otherFamilyNode = otherFamilyNode;
    }

    /**
     * Starts a lookup; on the event loop.
     *
     * @param query what to ask each node, not null
     * @param listener sees every response while the lookup runs, not null
     * @param timeoutMillis the whole lookup's deadline
     * @param bootstrap addresses without known ids, asked find_node first, not null
     * @param seeds nodes to start from besides the table's closest, not null
     * @param result completes with the closest responders, or fails with {@link IllegalStateException} on close
     */
    <R extends Response.LookupResponse> void run(LookupQuery<R> query, ResponseListener<? super R> listener,
            long timeoutMillis, List<InetSocketAddress> bootstrap, List<NodeInfo> seeds,
            CompletableFuture<LookupResult> result) {
        if (closing.isClosed()) {
            result.completeExceptionally(new IllegalStateException("closed"));
            return;
        }
        new Run<>(query, listener, bootstrap.size(), result).start(timeoutMillis, bootstrap, seeds);
    }

    /** One lookup in progress. */
    private final class Run<R extends Response.LookupResponse> {
        private final LookupQuery<R> query;
        private final ResponseListener<? super R> listener;
        private final CompletableFuture<LookupResult> result;
        private final Lookup lookup;
        private final byte[] ownId = routing.ownId();
        private final long startedNanos = System.nanoTime();
        private final int bootstrapQueries;
        private int bootstrapLeft;
        /** The round of the last answer (or failure or slow query) that freed a slot. */
        private int roundOfReply;
        private int lastRound;

        Run(LookupQuery<R> query, ResponseListener<? super R> listener, int bootstrapQueries,
                CompletableFuture<LookupResult> result) {
            this.query = query;
            this.listener = listener;
            this.result = result;
            this.bootstrapQueries = bootstrapQueries;
            this.bootstrapLeft = bootstrapQueries;
            this.lookup = new Lookup(query.target(), RoutingMaintainer.K, settings.alpha(), MAX_CANDIDATES,
                    MAX_QUERIES, query.readsData());
        }

        void start(long timeoutMillis, List<InetSocketAddress> bootstrap, List<NodeInfo> seeds) {
            routing.table().closest(query.target(), RoutingMaintainer.K * 2).forEach(this::addCandidate);
            seeds.forEach(this::addCandidate);
            if (!settings.readOnly() && query.readsData()) {
                // We are a storage node like any other: when we are among the k closest, another node's put must
                // store here too and a get must read here too, or the putter's and getter's closest sets differ by
                // themselves. Our own puts skip us (MainlineDht.storeOn): a get of ours then reports our item only
                // when another node holds it.
                lookup.add(new NodeInfo(ownId, selfAddress.get()));
            }
            Runnable cancel = closing.onClose(() -> result.completeExceptionally(new IllegalStateException("closed")));
            ScheduledFuture<?> deadline = loop.schedule(this::finish, timeoutMillis, TimeUnit.MILLISECONDS);
            result.whenComplete((r, e) -> {
                deadline.cancel(false);
                cancel.run();
            });
            for (InetSocketAddress address : bootstrap) {
                askBootstrapNode(address);
            }
            pump();
        }

        private void finish() {
            if (closing.isClosed()) {
                result.completeExceptionally(new IllegalStateException("closed"));
                return;
            }
            counters.lookups++;
            counters.lookupRounds += lastRound;
            meters.lookup(DhtMeters.type(query.method()), System.nanoTime() - startedNanos);
            result.complete(new LookupResult(lookup.closestResponded(RoutingMaintainer.K),
                    lookup.queries() + bootstrapQueries, lookup.responses()));
        }

        private void pump() {
            if (result.isDone()) {
                return;
            }
            int round = roundOfReply + 1;
            for (NodeInfo node : lookup.next()) {
                socket.send(node.address(), query, new ReplyHandler<R>() {
                    @Override
                    public void onResponse(R response) {
                        replied(round);
                        addNodes(response);
                        if (!result.isDone()) {
                            try {
                                listener.onResponse(node, response);
                            } catch (RuntimeException e) {
                                // a failing consumer must not stall the lookup it is fed by
                                LOG.warn("a lookup listener failed", e);
                            }
                        }
                        lookup.responded(node, response.token());
                        pump();
                    }

                    @Override
                    public void onError(KrpcError error) {
                        replied(round);
                        lookup.failed(node);
                        pump();
                    }

                    @Override
                    public void onFailure(QueryFailure failure) {
                        replied(round);
                        lookup.failed(node);
                        pump();
                    }

                    @Override
                    public void onSlow() {
                        roundOfReply = round; // its slot is free: what it lets out is one round later
                        lookup.slow(node);
                        pump();
                    }
                });
            }
            if (bootstrapLeft == 0 && lookup.isDone()) {
                finish();
            }
        }

        private void replied(int round) {
            roundOfReply = round;
            lastRound = Math.max(lastRound, round);
        }

        /** Bootstrap addresses have no known id: ask them find_node and feed what they name into the lookup. */
        private void askBootstrapNode(InetSocketAddress address) {
            socket.send(address, new Query.FindNode(query.target()), new ReplyHandler<Response.NodesFound>() {
                private boolean counted;

                @Override
                public void onResponse(Response.NodesFound response) {
                    addNodes(response);
                    done();
                }

                @Override
                public void onError(KrpcError error) {
                    done();
                }

                @Override
                public void onFailure(QueryFailure failure) {
                    done();
                }

                @Override
                public void onSlow() {
                    done(); // a slow bootstrap node must not hold the lookup; its late answer is still used
                }

                private void done() {
                    if (!counted) {
                        counted = true;
                        bootstrapLeft--;
                    }
                    roundOfReply = 1; // bootstrap queries go out with the first round
                    lastRound = Math.max(lastRound, 1);
                    pump();
                }
            });
        }

        private void addNodes(Response.LookupResponse response) {
            boolean ipv6 = socket.isIpv6();
            for (NodeInfo n : response.nodes()) {
                // BEP32: this socket reaches its own family only; the other family's nodes are its sibling's
                if (n.isIpv6() != ipv6) {
                    otherFamilyNode.accept(n); // in nodes6 (or nodes) because we asked with want (BEP32)
                } else if (routing.admits(n)) {
                    addCandidate(n);
                }
            }
        }

        /** Adds {@code n} to the lookup unless it is us (under our current id) or keeps not answering. */
        private void addCandidate(NodeInfo n) {
            if (!Arrays.equals(n.id(), ownId) && !socket.isSilent(n.address())) {
                lookup.add(n);
            }
        }
    }
}
