package io.topictracker.engine.gossip.net;

/**
 * The first-contact instant of two peers new to a topic (PROTOCOL.md §8): when both, still alone, dial each other
 * for the first time, computed by each from the two since instants their records carry, so both dial at the same
 * moment. Why one moment: with NATs that keep unsolicited packets the side that sends first moves the other's
 * mapping (see {@link PunchSlots}).
 *
 * <p>The instant is {@link #NEAR_MILLIS} after the later since when the earlier peer is still in its
 * {@link #WINDOW_MILLIS first-contact window} then, reading the slot again a moment after each lookup (the bootstrap's
 * first-contact retry); else {@link #FAR_MILLIS} after it, when the earlier peer reads the slot at its normal pace.
 * Two peers that start at the same moment may put their first records at the same moment too, each put's lookup
 * finding the slot empty; the mainline DHT provider then stores each on half of the closest nodes (dht-mainline's
 * SlotSharing), so both records stay readable and such a pair needs no later instant. Pure and stateless;
 * thread-safe.
 */
public final class FirstContact {
    /**
     * How long after its since a peer alone keeps reading its slot every round without the usual wait (the
     * bootstrap's first-contact retry), so that a peer starting meanwhile is met {@link #NEAR_MILLIS} after it starts.
     */
    public static final long WINDOW_MILLIS = 60_000;
    /**
     * From the later since to the instant when the earlier peer is in its window: the later one's first record stored
     * (its rate-limit lookup, then the put's lookup and store) plus the earlier one's next read of the slot (a lookup
     * started at most a retry after the last one ended, answering within a round trip or two). Measured in the lab
     * (BENCHMARKS.md, first contact): with lookups leaving out nodes that keep not answering, both sides were aware
     * at most 2.4 s after the later start over 60 trials (at 3 s before that, a trial in 20 missed the instant).
     */
    static final long NEAR_MILLIS = 2_700;
    /**
     * From the later since to the instant otherwise: the later one's first record stored plus the earlier one's next
     * read at its normal pace (every {@code no_peers_retry_interval} or {@code discovery_poll_interval}, 1.5–2 s, after
     * a lookup). Measured in the lab over 20 trials: the later side was aware 2.4–5.3 s after the later start.
     */
    static final long FAR_MILLIS = 6_000;

    private FirstContact() {}

    /**
     * @param ourSince our record's since, wall-clock millis; @param theirSince the peer's record's
     * @return the pair's first-contact instant, the same whichever side computes it
     */
    static long instant(long ourSince, long theirSince) {
        long later = Math.max(ourSince, theirSince);
        long earlier = Math.min(ourSince, theirSince);
        boolean near = later + NEAR_MILLIS <= earlier + WINDOW_MILLIS;
        return near ? later + NEAR_MILLIS : later + FAR_MILLIS;
    }
}
