package io.topictracker.engine.topic;

import java.time.Duration;

/**
 * How long a topic that lost its last neighbour waits before it bootstraps again: {@code rejoin_delay} the first
 * time, doubled for each rejoin that starts within {@code rejoin_max_delay} of the previous one's end (a link that
 * flaps), never more than {@code rejoin_max_delay}; a topic that stayed joined longer than that starts from the
 * first delay again.
 *
 * <p>Pure (time is passed in); not thread-safe: used on the topic's executor.
 */
final class RejoinBackoff {
    private final long initialNanos;
    private final long maxNanos;
    private long currentNanos;
    private long lastRejoinedNanos = Long.MIN_VALUE;

    /** @param initial the first delay; @param max the largest, at least {@code initial}; both not null */
    RejoinBackoff(Duration initial, Duration max) {
        this.initialNanos = initial.toNanos();
        this.maxNanos = max.toNanos();
    }

    /**
     * The topic has no neighbour left.
     *
     * @param nowNanos a monotonic time
     * @return the delay before bootstrapping again
     */
    Duration lost(long nowNanos) {
        boolean soonAfterTheLast = lastRejoinedNanos != Long.MIN_VALUE && nowNanos - lastRejoinedNanos < maxNanos;
        currentNanos = soonAfterTheLast && currentNanos > 0 ? Math.min(maxNanos, currentNanos * 2) : initialNanos;
        return Duration.ofNanos(currentNanos);
    }

    /** The topic has a neighbour again, at {@code nowNanos}. */
    void rejoined(long nowNanos) {
        lastRejoinedNanos = nowNanos;
    }
}
