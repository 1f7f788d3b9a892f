package io.topictracker.transport.relay.internal;

/**
 * What one circuit may still carry: bytes (both directions together) and time. Pure; thread-safe (the two directions
 * of a circuit run on different event loops).
 */
public final class CircuitBudget {
    private final long limitBytes;
    private final long deadline;
    private long spent;

    /**
     * @param limitBytes bytes the circuit may carry, at least 0
     * @param start when the circuit opened, in the caller's clock (milliseconds)
     * @param durationMillis how long it may stay open
     */
    public CircuitBudget(long limitBytes, long start, long durationMillis) {
        this.limitBytes = limitBytes;
        this.deadline = start + durationMillis;
    }

    /**
     * Counts {@code bytes} that are about to be forwarded.
     *
     * @return true if they fit the budget; false once the circuit went over it (it must be closed; the bytes are not
     *     forwarded)
     */
    public synchronized boolean spend(long bytes) {
        spent += bytes;
        return spent <= limitBytes;
    }

    /** @return bytes counted so far */
    public synchronized long spent() {
        return spent;
    }

    /** @return whether the circuit is past its duration at {@code now} */
    public boolean expired(long now) {
        return now >= deadline;
    }

    /** @return milliseconds left at {@code now}, 0 when expired */
    public long remainingMillis(long now) {
        return Math.max(0, deadline - now);
    }
}
