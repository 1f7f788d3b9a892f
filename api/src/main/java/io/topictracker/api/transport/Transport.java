package io.topictracker.api.transport;

import io.topictracker.api.PeerAddress;
import io.topictracker.api.PeerId;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Opens and accepts authenticated connections: every connection is bound to the Ed25519 identity its far end proved.
 *
 * <p>Lifecycle: {@link #start()} binds and begins accepting (accepted connections go to the context's
 * {@link InboundHandler}); {@link #close()} closes every connection and releases every socket and thread. Methods
 * are thread-safe.
 */
public interface Transport extends AutoCloseable {
    /** @return the provider id this transport speaks, e.g. {@code "tcp"}; the scheme of its addresses */
    String id();

    /** @return completes once bound; fails with the reason it could not bind; never null */
    CompletableFuture<Void> start();

    /** @return the addresses peers can dial, known after {@link #start()}; never null */
    List<PeerAddress> localAddresses();

    /** @return true if this transport can dial {@code address} (its scheme is this transport's id) */
    boolean handles(PeerAddress address);

    /**
     * Dials a peer. Succeeds only if the far end proves {@code expected}; otherwise fails with
     * {@link TransportException.Reason#IDENTITY_MISMATCH} naming both ids.
     *
     * @param expected the identity the far end must prove, not null
     * @param address where to dial, one this transport {@link #handles}, not null
     * @param listener receives this connection's frames and close, not null
     * @return the open connection, never null
     */
    CompletableFuture<Connection> connect(PeerId expected, PeerAddress address, ConnectionListener listener);

    /** Closes all connections and releases every resource; idempotent; never throws. */
    @Override
    void close();
}
