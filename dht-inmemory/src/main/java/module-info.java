/**
 * An in-process DHT provider, id {@code inmemory}: DHT instances in one JVM that join the same
 * {@link io.topictracker.dht.inmemory.InMemoryNetwork} see each other's BEP44 items. For tests and demos; faults
 * (latency, loss, partitions, failing puts) are injected through {@link io.topictracker.dht.inmemory.Faults}.
 */
module io.topictracker.dht.inmemory {
    requires transitive io.topictracker.api;

    exports io.topictracker.dht.inmemory;

    provides io.topictracker.api.dht.DhtProvider with io.topictracker.dht.inmemory.InMemoryDhtProvider;
}
