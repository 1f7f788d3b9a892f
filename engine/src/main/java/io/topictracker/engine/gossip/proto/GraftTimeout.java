package io.topictracker.engine.gossip.proto;

/**
 * How long to wait, after the first IHave of a message we lack, for its eager copy before grafting it (PlumTree §3.6
 * "timer"): learnt from how late eager copies in fact come after their announcement, as TCP learns its retransmission
 * timeout from round trips (RFC 6298 §2: smoothed mean plus four mean deviations, gains 1/8 and 1/4).
 *
 * <p>Why: a fixed timeout is right only for one load. When the eager copies of a busy swarm queue behind CPU for longer
 * than it, the lazy path wins a race it should lose: the Graft opens a second eager link, the late eager copy then
 * arrives as a duplicate and prunes the first (§3.5), and the extra Grafts, Prunes and duplicates add to the queues
 * that made the copies late (the "graft/prune churn" of BENCHMARKS.md, issue 18). Measured, the wait grows to cover
 * the copies that are late but coming; when the swarm is quiet and copies follow their announcements closely, it
 * shrinks, so a lazy hop that is really needed (a broken eager link) costs less than the configured wait.
 *
 * <p>Samples: the delay from a message's first announcement to its first eager copy, and, when a Graft fetched it
 * first, to the late eager copy that came after (that sample is what stops the churn: without it the estimate would
 * see only copies that beat the timeout). Kept within {@code [floor, ceiling]}; before the first sample the wait is the
 * configured one.
 *
 * <p>Pure arithmetic on the delays it is given (no clock); not thread-safe (the topic's executor).
 */
final class GraftTimeout {
    private final long initialMillis;
    private final long floorMillis;
    private final long ceilingMillis;
    /** Smoothed delay and mean deviation, in 1/8 ms so that the 1/8 and 1/4 gains stay in integers. */
    private long smoothedEighths;
    private long deviationEighths;
    private boolean sampled;

    /**
     * @param initialMillis the wait before any sample (the configured {@code graft_timeout_1}), within the bounds
     * @param floorMillis the shortest wait, at least 1
     * @param ceilingMillis the longest wait, at least {@code floorMillis}
     */
    GraftTimeout(long initialMillis, long floorMillis, long ceilingMillis) {
        if (floorMillis < 1 || ceilingMillis < floorMillis || initialMillis < floorMillis
                || initialMillis > ceilingMillis) {
            throw new IllegalArgumentException("graft timeout bounds: floor " + floorMillis + " <= initial "
                    + initialMillis + " <= ceiling " + ceilingMillis + " expected");
        }
        this.initialMillis = initialMillis;
        this.floorMillis = floorMillis;
        this.ceilingMillis = ceilingMillis;
    }

    /**
     * Records that an eager copy came {@code delayMillis} after the message's first announcement.
     *
     * @param delayMillis the delay; a negative value (clock steps) counts as 0, values beyond four ceilings as four
     *     ceilings, so one stray sample moves the estimate by a bounded amount
     */
    void sample(long delayMillis) {
        long eighths = Math.min(Math.max(delayMillis, 0), 4 * ceilingMillis) * 8;
        if (!sampled) {
            // RFC 6298 §2.2: the first measurement sets the mean, and half of it the deviation.
            sampled = true;
            smoothedEighths = eighths;
            deviationEighths = eighths / 2;
            return;
        }
        // RFC 6298 §2.3, deviation first (it uses the old mean).
        deviationEighths += (Math.abs(smoothedEighths - eighths) - deviationEighths) / 4;
        smoothedEighths += (eighths - smoothedEighths) / 8;
    }

    /** @return the wait before the first Graft of a missing message, in ms, within the bounds */
    long firstMillis() {
        if (!sampled) {
            return initialMillis;
        }
        long millis = (smoothedEighths + 4 * deviationEighths + 7) / 8;
        return Math.min(Math.max(millis, floorMillis), ceilingMillis);
    }

    /**
     * @param configuredFirst the configured {@code graft_timeout_1}
     * @param configuredNext the configured {@code graft_timeout_2}
     * @return the wait between further Grafts of the same message: the configured one scaled as the first wait was, so
     *     the configured ratio holds; at least 1 ms
     */
    long nextMillis(long configuredFirst, long configuredNext) {
        return Math.max(1, configuredNext * firstMillis() / configuredFirst);
    }
}
