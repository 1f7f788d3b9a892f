package io.topictracker.transport.inmemory;

import io.topictracker.api.PeerAddress;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The meeting point of in-memory transports: a started transport registers its address here, and a dial looks the
 * address up. Share one hub between the transports that should reach each other. Thread-safe.
 */
public final class InMemoryHub {
    private static final Map<String, InMemoryHub> NAMED = new ConcurrentHashMap<>();

    private final String name;
    private final Map<PeerAddress, InMemoryTransport> bound = new ConcurrentHashMap<>();
    private final AtomicInteger nextPort = new AtomicInteger(1);

    /** @param name for messages, not null */
    public InMemoryHub(String name) {
        this.name = Objects.requireNonNull(name, "name");
    }

    /**
     * The hub of that name in this JVM, created on first use: how transports made by the
     * {@link InMemoryTransportProvider} (which only sees configuration) find each other.
     *
     * @param name not null
     * @return never null
     */
    public static InMemoryHub named(String name) {
        return NAMED.computeIfAbsent(name, InMemoryHub::new);
    }

    /** @return the hub's name, never null */
    public String name() {
        return name;
    }

    int allocatePort() {
        return nextPort.getAndUpdate(p -> p >= 65535 ? 1 : p + 1);
    }

    void bind(PeerAddress address, InMemoryTransport transport) {
        if (bound.putIfAbsent(address, transport) != null) {
            throw new IllegalStateException("address " + address + " is already bound in hub '" + name + "'");
        }
    }

    void unbind(PeerAddress address, InMemoryTransport transport) {
        bound.remove(address, transport);
    }

    InMemoryTransport lookup(PeerAddress address) {
        return bound.get(address);
    }
}
