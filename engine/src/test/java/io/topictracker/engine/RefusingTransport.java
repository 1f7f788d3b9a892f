package io.topictracker.engine;

import io.topictracker.api.PeerAddress;
import io.topictracker.api.PeerId;
import io.topictracker.api.transport.Connection;
import io.topictracker.api.transport.ConnectionListener;
import io.topictracker.api.transport.Transport;
import io.topictracker.api.transport.TransportException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A test transport that listens nowhere and refuses every dial ({@code CONNECT_FAILED}), remembering the addresses
 * it was asked to dial. Thread-safe.
 */
public final class RefusingTransport implements Transport {
    private final String id;
    private final boolean handlesItsScheme;
    private final List<PeerAddress> refused = new CopyOnWriteArrayList<>();

    /**
     * @param id the transport id, not null
     * @param handlesItsScheme whether it claims addresses whose transport is {@code id} (else it claims none)
     */
    public RefusingTransport(String id, boolean handlesItsScheme) {
        this.id = id;
        this.handlesItsScheme = handlesItsScheme;
    }

    /** @return the addresses dialled so far, in order; a live view */
    public List<PeerAddress> refused() {
        return refused;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public CompletableFuture<Void> start() {
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public List<PeerAddress> localAddresses() {
        return List.of();
    }

    @Override
    public boolean handles(PeerAddress address) {
        return handlesItsScheme && address.transport().equals(id);
    }

    @Override
    public CompletableFuture<Connection> connect(PeerId expected, PeerAddress address, ConnectionListener listener) {
        refused.add(address);
        return CompletableFuture.failedFuture(new TransportException(TransportException.Reason.CONNECT_FAILED,
                "refused by the test"));
    }

    @Override
    public void close() {}
}
