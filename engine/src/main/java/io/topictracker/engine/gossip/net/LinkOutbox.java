package io.topictracker.engine.gossip.net;

import io.topictracker.api.transport.Connection;
import io.topictracker.api.transport.TransportException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The frames on their way to a peer over one connection, sent in order and never faster than the connection takes
 * them: while the transport reports the connection not writable ({@link Connection#isWritable()}), frames wait here
 * and go out when {@link Connection#whenWritable()} completes. Membership messages (Neighbor, Shuffle, ForwardJoin,
 * Disconnect) have no repair path the way broadcasts have IHave and Graft, so nothing is dropped for being early.
 *
 * <p>Bounded: at most {@link #MAX_FRAMES} frames wait. One more means the peer has not read for that long, and
 * waiting longer only hides it: the outbox then drops what waits, stops taking frames and hands the reason to the
 * overflow callback once, which resets the link (the peer is reported lost, as for any closed connection).
 *
 * <p>Thread-safe: any thread may {@link #offer}; one thread at a time sends (whoever finds the outbox idle, or the
 * transport's thread completing {@code whenWritable}), always outside this object's lock, so a transport calling
 * back while holding its own locks cannot deadlock with us.
 */
final class LinkOutbox {
    private static final Logger LOG = LoggerFactory.getLogger(LinkOutbox.class);
    /** Frames that may wait for one connection: 1024 frames are far more than one gossip round sends a peer. */
    static final int MAX_FRAMES = 1024;

    private final Connection connection;
    private final SentBytes sentBytes;
    private final Consumer<String> onOverflow;
    // guarded by this
    private final ArrayDeque<ByteBuffer> waiting = new ArrayDeque<>();
    private boolean sending;
    private boolean overflowed;

    /** Told the size of each frame handed to the connection (for the bytes-out meter); must not block. */
    @FunctionalInterface
    interface SentBytes {
        void add(long bytes);
    }

    /** As below, counting nothing. */
    LinkOutbox(Connection connection, Consumer<String> onOverflow) {
        this(connection, bytes -> { }, onOverflow);
    }

    /**
     * @param connection where the frames go, not null
     * @param sentBytes told each frame's size as it goes to the connection; not null
     * @param onOverflow told once, with the reason, when more than {@link #MAX_FRAMES} frames would wait; not null;
     *     called on the offering thread, with no lock held
     */
    LinkOutbox(Connection connection, SentBytes sentBytes, Consumer<String> onOverflow) {
        this.connection = Objects.requireNonNull(connection, "connection");
        this.sentBytes = Objects.requireNonNull(sentBytes, "sentBytes");
        this.onOverflow = Objects.requireNonNull(onOverflow, "onOverflow");
    }

    /** @return the connection this outbox sends on, never null */
    Connection connection() {
        return connection;
    }

    /**
     * Queues a frame behind the ones waiting and sends what the connection takes now. Never blocks.
     *
     * @param frame not null; owned by the outbox from now on
     */
    void offer(ByteBuffer frame) {
        String overflow = null;
        synchronized (this) {
            if (overflowed) {
                return;
            }
            if (waiting.size() >= MAX_FRAMES) {
                overflowed = true;
                waiting.clear();
                overflow = MAX_FRAMES + " frames wait and the connection still takes none: the peer is not reading";
            } else {
                waiting.addLast(frame);
                if (sending) {
                    return;
                }
                sending = true;
            }
        }
        if (overflow != null) {
            onOverflow.accept(overflow);
            return;
        }
        sendWaiting();
    }

    /** @return the frames waiting, for tests and diagnostics */
    synchronized int waitingCount() {
        return waiting.size();
    }

    /**
     * Sends until nothing waits or until the connection pushes back (then arms {@code whenWritable}, whose completion
     * calls this again).
     */
    private void sendWaiting() {
        while (true) {
            ByteBuffer frame;
            boolean mustWait = false;
            synchronized (this) {
                frame = overflowed ? null : waiting.peekFirst();
                if (frame == null) {
                    sending = false;
                } else if (connection.isWritable()) {
                    waiting.pollFirst();
                } else {
                    frame = null;
                    mustWait = true;
                }
            }
            if (mustWait) {
                CompletableFuture<Void> writable = connection.whenWritable();
                if (!writable.isDone()) {
                    writable.whenComplete((ignored, error) -> sendWaiting());
                    return;
                }
                if (!connection.isOpen()) {
                    dropAll();
                    return;
                }
                continue;
            }
            if (frame == null) {
                return;
            }
            // A duplicate, so that a refused frame can wait again with its bytes untouched.
            int size = frame.remaining();
            CompletableFuture<Void> sent = connection.send(frame.duplicate());
            if (!sent.isCompletedExceptionally()) {
                sentBytes.add(size);
            }
            if (sent.isCompletedExceptionally() && refusedAsOverloaded(sent)) {
                synchronized (this) {
                    waiting.addFirst(frame); // another thread's send filled the connection in between
                }
            } else {
                sent.exceptionally(error -> {
                    LOG.debug("frame to {} not sent: {}", connection.remote().shortText(), error.getMessage());
                    return null;
                });
                if (!connection.isOpen()) {
                    dropAll();
                    return;
                }
            }
        }
    }

    private static boolean refusedAsOverloaded(CompletableFuture<Void> sent) {
        try {
            sent.join();
            return false;
        } catch (CompletionException e) {
            return e.getCause() instanceof TransportException t && t.reason() == TransportException.Reason.OVERLOADED;
        }
    }

    /** The connection closed: nothing here can be sent any more (the link's owner learns of the close itself). */
    private void dropAll() {
        synchronized (this) {
            waiting.clear();
            sending = false;
        }
    }
}
