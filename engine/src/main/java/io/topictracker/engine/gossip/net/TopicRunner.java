package io.topictracker.engine.gossip.net;

import io.topictracker.api.PeerId;
import io.topictracker.api.TopicId;
import io.topictracker.engine.gossip.GossipEvent;
import io.topictracker.engine.gossip.proto.Gossip;
import io.topictracker.engine.gossip.proto.Input;
import io.topictracker.engine.gossip.proto.Output;
import io.topictracker.engine.gossip.proto.TopicState;
import java.util.ArrayList;
import java.util.List;
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
 * Drives one topic's {@link TopicState} on its own serial executor and turns its outputs into sends, timers and
 * events. Thread-safe: every entry point only enqueues.
 */
final class TopicRunner {
    private static final Logger LOG = LoggerFactory.getLogger(TopicRunner.class);
    /** Membership messages as they are sent, for diagnosing joins. */
    private static final Logger TIMELINE = LoggerFactory.getLogger("io.topictracker.timeline.sent");
    /** Most inputs waiting for one topic; beyond it received messages are dropped (gossip repairs the loss). */
    static final int QUEUE_CAPACITY = 16_384;

    private final TopicId topic;
    private final TopicState state;
    private final SerialExecutor executor;
    private final ScheduledExecutorService scheduler;
    private final PeerLinks links;
    private final FrameCodec codec;
    private final Consumer<GossipEvent> listener;
    private final java.util.function.LongSupplier clock;
    private final PeerUse peerUse;
    private final List<Output> outputs = new ArrayList<>();
    private final Set<PeerId> neighbors = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    TopicRunner(TopicId topic, Function<Consumer<Output>, TopicState> factory, SerialExecutor executor,
            ScheduledExecutorService scheduler, PeerLinks links, FrameCodec codec, Consumer<GossipEvent> listener,
            java.util.function.LongSupplier clock, PeerUse peerUse) {
        this.topic = topic;
        this.state = factory.apply(outputs::add);
        this.executor = executor;
        this.scheduler = scheduler;
        this.links = links;
        this.codec = codec;
        this.listener = listener;
        this.clock = clock;
        this.peerUse = peerUse;
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
    Set<PeerId> neighbors() {
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

    /** Feeds a network input; dropped with a log line when the topic is overloaded or closed. */
    void offer(Input input) {
        if (closed) {
            return;
        }
        try {
            executor.execute(() -> {
                if (!closed) {
                    state.handle(clock.getAsLong(), input);
                    drain();
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.debug("topic {}: dropped {}: {}", topic, input.getClass().getSimpleName(), e.getMessage());
        }
    }

    <T> CompletableFuture<T> query(Function<TopicState, T> question) {
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
     * Quits the overlay (telling the neighbours) and stops: once the quit's own sends are out, nothing more is sent,
     * whatever inputs are still queued, so the node can close its transports after this completes.
     */
    CompletableFuture<Void> close() {
        CompletableFuture<Void> done = submit(new Input.Quit());
        return done.handle((ok, error) -> {
            stop();
            peerUse.releasedAll(topic);
            return null;
        });
    }

    /**
     * Sends nothing more from now on (a drain under way stops before its next send) and drops queued inputs. For the
     * node's close when a topic did not quit in time: the transports are about to go. Idempotent, any thread.
     */
    void stop() {
        closed = true;
    }

    /** Carries out what the state machine asked for; runs on the topic's executor. */
    private void drain() {
        for (int i = 0; i < outputs.size(); i++) {
            Output output = outputs.get(i);
            if (output instanceof Output.Send send) {
                if (closed) {
                    continue; // stopped: the transports may be closing, and the peers were told (or lost) already
                }
                if (TIMELINE.isDebugEnabled() && !(send.message() instanceof Gossip)) {
                    TIMELINE.debug("to {}: {}", send.to().id().shortText(), GossipNode.describe(send.message()));
                }
                links.send(send.to(), codec.encode(topic, send.message()));
            } else if (output instanceof Output.Schedule schedule) {
                if (!closed) {
                    try {
                        scheduler.schedule(() -> offer(new Input.TimerFired(schedule.timer())),
                                schedule.delayMillis(), TimeUnit.MILLISECONDS);
                    } catch (RejectedExecutionException e) {
                        // The node's scheduler is shutting down: the topic is going away with it.
                        closed = true;
                    }
                }
            } else if (output instanceof Output.Emit emit) {
                GossipEvent event = emit.event();
                if (event instanceof GossipEvent.NeighborUp up) {
                    neighbors.add(up.peer());
                    peerUse.used(topic, up.peer());
                } else if (event instanceof GossipEvent.NeighborDown down) {
                    neighbors.remove(down.peer());
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
}
