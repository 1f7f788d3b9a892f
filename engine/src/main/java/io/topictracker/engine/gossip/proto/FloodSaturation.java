package io.topictracker.engine.gossip.proto;

/**
 * Per hop count near the author, the share of our near-author pushes that came back as duplicates (a Prune): above
 * {@link #SATURATED_PERCENT}, pushing to every peer at that hop count mostly reaches nodes that already have the
 * message, so it is skipped (see {@code PlumTree#zonePush}).
 *
 * <p>Why: how many hops of pushing to everyone pay depends on the topic's size, which no node knows. In a
 * 1,000-node topic four hops from the author reach a few hundred nodes, most of them for the first time; in a
 * 100-node topic the fourth hop lands almost only on nodes that have the message (the simulator measured
 * random-sender RMR 1.6 there without this at five hops). Each node measures it where it stands, per hop count.
 *
 * <p>Bounded and adaptive: counts halve when the pushes at a hop count reach {@link #WINDOW}, so the share follows a
 * topic that grows or shrinks; a saturated hop count is still pushed for one copy in {@link #EXPLORE_EVERY}, so the
 * share keeps being measured. Not thread-safe: used on the topic's executor only.
 */
final class FloodSaturation {
    /** Share of pushes answered by a Prune, in percent, at which a hop count counts as saturated. */
    static final int SATURATED_PERCENT = 40;
    /** Pushes at a hop count before its share is trusted. */
    static final int MIN_PUSHES = 4;
    /** Pushes at a hop count after which both counts halve. */
    static final int WINDOW = 256;
    /** At a saturated hop count, one copy in this many is still pushed to every peer. */
    static final int EXPLORE_EVERY = 8;

    private final int[] pushed;
    private final int[] pruned;
    private final int[] skipped;

    /** @param rounds the hop counts tracked, 0 to {@code rounds - 1}; at least 0 */
    FloodSaturation(int rounds) {
        pushed = new int[rounds];
        pruned = new int[rounds];
        skipped = new int[rounds];
    }

    /** @return whether a copy at hop count {@code round} (0 to rounds - 1) should be pushed to every peer */
    boolean shouldPush(int round) {
        if (!saturated(round)) {
            return true;
        }
        return ++skipped[round] % EXPLORE_EVERY == 0;
    }

    /**
     * A hop count is saturated when it or any hop count before it is: one hop further from the author finds more
     * nodes that have the message, never fewer, and the nearer hop counts' evidence comes sooner in a topic that just
     * shrank (a split, a crash of many).
     */
    private boolean saturated(int round) {
        for (int r = 0; r <= round; r++) {
            if (pushed[r] >= MIN_PUSHES && pruned[r] * 100 >= pushed[r] * SATURATED_PERCENT) {
                return true;
            }
        }
        return false;
    }

    /** One near-author copy at hop count {@code round} went to a peer. */
    void pushed(int round) {
        if (++pushed[round] >= WINDOW) {
            pushed[round] /= 2;
            pruned[round] /= 2;
        }
    }

    /** A peer answered our near-author copy at hop count {@code round} with a Prune: it had the message. */
    void pruned(int round) {
        pruned[round] = Math.min(pruned[round] + 1, pushed[round]);
    }
}
