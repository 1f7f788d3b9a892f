package io.topictracker.dht.inmemory;

import io.topictracker.api.ConfigTable;
import io.topictracker.api.dht.Dht;
import io.topictracker.api.dht.DhtContext;
import io.topictracker.api.dht.DhtProvider;
import java.util.Set;

/**
 * The {@code inmemory} DHT provider. Config table keys: {@code network} (default "default": DHTs naming one network
 * see each other's items), {@code name} (node name for partitions, default {@code node-<index>}), {@code replicas}
 * (20), {@code put_fanout} (8), {@code seed} (1), {@code max_slots} (100000). Unknown keys are errors. Stateless and
 * thread-safe.
 */
public final class InMemoryDhtProvider implements DhtProvider {
    /** The id to name in configuration. */
    public static final String ID = "inmemory";
    private static final Set<String> KEYS = Set.of("network", "name", "replicas", "put_fanout", "seed", "max_slots");

    /** Public for {@link java.util.ServiceLoader}; allocates nothing. */
    public InMemoryDhtProvider() {}

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Dht create(DhtContext context) {
        ConfigTable table = context.settings();
        table.requireKnownKeys(KEYS);
        String networkName = table.string("network", "default");
        int replicas = table.integer("replicas", InMemoryNetwork.Options.DEFAULTS.replicas(), 1, 1000);
        int fanout = table.integer("put_fanout", Math.min(replicas, InMemoryNetwork.Options.DEFAULTS.putFanout()), 1,
                replicas);
        long seed = table.integer("seed", InMemoryNetwork.Options.DEFAULTS.seed(), Long.MIN_VALUE, Long.MAX_VALUE);
        int maxSlots = table.integer("max_slots", InMemoryNetwork.Options.DEFAULTS.maxSlots(), 1, Integer.MAX_VALUE);
        InMemoryNetwork network;
        try {
            network = InMemoryNetwork.named(networkName,
                    new InMemoryNetwork.Options(replicas, fanout, seed, maxSlots));
        } catch (IllegalArgumentException e) {
            throw table.error("network", e.getMessage());
        }
        return network.newDht(context, table.contains("name") ? table.string("name", null) : null);
    }
}
