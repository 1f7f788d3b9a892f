package io.topictracker.dht.inmemory;

import io.topictracker.api.dht.DhtContext;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One simulated DHT: the storing places of every slot, shared by the {@link InMemoryDht} instances that join it.
 *
 * <p>Model (see the module's documentation in PROTOCOL.md): each BEP44 target is held by {@code replicas} storing
 * places; the node that joined {@code i}-th puts to places {@code i, i+1, ..., i+putFanout-1} (mod replicas), as a
 * real node reaches the closest nodes its own lookup finds; a get asks every place. Each place keeps the first value
 * it got at the highest seq, so several writers of one slot (same key, same seq) are all visible as long as each
 * finds a free place: with sequential writers from consecutive nodes that is {@code replicas - putFanout + 1}.
 *
 * <p>Tests create networks with the constructor and pass them around; config-based creation goes through
 * {@link #named}, a registry holding networks weakly, so a network lives exactly as long as a DHT (or a test) holds
 * it. Thread-safe.
 */
public final class InMemoryNetwork {
    /**
     * @param replicas storing places per slot, 1–1000 (default 20)
     * @param putFanout places one put reaches, 1–replicas (default 8, the mainline bucket size K)
     * @param seed seeds the fault generator
     * @param maxSlots the most slots a side stores; a put beyond fails (default 100,000)
     */
    public record Options(int replicas, int putFanout, long seed, int maxSlots) {
        /** The defaults. */
        public static final Options DEFAULTS = new Options(20, 8, 1L, 100_000);

        public Options {
            if (replicas < 1 || replicas > 1000) {
                throw new IllegalArgumentException("replicas must be within 1-1000, got " + replicas);
            }
            if (putFanout < 1 || putFanout > replicas) {
                throw new IllegalArgumentException("put_fanout must be within 1-" + replicas + ", got " + putFanout);
            }
            if (maxSlots < 1) {
                throw new IllegalArgumentException("max_slots must be positive, got " + maxSlots);
            }
        }
    }

    private static final String REST = "";
    private static final Map<String, WeakReference<InMemoryNetwork>> NAMED = new HashMap<>();

    final Object lock = new Object();
    final Random random;
    private final Options options;
    private final Faults faults = new Faults(this);
    private final AtomicInteger nextIndex = new AtomicInteger();
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicLong putsReceived = new AtomicLong();
    // guarded by lock
    private Map<String, Storage> sides = new LinkedHashMap<>();
    private List<Set<String>> groups = List.of();

    /** @param options not null */
    public InMemoryNetwork(Options options) {
        this.options = Objects.requireNonNull(options, "options");
        this.random = new Random(options.seed());
        sides.put(REST, new Storage(options.replicas(), options.maxSlots()));
    }

    /** A network with the defaults. */
    public InMemoryNetwork() {
        this(Options.DEFAULTS);
    }

    /**
     * The network of this name, created with {@code options} if no live one exists.
     *
     * @throws IllegalArgumentException if it exists with other options
     */
    public static InMemoryNetwork named(String name, Options options) {
        synchronized (NAMED) {
            NAMED.values().removeIf(ref -> ref.get() == null);
            WeakReference<InMemoryNetwork> ref = NAMED.get(name);
            InMemoryNetwork network = ref == null ? null : ref.get();
            if (network == null) {
                network = new InMemoryNetwork(options);
                NAMED.put(name, new WeakReference<>(network));
            } else if (!network.options.equals(options)) {
                throw new IllegalArgumentException("in-memory network '" + name + "' exists with " + network.options
                        + ", asked for " + options);
            }
            return network;
        }
    }

    /** @return the options, never null */
    public Options options() {
        return options;
    }

    /** @return the fault controls, never null */
    public Faults faults() {
        return faults;
    }

    /**
     * Creates a DHT joined to this network (not started).
     *
     * @param context not null; @param name node name for partitions, or null for {@code node-<index>}
     */
    public InMemoryDht newDht(DhtContext context, String name) {
        int index = nextIndex.getAndIncrement();
        return new InMemoryDht(this, context, name == null ? "node-" + index : name, index);
    }

    /** @return operations (gets and puts) started and not finished, over all DHTs of this network */
    public int pendingOperations() {
        return pending.get();
    }

    /** @return puts that reached the network (passed the signature check), failed or not */
    public long putsReceived() {
        return putsReceived.get();
    }

    AtomicInteger pendingCounter() {
        return pending;
    }

    void countPut() {
        putsReceived.incrementAndGet();
    }

    /** @return the storage the named node sees; call holding the lock */
    Storage storageOf(String node) {
        for (int i = 0; i < groups.size(); i++) {
            if (groups.get(i).contains(node)) {
                return sides.get("g" + i);
            }
        }
        return sides.get(REST);
    }

    void split(List<Set<String>> newGroups) {
        synchronized (lock) {
            healLocked();
            Storage base = sides.get(REST);
            Map<String, Storage> split = new LinkedHashMap<>();
            for (int i = 0; i < newGroups.size(); i++) {
                split.put("g" + i, base.copy());
            }
            split.put(REST, base);
            sides = split;
            groups = List.copyOf(newGroups);
        }
    }

    void heal() {
        synchronized (lock) {
            healLocked();
        }
    }

    private void healLocked() {
        if (groups.isEmpty()) {
            return;
        }
        Storage merged = Storage.merge(new ArrayList<>(sides.values()), options.replicas(), options.maxSlots());
        sides = new LinkedHashMap<>();
        sides.put(REST, merged);
        groups = List.of();
    }
}
