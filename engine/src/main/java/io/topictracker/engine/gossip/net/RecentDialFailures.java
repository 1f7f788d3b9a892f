package io.topictracker.engine.gossip.net;

import io.topictracker.api.PeerAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Addresses a dial failed at lately, so the next dial tries them last (RFC 8305 §4 sorts by past performance):
 * a peer that moved keeps its stale address in records for a while, and every dial should not wait on it first.
 *
 * <p>Bounded: the most recent {@link #CAPACITY} failures; a failure counts for {@link #REMEMBERED_MILLIS}; a success
 * at an address forgets its failure. Thread-safe.
 */
final class RecentDialFailures {
    static final int CAPACITY = 4096;
    static final long REMEMBERED_MILLIS = 10 * 60_000L;

    private final Map<PeerAddress, Long> failedAt = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<PeerAddress, Long> eldest) {
            return size() > CAPACITY;
        }
    };

    synchronized void failed(PeerAddress address, long nowMillis) {
        failedAt.put(address, nowMillis);
    }

    synchronized void succeeded(PeerAddress address) {
        failedAt.remove(address);
    }

    /** @return whether a dial to {@code address} failed within {@link #REMEMBERED_MILLIS} before {@code nowMillis} */
    synchronized boolean failedLately(PeerAddress address, long nowMillis) {
        Long at = failedAt.get(address);
        return at != null && nowMillis - at < REMEMBERED_MILLIS;
    }

    /**
     * @param items in their preferred order, not null
     * @param address the address of an item
     * @return the same items, those whose address failed within {@link #REMEMBERED_MILLIS} moved last, each group in
     *     its original order
     */
    synchronized <T> List<T> lastIfFailed(List<T> items, Function<T, PeerAddress> address, long nowMillis) {
        List<T> fresh = new ArrayList<>(items.size());
        List<T> stale = new ArrayList<>();
        for (T item : items) {
            Long at = failedAt.get(address.apply(item));
            (at != null && nowMillis - at < REMEMBERED_MILLIS ? stale : fresh).add(item);
        }
        fresh.addAll(stale);
        return fresh;
    }
}
