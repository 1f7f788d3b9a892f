package io.topictracker.dht.mainline;

import io.topictracker.dht.mainline.store.Keys;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The values this DHT put to each recent mutable target, so that a later put to the same target treats nodes holding
 * one of them as its own (free to replace), not as another writer's share of the slot: a Topic Tracker chat puts its
 * record of one minute again with new content (neighbours, addresses) when the first went missing, and the nodes
 * still holding the first one must not count as a second writer (SlotSharing would then find no free node).
 *
 * <p>Bounded: {@link #TARGETS} targets, the eldest forgotten first, {@link #VALUES_PER_TARGET} values each. Thread-safe
 * (puts start on callers' threads, plans read on the event loop).
 */
final class OwnPuts {
    /** Targets remembered: per-minute slots of a few topics for a few minutes. */
    static final int TARGETS = 256;
    /** Values remembered per target, the newest kept. */
    static final int VALUES_PER_TARGET = 8;

    private final Map<String, Deque<String>> byTarget = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Deque<String>> eldest) {
            return size() > TARGETS;
        }
    };

    /** Notes that we put {@code value} to {@code target}; both not null. */
    synchronized void add(byte[] target, byte[] value) {
        Deque<String> values = byTarget.computeIfAbsent(Keys.of(target), t -> new ArrayDeque<>());
        String key = Keys.of(value);
        values.remove(key);
        values.addLast(key);
        while (values.size() > VALUES_PER_TARGET) {
            values.removeFirst();
        }
    }

    /** @return the values (as keys) we put to {@code target}, a copy; never null */
    synchronized Set<String> of(byte[] target) {
        Deque<String> values = byTarget.get(Keys.of(target));
        return values == null ? Set.of() : new HashSet<>(values);
    }
}
