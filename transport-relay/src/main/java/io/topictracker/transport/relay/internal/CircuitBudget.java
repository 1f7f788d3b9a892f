package io.topictracker.transport.relay.internal;

/**
 * What one circuit may still carry: bytes (both directions together) and time. Pure; thread-safe (the two directions
 * of a circuit run on different event loops).
 */
public final class CircuitBudget {
    private final long limitBytes;
    private final long deadline;
    private final long durationMillis;
    private long spent;
    private boolean reported;

    /**
     * @param limitBytes bytes the circuit may carry, at least 0
     * @param start when the circuit opened, in the caller's clock (milliseconds)
     * @param durationMillis how long it may stay open
     */
    public CircuitBudget(long limitBytes, long start, long durationMillis) {
        this.limitBytes = limitBytes;
        this.deadline = start + durationMillis;
        this.durationMillis = durationMillis;
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

    /**
     * @param now the caller's clock (milliseconds)
     * @return which limit the circuit is over at {@code now}, naming its {@code [transport.relay]} key, e.g.
     *     {@code "carried 140000 bytes, over 131072 (circuit_bytes)"}; null while within both
     */
    public synchronized String overLimit(long now) {
        if (spent > limitBytes) {
            return "carried " + spent + " bytes, over " + limitBytes + " (circuit_bytes)";
        }
        if (expired(now)) {
            return "open " + (now - (deadline - durationMillis)) + " ms, over " + durationMillis
                    + " ms (circuit_duration)";
        }
        return null;
    }

    /**
     * @return true the first time it is called: whoever closes the circuit for a limit reports it once (both
     *     directions, and the duration timer, may find it over)
     */
    public synchronized boolean firstReport() {
        boolean first = !reported;
        reported = true;
        return first;
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
