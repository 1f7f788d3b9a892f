package io.topictracker.dht.inmemory;

import io.topictracker.api.dht.MutableItem;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The storing places of one side of the network: per BEP44 target, {@code replicas} places, each holding at most one
 * item. Pure data and rules; not thread-safe (the network guards it with its lock).
 */
final class Storage {
    private final int replicas;
    private final int maxSlots;
    private final Map<ByteBuffer, MutableItem[]> slots = new HashMap<>();

    Storage(int replicas, int maxSlots) {
        this.replicas = replicas;
        this.maxSlots = maxSlots;
    }

    /** @return a deep copy (items are immutable, so copying the arrays suffices) */
    Storage copy() {
        Storage copy = new Storage(replicas, maxSlots);
        slots.forEach((target, places) -> copy.slots.put(target, places.clone()));
        return copy;
    }

    /** @return true if a new slot could not be created because the storage is full */
    boolean full(ByteBuffer target) {
        return !slots.containsKey(target) && slots.size() >= maxSlots;
    }

    /** BEP44 put rules at one place: cas first (301), then seq (302), then "first value at a seq stays". */
    PlaceOutcome put(ByteBuffer target, int place, MutableItem item, OptionalLong cas) {
        MutableItem[] places = slots.computeIfAbsent(target, t -> new MutableItem[replicas]);
        MutableItem stored = places[place];
        if (stored == null) {
            places[place] = item;
            return PlaceOutcome.STORED;
        }
        if (cas.isPresent() && cas.getAsLong() != stored.seq()) {
            return PlaceOutcome.CAS_MISMATCH;
        }
        if (item.seq() < stored.seq()) {
            return PlaceOutcome.SEQ_TOO_OLD;
        }
        if (item.seq() > stored.seq() || stored.equals(item)) {
            places[place] = item;
            return PlaceOutcome.STORED;
        }
        return PlaceOutcome.KEPT;
    }

    /** @return the item at a place, or null */
    MutableItem get(ByteBuffer target, int place) {
        MutableItem[] places = slots.get(target);
        return places == null ? null : places[place];
    }

    /**
     * Merges sides after a partition heals: per place, the highest seq wins; at equal seq the side listed first
     * wins (it stands for "the value the place got first").
     */
    static Storage merge(List<Storage> sides, int replicas, int maxSlots) {
        Storage merged = new Storage(replicas, maxSlots);
        for (Storage side : sides) {
            side.slots.forEach((target, places) -> {
                MutableItem[] into = merged.slots.computeIfAbsent(target, t -> new MutableItem[replicas]);
                for (int i = 0; i < replicas; i++) {
                    if (places[i] != null && (into[i] == null || places[i].seq() > into[i].seq())) {
                        into[i] = places[i];
                    }
                }
            });
        }
        return merged;
    }
}
