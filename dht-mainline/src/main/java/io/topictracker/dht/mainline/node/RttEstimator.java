package io.topictracker.dht.mainline.node;

/**
 * Adaptive query timeout from measured round trips, as TCP's RTO (RFC 6298): smoothed RTT plus four deviations,
 * clamped to configured bounds. Starts at the upper bound until the first sample. Not thread-safe.
 */
public final class RttEstimator {
    private final long minNanos;
    private final long maxNanos;
    private double srtt = -1;
    private double rttvar;

    /** @param minNanos lowest timeout; @param maxNanos highest timeout */
    public RttEstimator(long minNanos, long maxNanos) {
        this.minNanos = minNanos;
        this.maxNanos = maxNanos;
    }

    /** Adds one measured round trip. */
    public void sample(long rttNanos) {
        if (srtt < 0) {
            srtt = rttNanos;
            rttvar = rttNanos / 2.0;
        } else {
            rttvar = 0.75 * rttvar + 0.25 * Math.abs(srtt - rttNanos);
            srtt = 0.875 * srtt + 0.125 * rttNanos;
        }
    }

    /**
     * @return after this long a query counts as slow for its lookup (which moves on without it): the adaptive
     *     estimate itself, at least {@code floorNanos} and at most the hard timeout
     */
    public long softTimeoutNanos(long floorNanos) {
        if (srtt < 0) {
            return maxNanos / 2;
        }
        return Math.min(timeoutNanos(), Math.max(floorNanos, (long) (srtt + 4 * rttvar)));
    }

    /** @return the timeout to use for the next query, in nanoseconds */
    public long timeoutNanos() {
        if (srtt < 0) {
            return maxNanos;
        }
        return Math.max(minNanos, Math.min(maxNanos, (long) (srtt + 4 * rttvar)));
    }
}
