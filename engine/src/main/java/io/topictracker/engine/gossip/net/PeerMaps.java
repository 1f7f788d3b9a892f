package io.topictracker.engine.gossip.net;

import io.topictracker.api.PeerId;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Bounded maps keyed by peer, for what a node remembers per peer without letting many peers grow it: past the bound
 * the eldest entry goes. The maps are not thread-safe (callers synchronize, as for any {@link LinkedHashMap}).
 */
public final class PeerMaps {
    private PeerMaps() {}

    /**
     * @param max the most entries kept, positive
     * @return a map in insertion order that drops its oldest entry past {@code max} (a caller that wants "newest"
     *     removes a key before putting it again)
     */
    public static <V> Map<PeerId, V> newest(int max) {
        return bounded(max, false);
    }

    /**
     * @param max the most entries kept, positive
     * @return a map in access order that drops its least recently used entry past {@code max}
     */
    public static <V> Map<PeerId, V> leastRecentlyUsed(int max) {
        return bounded(max, true);
    }

    private static <V> Map<PeerId, V> bounded(int max, boolean accessOrder) {
        if (max < 1) {
            throw new IllegalArgumentException("max must be positive, got " + max);
        }
        return new LinkedHashMap<>(16, 0.75f, accessOrder) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<PeerId, V> eldest) {
                return size() > max;
            }
        };
    }
}
