package io.topictracker.engine;

import java.time.Duration;
import java.util.Optional;

/**
 * The events of one topic, in order. The queue behind it is bounded: on overflow the oldest events are dropped and a
 * {@link TopicEvent.Lagged} with their number is delivered before the next event. Thread-safe; meant for one
 * consuming thread (several consumers each get some of the events).
 */
public interface TopicReceiver {
    /**
     * Waits for the next event.
     *
     * @param timeout the longest wait, not null, not negative
     * @return the event, or null if none came within {@code timeout} or the topic is closed and drained
     * @throws InterruptedException if the calling thread is interrupted while waiting
     */
    TopicEvent next(Duration timeout) throws InterruptedException;

    /** @return the next event if one is queued; never null */
    Optional<TopicEvent> poll();
}
