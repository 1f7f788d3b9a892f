package io.topictracker.transport.inmemory;

import io.topictracker.api.PeerAddress;
import io.topictracker.api.PeerId;
import io.topictracker.api.transport.Connection;
import io.topictracker.api.transport.ConnectionListener;
import io.topictracker.api.transport.Transport;
import io.topictracker.api.transport.TransportContext;
import io.topictracker.api.transport.TransportException;
import io.topictracker.api.transport.TransportException.Reason;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

/**
 * One node's in-process transport. Everything this transport receives (accepted connections, frames, closes) runs on
 * its single delivery thread, so calls for one connection are serial and in order. The identity of a far end is
 * proven by construction: a transport can only register under its own key pair.
 *
 * <p>Thread-safe. {@code create} allocates nothing; {@link #start()} binds an address in the hub and starts the
 * delivery thread; {@link #close()} closes every connection and stops it.
 */
public final class InMemoryTransport implements Transport {
    private final InMemoryHub hub;
    private final String name;
    private final TransportContext context;
    private final PeerId self;
    final int maxFrameSize;
    final long maxQueuedBytes;
    private final Set<InMemoryConnection> connections = ConcurrentHashMap.newKeySet();
    private volatile ExecutorService delivery;
    private volatile PeerAddress address;
    private volatile boolean closed;

    /**
     * @param hub where transports meet, not null
     * @param name the host part of the address, not null
     * @param context the node's context, not null
     * @param maxFrameSize largest frame in bytes
     * @param maxQueuedBytes most undelivered bytes per connection before sends fail with OVERLOADED
     */
    public InMemoryTransport(InMemoryHub hub, String name, TransportContext context, int maxFrameSize,
            long maxQueuedBytes) {
        this.hub = Objects.requireNonNull(hub, "hub");
        this.name = Objects.requireNonNull(name, "name");
        this.context = Objects.requireNonNull(context, "context");
        this.self = context.identity().peerId();
        this.maxFrameSize = maxFrameSize;
        this.maxQueuedBytes = maxQueuedBytes;
    }

    @Override
    public String id() {
        return InMemoryTransportProvider.ID;
    }

    @Override
    public synchronized CompletableFuture<Void> start() {
        if (closed) {
            return CompletableFuture.failedFuture(new TransportException(Reason.CLOSED, "transport is closed"));
        }
        if (delivery == null) {
            PeerAddress chosen = PeerAddress.of(InMemoryTransportProvider.ID, name, hub.allocatePort());
            hub.bind(chosen, this);
            address = chosen;
            delivery = Executors.newSingleThreadExecutor(r -> {
                Thread thread = new Thread(r, "inmemory-" + name);
                thread.setDaemon(true);
                return thread;
            });
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public List<PeerAddress> localAddresses() {
        PeerAddress current = address;
        return current == null ? List.of() : List.of(current);
    }

    @Override
    public boolean handles(PeerAddress address) {
        return InMemoryTransportProvider.ID.equals(address.transport());
    }

    PeerId self() {
        return self;
    }

    PeerAddress address() {
        return address;
    }

    @Override
    public CompletableFuture<Connection> connect(PeerId expected, PeerAddress target, ConnectionListener listener) {
        Objects.requireNonNull(expected, "expected");
        Objects.requireNonNull(target, "address");
        Objects.requireNonNull(listener, "listener");
        if (closed || delivery == null) {
            return CompletableFuture.failedFuture(new TransportException(Reason.CLOSED,
                    "transport is " + (closed ? "closed" : "not started")));
        }
        if (!handles(target)) {
            return CompletableFuture.failedFuture(new TransportException(Reason.UNSUPPORTED_ADDRESS,
                    "the inmemory transport cannot dial " + target));
        }
        InMemoryTransport far = hub.lookup(target);
        if (far == null || far.closed) {
            return CompletableFuture.failedFuture(new TransportException(Reason.CONNECT_FAILED,
                    "nothing listens at " + target + " in hub '" + hub.name() + "'"));
        }
        if (!far.self.equals(expected)) {
            return CompletableFuture.failedFuture(new TransportException(Reason.IDENTITY_MISMATCH,
                    "expected " + expected + " at " + target + " but it is " + far.self));
        }
        InMemoryConnection near = new InMemoryConnection(this, far.self, target);
        InMemoryConnection remote = new InMemoryConnection(far, self, address);
        near.pair(remote, listener);
        connections.add(near);
        far.connections.add(remote);
        // Accepting runs on the far end's delivery thread before any frame we send, as those queue behind it.
        far.run(() -> {
            try {
                ConnectionListener farListener = far.context.inbound().accepted(remote);
                remote.setListener(Objects.requireNonNull(farListener, "inbound handler returned null"));
            } catch (RuntimeException e) {
                remote.closeWith(e);
            }
        });
        return CompletableFuture.completedFuture(near);
    }

    /** Runs a task on the delivery thread; dropped once the transport is closed. */
    boolean run(Runnable task) {
        ExecutorService executor = delivery;
        if (executor == null || closed) {
            return false;
        }
        try {
            executor.execute(task);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    void forget(InMemoryConnection connection) {
        connections.remove(connection);
    }

    @Override
    public void close() {
        ExecutorService executor;
        synchronized (this) {
            if (closed) {
                return;
            }
            for (InMemoryConnection connection : List.copyOf(connections)) {
                connection.close();
            }
            closed = true;
            executor = delivery;
            if (address != null) {
                hub.unbind(address, this);
            }
        }
        if (executor != null) {
            executor.shutdown();
        }
    }

    @Override
    public String toString() {
        return "InMemoryTransport[" + address + "]";
    }
}
