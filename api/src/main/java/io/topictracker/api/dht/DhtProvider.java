package io.topictracker.api.dht;

import io.topictracker.api.Provider;

/**
 * Creates {@link Dht} instances. Found with {@link java.util.ServiceLoader}; stateless and thread-safe.
 */
public interface DhtProvider extends Provider {
    /**
     * Creates a DHT from its context. Allocates nothing that needs closing (no socket, no thread) until
     * {@link Dht#start()}.
     *
     * @param context not null
     * @return never null
     * @throws io.topictracker.api.ConfigException if the provider's table is invalid
     */
    Dht create(DhtContext context);
}
