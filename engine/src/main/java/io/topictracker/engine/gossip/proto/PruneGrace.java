package io.topictracker.engine.gossip.proto;

import io.topictracker.api.PeerId;
import java.util.HashMap;
import java.util.Map;

/**
 * Which links of the shared tree are spared one duplicate before PlumTree prunes them (§3.5): a link that recently
 * delivered the first copy of <em>another</em> author's message is on that author's tree, so one duplicate of this
 * author's says only that the link is redundant for this author.
 *
 * <p>Why: PlumTree prunes a link on every duplicate. With one author at a time that cuts each cycle of the eager graph
 * once and leaves a spanning tree. With several authors' messages in flight at once, two messages can cut the same
 * cycle at two different links, and the tree falls apart: in the 55-member swarm at 50 broadcasts a second a quarter
 * to a third of all deliveries then came by IHave and Graft (80 ms and more a hop), and about 60 % of the grafted
 * messages never got an eager copy at all (BENCHMARKS.md, issue 18). A link whose last first copy was another
 * author's, within {@code prune_grace}, keeps its eager state for one duplicate; the next first copy it delivers
 * renews that grace, at most once per {@link #MIN_SPARE_SPACING_MILLIS}; a second duplicate with none in between
 * prunes it as §3.5 says. A link that only ever brings duplicates, and every link of a lone author's tree, is pruned
 * exactly as before.
 *
 * <p>Pure: the caller passes the time. Not thread-safe (the topic's executor drives it). Bounded by the active view:
 * one entry per neighbour, dropped by {@link #forget} when the neighbour goes.
 */
final class PruneGrace {
    /**
     * The least time between two spares of one link, however many first copies it brings. A spared link stays eager,
     * and every message already in flight on it then arrives as a duplicate: cheap while messages are apart, costly in
     * a burst, where nearly every link brings some author's first copy between two duplicates. In the simulator's
     * burst (1,000 nodes each broadcasting at the same instant) unlimited spares raised RMR from PlumTree's 1.163 to
     * 1.424; one per 20 ms gives 1.207, moves no other scenario's RMR by more than 0.04 (most not at all), and
     * leaves the swarm's TCP latency as it was (at 50 broadcasts a second a link may still be spared every message);
     * 50 ms cost the swarm (p50 13 ms against 8). BENCHMARKS.md, issue 18, session 12.
     */
    static final long MIN_SPARE_SPACING_MILLIS = 20;
    /** {@code LastFirst.sparedAt} of a link never spared. */
    private static final long NEVER = Long.MIN_VALUE;

    /**
     * The last first copy a neighbour delivered along the shared tree, whether its grace is still unspent, and when
     * the link last spared a duplicate. Mutable, one per neighbour, updated in place: it changes on every delivery.
     */
    private static final class LastFirst {
        private PeerId author;
        private long at;
        private boolean unspent;
        private long sparedAt = NEVER;
    }

    private final long windowMillis;
    private final Map<PeerId, LastFirst> lastFirst = new HashMap<>();

    /** @param windowMillis how long a first copy spares its link (0: never, PlumTree's §3.5 as written) */
    PruneGrace(long windowMillis) {
        this.windowMillis = windowMillis;
    }

    /**
     * The first copy of a message reached us from {@code from} along the shared tree.
     *
     * @param from the neighbour it came from, not null
     * @param author the message's author, not null
     * @param now the state machine's time in milliseconds
     */
    void firstCopy(PeerId from, PeerId author, long now) {
        if (windowMillis > 0) {
            LastFirst last = lastFirst.computeIfAbsent(from, peer -> new LastFirst());
            last.author = author;
            last.at = now;
            last.unspent = true;
        }
    }

    /**
     * A duplicate of {@code author}'s message came from {@code from}: whether it spends the link's grace instead of
     * pruning the link. True at most once per first copy the link delivers.
     *
     * @param from the neighbour it came from, not null
     * @param author the duplicate's author, not null
     * @param now the state machine's time in milliseconds
     * @return true to keep the link eager, false to prune it (§3.5); true at most once per
     *     {@link #MIN_SPARE_SPACING_MILLIS} for one link
     */
    boolean spare(PeerId from, PeerId author, long now) {
        LastFirst last = lastFirst.get(from);
        if (last == null || !last.unspent || now - last.at > windowMillis || last.author.equals(author)
                || last.sparedAt != NEVER && now - last.sparedAt < MIN_SPARE_SPACING_MILLIS) {
            return false;
        }
        last.unspent = false;
        last.sparedAt = now;
        return true;
    }

    /** The neighbour left the active view. */
    void forget(PeerId peer) {
        lastFirst.remove(peer);
    }

    /** @return neighbours remembered, for tests of the bound */
    int size() {
        return lastFirst.size();
    }
}
