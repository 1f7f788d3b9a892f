package io.topictracker.transport.inmemory;

import io.topictracker.api.transport.Transport;
import io.topictracker.api.transport.TransportContext;
import io.topictracker.api.transport.TransportProvider;
import java.util.Set;

/**
 * Provider of the in-process transport, id {@code inmemory}. Settings: {@code hub} (name of the shared
 * {@link InMemoryHub}, default {@code "default"}), {@code name} (host part of the address, default derived from the
 * key), {@code max_frame_size} (bytes, default 1 MiB) and {@code max_queued_bytes} (per connection, default 4 MiB).
 * Stateless and thread-safe.
 */
public final class InMemoryTransportProvider implements TransportProvider {
    /** The id to name in configuration and the scheme of the addresses. */
    public static final String ID = "inmemory";

    /** Public for {@link java.util.ServiceLoader}; allocates nothing. */
    public InMemoryTransportProvider() {}

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Transport create(TransportContext context) {
        var settings = context.settings();
        settings.requireKnownKeys(Set.of("hub", "name", "max_frame_size", "max_queued_bytes"));
        InMemoryHub hub = InMemoryHub.named(settings.string("hub", "default"));
        String name = settings.string("name", "n" + context.identity().peerId().shortText());
        int maxFrame = settings.integer("max_frame_size", 1 << 20, 64, 64 << 20);
        long maxQueued = settings.integer("max_queued_bytes", 4L << 20, 1024, 1L << 30);
        return new InMemoryTransport(hub, name, context, maxFrame, maxQueued);
    }
}
