/**
 * An in-process transport (id {@code inmemory}): connections between transports of one JVM that share an
 * {@link io.topictracker.transport.inmemory.InMemoryHub}. Identity is proven by construction (a transport registers
 * under its own key pair). For tests and demos; addresses look like {@code inmemory://node-1:1}.
 */
module io.topictracker.transport.inmemory {
    requires transitive io.topictracker.api;

    exports io.topictracker.transport.inmemory;

    provides io.topictracker.api.transport.TransportProvider
            with io.topictracker.transport.inmemory.InMemoryTransportProvider;
}
