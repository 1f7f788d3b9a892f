package io.topictracker.engine;

import java.time.Duration;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The events of one topic, in order, ending with {@link TopicEvent.Closed} once the topic is closed.
 *
 * <p>The queue behind it is bounded (the node builder's {@code eventQueueCapacity}, 4096 by default): on overflow
 * the oldest events are dropped and a {@link TopicEvent.Lagged} with their number is delivered before the next
 * event, so a slow consumer loses events but never blocks the topic. When the topic (or its node) is closed, the
 * events still queued are delivered first; after them every call answers {@link TopicEvent.Closed} at once, and a
 * consumer blocked in {@link #next} wakes up with it.
 *
 * <p>Thread-safe; meant for one consuming thread (several consumers each get some of the events).
 */
public interface TopicReceiver {
    /**
     * Waits for the next event.
     *
     * @param timeout the longest wait, not null, not negative
     * @return the next event; {@link TopicEvent.Closed} (at once) when the topic is closed and every queued event
     *     was taken; null only if no event came within {@code timeout}
     * @throws InterruptedException if the calling thread is interrupted while waiting
     */
    TopicEvent next(Duration timeout) throws InterruptedException;

    /**
     * Takes the next event if one is queued, without waiting.
     *
     * @return the next event; {@link TopicEvent.Closed} when closed and drained; empty when nothing is queued yet;
     *     never null
     */
    Optional<TopicEvent> poll();

    /**
     * The events as a sequential stream that ends when the topic is closed and drained ({@link TopicEvent.Closed} is
     * not part of it). Taking an element blocks until an event comes; interrupting the consuming thread ends the
     * stream early and keeps the thread's interrupt flag set. The stream shares this receiver's queue: events it
     * takes are not seen by {@link #next} and the other way round.
     *
     * @return a lazy, unbounded-in-time stream, at most one element per event; never null
     */
    Stream<TopicEvent> stream();

    /** @return true once the topic is closed and every queued event was taken */
    boolean isDrained();
}
