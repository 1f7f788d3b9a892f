package io.topictracker.engine.gossip.proto;

import io.topictracker.api.PeerId;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Per author (the root of its own broadcasts) whose near-author copies we pushed, the active peers that pruned them:
 * the per-sender half of PlumTree's multi-sender design (SRDS 2007 §3), kept only for the first
 * {@code eager_flood_rounds} hops of a message (see {@code PlumTree#zonePush}).
 *
 * <p>An author once pushed stays known (with an empty set when nobody pruned), so its later messages are pushed near
 * it again even where {@link FloodSaturation} would now skip the push: the peers that pruned their copies from us
 * rely on the copies the others go on pushing.
 *
 * <p>Bounded: at most {@code maxRoots} authors, the least recently used going first (an author forgotten is pushed to
 * every peer again and re-pruned by the duplicates); each author's set holds active peers only, so at most
 * {@code active_view_capacity}. Not thread-safe: used on the topic's executor only.
 */
final class RootPrunes {
    /** The most authors remembered; a topic with more active authors loses the oldest ones' near-author trees. */
    static final int MAX_ROOTS = 1024;

    private final Map<PeerId, Set<PeerId>> prunedByRoot;

    /** @param maxRoots most authors remembered, at least 1 */
    RootPrunes(int maxRoots) {
        this.prunedByRoot = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<PeerId, Set<PeerId>> eldest) {
                return size() > maxRoots;
            }
        };
    }

    /**
     * We push {@code root}'s near-author copies: it becomes known (if it was not) and the most recently used.
     *
     * @return the peers pruned for {@code root}, a live view not to be modified by the caller; never null
     */
    Set<PeerId> pushing(PeerId root) {
        return prunedByRoot.computeIfAbsent(root, r -> new HashSet<>(4));
    }

    /** {@code peer} gets {@code root}'s near-author copies by another path: announce them to it instead. */
    void prune(PeerId root, PeerId peer) {
        pushing(root).add(peer);
    }

    /** {@code peer} lacked one of {@code root}'s messages: push them to it again. */
    void unprune(PeerId root, PeerId peer) {
        Set<PeerId> pruned = prunedByRoot.get(root);
        if (pruned != null) {
            pruned.remove(peer);
        }
    }

    /** @return whether we pushed {@code root}'s near-author copies before (and still remember it) */
    boolean known(PeerId root) {
        return prunedByRoot.containsKey(root);
    }

    /** {@code peer} left the active view: it is pruned for no author any more. */
    void forget(PeerId peer) {
        for (Set<PeerId> pruned : prunedByRoot.values()) {
            pruned.remove(peer);
        }
    }

    /** @return the number of authors known */
    int roots() {
        return prunedByRoot.size();
    }
}
