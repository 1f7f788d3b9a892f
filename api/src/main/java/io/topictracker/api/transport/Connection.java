package io.topictracker.api.transport;

import io.topictracker.api.PeerAddress;
import io.topictracker.api.PeerId;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * An authenticated, ordered, reliable connection carrying frames (each at most the transport's maximum frame size).
 * Methods are thread-safe.
 */
public interface Connection {
    /** @return the far end's proven identity, never null */
    PeerId remote();

    /** @return the far end's address as seen from here, never null */
    PeerAddress remoteAddress();

    /**
     * Sends one frame. Frames on one connection arrive whole and in the order sent.
     *
     * <p>Backpressure: a transport keeps a bounded amount of unsent data per connection. While it is over that bound
     * the frame is not queued and the future fails with {@link TransportException.Reason#OVERLOADED}; callers that
     * must not drop wait for {@link #whenWritable()}.
     *
     * @param frame the bytes from position to limit, not null; the transport copies or consumes them before returning
     * @return completes when the frame is handed to the operating system; fails with {@link TransportException}
     *     (FRAME_TOO_LARGE, CLOSED, OVERLOADED); never null
     */
    CompletableFuture<Void> send(ByteBuffer frame);

    /** @return true if a {@link #send} now would be queued rather than refused as OVERLOADED */
    boolean isWritable();

    /** @return completes when the connection can take frames again (at once if it can now); never null */
    CompletableFuture<Void> whenWritable();

    /** @return true until the connection is closed by either side */
    boolean isOpen();

    /** Closes the connection after flushing what was sent; idempotent; never throws. */
    void close();

    /** @return completes when the connection is closed, by either side; never null, never fails */
    CompletableFuture<Void> closeFuture();

    /**
     * Whether the bytes of this connection pass through a relay (issue 15). The connection is still authenticated and
     * encrypted end to end with {@link #remote()}; the relay only forwards ciphertext.
     *
     * @return the relay's proven identity for a relayed connection, empty for a direct one (the default, so a
     *     transport that never relays needs no change); never null
     */
    default Optional<PeerId> relayedVia() {
        return Optional.empty();
    }
}
