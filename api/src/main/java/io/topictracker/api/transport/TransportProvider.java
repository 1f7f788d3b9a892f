package io.topictracker.api.transport;

import io.topictracker.api.Provider;

/**
 * Creates {@link Transport}s. Found with {@link java.util.ServiceLoader}; stateless and thread-safe. A provider whose
 * native parts cannot load says so through {@link #availability()}.
 */
public interface TransportProvider extends Provider {
    /**
     * Creates a transport; allocates no socket or thread until {@link Transport#start()}.
     *
     * @param context not null
     * @return never null
     * @throws io.topictracker.api.ConfigException if the provider's table is invalid
     */
    Transport create(TransportContext context);
}
