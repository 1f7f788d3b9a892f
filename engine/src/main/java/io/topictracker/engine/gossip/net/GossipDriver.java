package io.topictracker.engine.gossip.net;

import io.topictracker.api.MessageTooLargeException;
import io.topictracker.api.PeerId;
import io.topictracker.api.PeerInfo;
import io.topictracker.api.TopicId;
import io.topictracker.engine.gossip.GossipEvent;
import io.topictracker.engine.gossip.proto.Gossip;
import io.topictracker.engine.gossip.proto.GossipStateMachine;
import io.topictracker.engine.gossip.proto.GossipStats;
import io.topictracker.engine.gossip.proto.Input;
import io.topictracker.engine.gossip.proto.Output;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One topic's gossip on a {@link GossipNode}: drives the topic's {@link GossipStateMachine} on its own serial executor, turns
 * its outputs into sends, timers and events, and is the handle the rest of the engine uses (broadcast, join peers,
 * read the view, leave). Thread-safe: every entry point only enqueues and returns at once.
 */
public final class GossipDriver implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GossipDriver.class);
    /** Membership messages as they are sent, for diagnosing joins. */
    private static final Logger TIMELINE = LoggerFactory.getLogger("io.topictracker.timeline.sent");
    /** Most inputs waiting for one topic; beyond it received messages are dropped (gossip repairs the loss). */
    static final int QUEUE_CAPACITY = 16_384;

    private final TopicId topic;
    private final GossipStateMachine state;
    private final SerialExecutor executor;
    private final ScheduledExecutorService scheduler;
    private final PeerLinks links;
    private final FrameCodec codec;
    private final Consumer<GossipEvent> listener;
    private final java.util.function.LongSupplier clock;
    private final PeerUse peerUse;
    private final int maxMessageSize;
    // guarded by this
    private CompletableFuture<Void> quitting;
    private final Runnable unregister;
    private final List<Output> outputs = new ArrayList<>();
    private final Set<PeerId> neighbors = ConcurrentHashMap.newKeySet();
    private final BootstrapJoins bootstrapJoins = new BootstrapJoins();
    /** Timers on the node's scheduler; cancelled when the topic stops, so nothing there holds a closed topic. */
    private final PendingTimers timers = new PendingTimers();
    private final GossipMeters meters;
    /** The state machine's counters as last turned into meter increments; on the executor only. */
    private long duplicatesCounted;
    private long refusalsCounted;
    private volatile boolean closed;

    GossipDriver(TopicId topic, Function<Consumer<Output>, GossipStateMachine> factory, SerialExecutor executor,
            ScheduledExecutorService scheduler, PeerLinks links, FrameCodec codec, Consumer<GossipEvent> listener,
            java.util.function.LongSupplier clock, PeerUse peerUse, int maxMessageSize, Runnable unregister,
            GossipMeters meters) {
        this.topic = topic;
        this.state = factory.apply(outputs::add);
        this.executor = executor;
        this.scheduler = scheduler;
        this.links = links;
        this.codec = codec;
        this.listener = listener;
        this.clock = clock;
        this.peerUse = peerUse;
        this.maxMessageSize = maxMessageSize;
        this.unregister = unregister;
        this.meters = meters;
    }

    /**
     * Told which peers' connections this topic uses, so the node can close a connection once no topic uses it. Called
     * on the topic's executor; must not block.
     */
    interface PeerUse {
        /** The topic uses the connection to {@code peer} (it entered the active view). */
        void used(TopicId topic, PeerId peer);

        /** The topic is done with the connection to {@code peer} (HyParView disconnected it). */
        void released(TopicId topic, PeerId peer);

        /** The topic ended: it uses no connection any more. */
        void releasedAll(TopicId topic);
    }

    TopicId topic() {
        return topic;
    }

    /** @return the peers currently in the active view (a live, thread-safe set) */
    Set<PeerId> liveNeighbors() {
        return neighbors;
    }

    CompletableFuture<Void> start() {
        return call(() -> {
            state.start(clock.getAsLong());
            drain();
        });
    }

    /** Feeds an input; the future completes once it was processed, or fails with what the state machine threw. */
    CompletableFuture<Void> submit(Input input) {
        return call(() -> {
            try {
                state.handle(clock.getAsLong(), input);
            } finally {
                drain();
            }
        });
    }

    /**
     * Tells the topic's listener that {@code peer}'s connection is direct now, if it is a neighbour (issue 15); on the
     * topic's executor, after the events before it.
     */
    void connectionDirect(PeerId peer) {
        if (closed || !neighbors.contains(peer)) {
            return;
        }
        try {
            executor.execute(() -> {
                if (!closed && neighbors.contains(peer)) {
                    listener.accept(new GossipEvent.NeighborDirect(peer));
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.debug("topic {}: dropped the direct path event of {}: {}", topic, peer.shortText(), e.getMessage());
        }
    }

    /**
     * Runs {@code task} on the topic's executor after the inputs {@link #offer offered} before it, so that it sees the
     * active view those made (a connection request that came after a Neighbor message on one connection is judged by
     * the view that message made). The task must not block.
     *
     * @return false if the topic is closed or its executor refused the task (it does not run)
     */
    boolean afterOffered(Runnable task) {
        if (closed) {
            return false;
        }
        try {
            executor.execute(task);
            return true;
        } catch (RejectedExecutionException e) {
            LOG.debug("topic {}: dropped a task after its inputs: {}", topic, e.getMessage());
            return false;
        }
    }

    /** Feeds a network input; dropped with a log line when the topic is overloaded or closed. */
    void offer(Input input) {
        if (closed) {
            return;
        }
        try {
            executor.execute(() -> handle(input));
        } catch (RejectedExecutionException e) {
            LOG.debug("topic {}: dropped {}: {}", topic, input.getClass().getSimpleName(), e.getMessage());
        }
    }

    /**
     * The peer's connections all closed: the topic drops the peer if it holds it once the frames received before the
     * close are handled. Asked on the executor, not at the close: a frame still queued there may be the ACCEPT that
     * makes the peer a neighbour, and a topic asked at the close kept that peer with no connection. Any thread.
     */
    void connectionLost(PeerId peer) {
        afterOffered(() -> {
            if (neighbors.contains(peer)) {
                handle(new Input.PeerDisconnected(peer));
            }
        });
    }

    /** A timer fired on the node's scheduler, one of the threads the executor runs on: handled there if idle. */
    private void timerFired(Input.TimerFired fired) {
        if (closed) {
            return;
        }
        try {
            executor.executeOnPoolThread(() -> handle(fired));
        } catch (RejectedExecutionException e) {
            LOG.debug("topic {}: dropped a timer: {}", topic, e.getMessage());
        }
    }

    private void handle(Input input) {
        if (!closed) {
            state.handle(clock.getAsLong(), input);
            drain();
        }
    }

    <T> CompletableFuture<T> query(Function<GossipStateMachine, T> question) {
        CompletableFuture<T> result = new CompletableFuture<>();
        try {
            executor.execute(() -> {
                try {
                    result.complete(question.apply(state));
                } catch (RuntimeException e) {
                    result.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(e);
        }
        return result;
    }

    private CompletableFuture<Void> call(Runnable action) {
        CompletableFuture<Void> result = new CompletableFuture<>();
        if (closed) {
            result.completeExceptionally(new IllegalStateException("topic " + topic + " is closed"));
            return result;
        }
        try {
            executor.execute(() -> {
                try {
                    action.run();
                    result.complete(null);
                } catch (RuntimeException e) {
                    result.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(e);
        }
        return result;
    }

    /**
     * Broadcasts to the whole overlay.
     *
     * @param payload not null; from now on owned by the gossip: the caller must not change it (the public
     *     {@code Topic} hands over a copy)
     * @return completes once handed to the protocol; fails with {@link MessageTooLargeException} when over
     *     {@code max_message_size} (nothing is sent); never null
     */
    public CompletableFuture<Void> broadcast(byte[] payload) {
        return send(payload, false);
    }

    /** Like {@link #broadcast} but only to our direct neighbours, who do not forward it. */
    public CompletableFuture<Void> broadcastNeighbors(byte[] payload) {
        return send(payload, true);
    }

    private CompletableFuture<Void> send(byte[] payload, boolean neighborsOnly) {
        Objects.requireNonNull(payload, "payload");
        if (payload.length > maxMessageSize) {
            return CompletableFuture.failedFuture(new MessageTooLargeException(payload.length, maxMessageSize));
        }
        return submit(neighborsOnly ? new Input.BroadcastNeighbors(payload) : new Input.Broadcast(payload));
    }

    /**
     * Sends a Join to each peer (at most 64).
     *
     * @param untilJoined whether a Join still waiting for its dial is dropped once a contact accepted one of these
     *     (the bootstrap loop's: see {@link BootstrapJoins})
     * @return completes once handed to the protocol; never null
     */
    public CompletableFuture<Void> joinPeers(List<PeerInfo> peers, boolean untilJoined) {
        return submit(new Input.JoinPeers(peers, untilJoined));
    }

    /** @return a snapshot of the active view, read on the topic's executor; never null */
    public CompletableFuture<Set<PeerId>> neighbors() {
        return query(state -> Set.copyOf(state.activeView()));
    }

    /** @return a snapshot of the active view with each peer's addresses, read on the topic's executor; never null */
    public CompletableFuture<List<PeerInfo>> neighborInfos() {
        return query(state -> List.copyOf(state.activePeers()));
    }

    /**
     * What one topic's gossip knows, read on the topic's executor in one step; counts run from the join.
     *
     * @param neighbors the active view; never null
     * @param refusedAdmissions Join, Neighbor or ShuffleReply messages refused for a bad admission MAC
     * @param messagesSent every message sent, of any kind
     * @param gossipSent broadcast payload messages (eager push)
     * @param ihaveSent IHave (lazy push) messages
     * @param graftSent Graft messages
     * @param pruneSent Prune messages
     * @param duplicatesDropped broadcasts received again
     * @param strangerDropped messages dropped for coming from a peer outside the active view
     * @param delivered broadcasts delivered to the application
     * @param deliveredAfterGraft of those, the ones whose payload came after we grafted it (the lazy path)
     */
    public record Snapshot(Set<PeerId> neighbors, long refusedAdmissions, long messagesSent, long gossipSent,
            long ihaveSent, long graftSent, long pruneSent, long duplicatesDropped, long strangerDropped,
            long delivered, long deliveredAfterGraft) {}

    /** @return a snapshot of the view and counters; never null */
    public CompletableFuture<Snapshot> snapshot() {
        return query(state -> {
            var s = state.stats();
            return new Snapshot(Set.copyOf(state.activeView()), s.joinsRefused(), s.messagesSent(), s.gossipSent(),
                    s.ihaveSent(), s.graftSent(), s.pruneSent(), s.duplicatesDropped(), s.strangerDropped(),
                    s.delivered(), s.deliveredAfterGraft());
        });
    }

    /**
     * Quits the overlay (telling the neighbours) and stops: once the quit's own sends are out, nothing more is sent.
     * Idempotent: every call returns the same future, completed when the quit is done (or failed).
     */
    synchronized CompletableFuture<Void> quit() {
        if (quitting == null) {
            quitting = submit(new Input.Quit()).handle((ok, error) -> {
                stop();
                peerUse.releasedAll(topic);
                return null;
            });
        }
        return quitting;
    }

    /**
     * Leaves the topic, telling the neighbours. Idempotent. The topic is unregistered from its node before this
     * returns, so the same topic can be joined again at once; this driver finishes its goodbyes on its own executor
     * (frames that still arrive for the topic go to the new driver, which treats them as from strangers).
     */
    @Override
    public void close() {
        unregister.run();
        quit();
    }

    /**
     * Sends nothing more from now on (a drain under way stops before its next send), drops queued inputs and cancels
     * the pending timers. Also for the node's close when a topic did not quit in time: the transports are about to
     * go. Idempotent, any thread.
     */
    void stop() {
        closed = true;
        timers.cancelAll();
    }

    /** Carries out what the state machine asked for; runs on the topic's executor. */
    private void drain() {
        if (meters.enabled) {
            countStats();
        }
        for (int i = 0; i < outputs.size(); i++) {
            Output output = outputs.get(i);
            if (output instanceof Output.Send send) {
                if (closed) {
                    continue; // stopped: the transports may be closing, and the peers were told (or lost) already
                }
                if (meters.enabled) {
                    meters.sent(send.message());
                }
                if (TIMELINE.isDebugEnabled() && !(send.message() instanceof Gossip)) {
                    TIMELINE.debug("to {}: {}", send.to().id().shortText(), GossipNode.describe(send.message()));
                }
                ByteBuffer frame = codec.encode(topic, send.message());
                if (send.untilJoined()) {
                    bootstrapJoins.sent(send.to().id());
                    links.send(send.to(), frame, bootstrapJoins::accepted);
                } else {
                    links.send(send.to(), frame);
                }
            } else if (output instanceof Output.Schedule schedule) {
                if (!closed) {
                    try {
                        timers.add(scheduler.schedule(() -> timerFired(new Input.TimerFired(schedule.timer())),
                                schedule.delayMillis(), TimeUnit.MILLISECONDS));
                    } catch (RejectedExecutionException e) {
                        // The node's scheduler is shutting down: the topic is going away with it.
                        closed = true;
                    }
                }
            } else if (output instanceof Output.Emit emit) {
                GossipEvent event = emit.event();
                if (event instanceof GossipEvent.NeighborUp up) {
                    neighbors.add(up.peer());
                    bootstrapJoins.neighbourUp(up.peer());
                    peerUse.used(topic, up.peer());
                } else if (event instanceof GossipEvent.NeighborDown down) {
                    neighbors.remove(down.peer());
                    if (neighbors.isEmpty()) {
                        bootstrapJoins.alone();
                    }
                } else if (event instanceof GossipEvent.Received) {
                    meters.deliveries.increment();
                }
                try {
                    listener.accept(event);
                } catch (RuntimeException e) {
                    LOG.warn("topic {}: event listener failed on {}", topic, event.getClass().getSimpleName(), e);
                }
            } else if (output instanceof Output.DisconnectPeer disconnect) {
                peerUse.released(topic, disconnect.peer());
            }
        }
        outputs.clear();
    }

    /** Turns the state machine's drop counters into meter increments (they are counted inside the pure protocol). */
    private void countStats() {
        GossipStats stats = state.stats();
        long duplicates = stats.duplicatesDropped();
        if (duplicates != duplicatesCounted) {
            meters.duplicates.increment(duplicates - duplicatesCounted);
            duplicatesCounted = duplicates;
        }
        long refusals = stats.joinsRefused();
        if (refusals != refusalsCounted) {
            meters.admissionsRefused.increment(refusals - refusalsCounted);
            refusalsCounted = refusals;
        }
    }
}
