package io.topictracker.transport.quic;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicConnectionCloseEvent;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamFrame;
import io.netty.util.concurrent.ScheduledFuture;
import io.topictracker.api.PeerAddress;
import io.topictracker.api.PeerId;
import io.topictracker.api.transport.Connection;
import io.topictracker.api.transport.ConnectionListener;
import io.topictracker.api.transport.TransportException;
import io.topictracker.api.transport.TransportException.Reason;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One authenticated QUIC connection and its one bidirectional stream, which carries every frame (one stream keeps
 * the API's promise that frames arrive in the order sent, across topics; QUIC streams are ordered only within
 * themselves, RFC 9000 §2.2).
 *
 * <p>Threading: public methods are thread-safe; the {@code on*} methods are called by the stream's handler on the
 * connection's event loop, where all state changes happen, so listener calls are serial.
 *
 * <p>Orderly close (both sides see every frame sent before it): the closing side ends its half of the stream with a
 * FIN behind its last frame; the other side, on reading that FIN, ends its own half the same way; the side that
 * finished first, on reading the second FIN, closes the connection with application error 0 (RFC 9000 §10.2). The
 * connection is closed only when nothing is in flight either way, because a CONNECTION_CLOSE discards unsent stream
 * data. The other side counts the connection closed when that CONNECTION_CLOSE arrives, not when quiche has drained
 * it (see {@link #onPeerClosed}). A close that does not finish within the grace period is forced.
 */
final class QuicConnection implements Connection {
    private static final Logger LOG = LoggerFactory.getLogger(QuicConnection.class);

    /** Application error codes in CONNECTION_CLOSE (RFC 9000 §20.2 leaves their meaning to the application). */
    static final int NO_ERROR = 0;
    static final int PROTOCOL_VIOLATION = 1;
    static final int IDENTITY_REJECTED = 2;

    private final QuicChannel channel;
    private final QuicStreamChannel stream;
    private final EventLoop loop;
    private final PeerId remote;
    private final PeerAddress remoteAddress;
    private final int maxFrameSize;
    private final Duration closeGrace;
    private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();
    private final AtomicBoolean closing = new AtomicBoolean();
    private final AtomicReference<CompletableFuture<Void>> writable = new AtomicReference<>();
    /**
     * Bytes handed to {@link #send} that the stream has not yet taken. Counted here rather than read from the stream's
     * writability, which follows quiche's momentary send capacity (congestion and flow control), not our queue.
     */
    private final AtomicLong queuedBytes = new AtomicLong();
    private final long highWaterMark;
    private final Outbox outbox;

    // Event-loop state.
    private ConnectionListener listener;
    private boolean sentFin;
    private boolean receivedFin;
    private Throwable closeCause;
    private boolean closedReported;
    private volatile long lastWriteNanos = System.nanoTime();
    private ScheduledFuture<?> keepAliveTask;

    /**
     * @param channel the established, authenticated connection, not null
     * @param stream its one stream, not null
     * @param remote the identity the far end proved, not null
     * @param remoteAddress where the far end is, not null
     * @param maxFrameSize the largest frame either way
     * @param highWaterMark unsent bytes above which {@link #send} refuses with OVERLOADED
     * @param closeGrace how long an orderly close may take before it is forced, not null
     */
    QuicConnection(QuicChannel channel, QuicStreamChannel stream, PeerId remote, PeerAddress remoteAddress,
            int maxFrameSize, int highWaterMark, Duration closeGrace) {
        this.channel = channel;
        this.stream = stream;
        this.loop = channel.eventLoop();
        this.remote = remote;
        this.remoteAddress = remoteAddress;
        this.maxFrameSize = maxFrameSize;
        this.closeGrace = closeGrace;
        this.highWaterMark = highWaterMark;
        this.outbox = new Outbox(stream, this::taken, this::sendFailure);
        channel.closeFuture().addListener(f -> onChannelClosed());
    }

    /**
     * Starts delivering frames to {@code listener}, writing what was sent so far (nothing is written before) and
     * sending keep-alives. Called once, on the event loop, before any frame can arrive.
     *
     * @param listener not null
     * @param keepAliveInterval zero for none
     */
    void start(ConnectionListener listener, Duration keepAliveInterval) {
        this.listener = Objects.requireNonNull(listener, "listener");
        outbox.open();
        if (!keepAliveInterval.isZero()) {
            long nanos = keepAliveInterval.toNanos();
            keepAliveTask = loop.scheduleAtFixedRate(() -> keepAlive(nanos), nanos, nanos, TimeUnit.NANOSECONDS);
        }
        if (!channel.isActive()) {
            onChannelClosed();
        }
    }

    @Override
    public PeerId remote() {
        return remote;
    }

    @Override
    public PeerAddress remoteAddress() {
        return remoteAddress;
    }

    @Override
    public CompletableFuture<Void> send(ByteBuffer frame) {
        Objects.requireNonNull(frame, "frame");
        if (frame.remaining() > maxFrameSize) {
            return CompletableFuture.failedFuture(new TransportException(Reason.FRAME_TOO_LARGE,
                    "frame of " + frame.remaining() + " bytes is over the maximum of " + maxFrameSize));
        }
        if (!isOpen()) {
            return CompletableFuture.failedFuture(closedException());
        }
        if (queuedBytes.get() > highWaterMark) {
            return CompletableFuture.failedFuture(new TransportException(Reason.OVERLOADED, "over "
                    + highWaterMark + " bytes unsent to " + remote.shortText() + "; wait for whenWritable()"));
        }
        byte[] record = Records.dataRecord(frame);
        queuedBytes.addAndGet(record.length);
        lastWriteNanos = System.nanoTime();
        return outbox.offer(record);
    }

    /** The stream took {@code size} bytes (or dropped them on close): wake a writer waiting below half the mark. */
    private void taken(long size) {
        if (queuedBytes.addAndGet(-size) <= highWaterMark / 2) {
            CompletableFuture<Void> waiter = writable.getAndSet(null);
            if (waiter != null) {
                waiter.complete(null);
            }
        }
    }

    /** Writes a control record (ACCEPTED, KEEP_ALIVE) behind every frame queued before it; any thread. */
    void sendControl(int control) {
        byte[] record = Records.header(control);
        queuedBytes.addAndGet(record.length);
        lastWriteNanos = System.nanoTime();
        outbox.offer(record);
    }

    @Override
    public boolean isWritable() {
        return isOpen() && queuedBytes.get() <= highWaterMark;
    }

    @Override
    public CompletableFuture<Void> whenWritable() {
        if (isWritable() || !isOpen()) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> waiter = writable.updateAndGet(f -> f == null || f.isDone() ? new CompletableFuture<>() : f);
        // The stream may have drained between the check above and publishing the waiter.
        if (isWritable() || !isOpen()) {
            waiter.complete(null);
        }
        return waiter;
    }

    @Override
    public boolean isOpen() {
        return !closing.get() && channel.isActive();
    }

    @Override
    public void close() {
        if (closing.compareAndSet(false, true)) {
            loop.execute(this::finishSending);
        }
    }

    @Override
    public CompletableFuture<Void> closeFuture() {
        return closeFuture;
    }

    /** Closes at once with an error the far end is told of; on any thread. */
    void abort(int errorCode, String reason, Throwable cause) {
        closing.set(true);
        loop.execute(() -> {
            if (closeCause == null) {
                closeCause = cause;
            }
            channel.close(true, errorCode, Unpooled.copiedBuffer(reason, StandardCharsets.UTF_8));
        });
    }

    // ---- called by the stream handler, on the event loop ----

    void onFrame(ByteBuffer frame) {
        if (listener != null && !closedReported) {
            listener.onFrame(this, frame);
        }
    }

    /** The far end finished its half of the stream: every frame it sent has been delivered. */
    void onPeerFinished() {
        boolean weFinishedFirst = sentFin;
        receivedFin = true;
        closing.set(true);
        if (weFinishedFirst) {
            // Both halves are done and the peer's FIN came after its last frame, so nothing is in flight either way.
            channel.close(true, NO_ERROR, Unpooled.EMPTY_BUFFER);
        } else {
            // The peer ended first: end our half after what we queued; the peer closes once our FIN arrives.
            finishSending();
        }
    }

    /** The stream failed (for example an over-size frame): tell the far end why and close. */
    void onStreamError(Throwable error) {
        Throwable cause = error instanceof io.netty.handler.codec.DecoderException && error.getCause() != null
                ? error.getCause() : error;
        LOG.warn("closing QUIC connection to {} at {}: {}", remote.shortText(), remoteAddress, cause.getMessage());
        int code = cause instanceof TransportException ? PROTOCOL_VIOLATION : NO_ERROR;
        abort(code, String.valueOf(cause.getMessage()), cause);
    }

    /**
     * The far end's CONNECTION_CLOSE arrived: remembers why unless we already know, and reports the connection closed
     * now rather than when Netty closes the channel. Why: on receiving CONNECTION_CLOSE quiche enters the draining
     * state and keeps the connection for three probe timeouts (RFC 9000 §10.2.2), during which it sends nothing and
     * accepts nothing; Netty closes the channel only when that ends, a few hundred milliseconds on a loaded machine.
     * Waiting for it made every close where the peer had the last word (it read our FIN second) wait that long, and
     * our listener learn late that the peer was gone. The report is queued behind the read in progress, so frames
     * that arrived ahead of the CONNECTION_CLOSE are delivered first. On the event loop.
     */
    void onPeerClosed(QuicConnectionCloseEvent event) {
        if (closeCause == null && (event.isTlsError() || event.error() != NO_ERROR)) {
            closeCause = new TransportException(Reason.CLOSED, "peer closed the connection: "
                    + QuicCloseReasons.describe(event));
        }
        closing.set(true);
        loop.execute(this::reportClosed);
    }

    /**
     * Ends our half of the stream without closing the connection: the peer sees its input end and ends its own half,
     * then we close. Used by {@link #close()}; tests use it for a half-close. Any thread.
     */
    void shutdownOutput() {
        loop.execute(this::finishSending);
    }

    /**
     * @return whether Netty has closed the QUIC channel under this connection, which after the peer's CONNECTION_CLOSE
     *     happens only once quiche's draining period is over; for tests. Any thread.
     */
    boolean channelClosed() {
        return channel.closeFuture().isDone();
    }

    /**
     * Writes a bare record header; for tests that forge a length over the limit. Any thread.
     *
     * @param header the 4-byte header value
     */
    void sendHeader(int header) {
        sendControl(header);
    }

    private void finishSending() {
        if (sentFin) {
            return;
        }
        sentFin = true;
        if (!channel.isActive()) {
            return;
        }
        // Written in order behind everything queued, unlike shutdownOutput(), which Netty sends at once.
        outbox.drain();
        stream.writeAndFlush(QuicStreamFrame.EMPTY_FIN);
        loop.schedule(() -> {
            if (channel.isActive()) {
                LOG.debug("orderly close to {} took over {}; forcing it", remote.shortText(), closeGrace);
                channel.close(true, NO_ERROR, Unpooled.EMPTY_BUFFER);
            }
        }, closeGrace.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void keepAlive(long intervalNanos) {
        if (channel.isActive() && !sentFin && System.nanoTime() - lastWriteNanos >= intervalNanos / 2) {
            sendControl(Records.KEEP_ALIVE);
        }
    }

    private void onChannelClosed() {
        if (!loop.inEventLoop()) {
            loop.execute(this::onChannelClosed);
            return;
        }
        reportClosed();
    }

    /**
     * Tells the listener once that the connection is closed, fails what was not sent and completes the close future;
     * when the channel has closed or the peer's CONNECTION_CLOSE arrived, whichever is first. On the event loop.
     */
    private void reportClosed() {
        closing.set(true);
        if (listener == null || closedReported) {
            // Not started yet: start() reports the close once the listener is known. A connection never started
            // (its inbound handler refused it) fails what was sent on it here.
            outbox.failAll(closedException());
            return;
        }
        closedReported = true;
        if (keepAliveTask != null) {
            keepAliveTask.cancel(false);
        }
        Throwable cause = closeCause;
        if (cause == null && channel.isTimedOut()) {
            cause = new TransportException(Reason.TIMEOUT, "QUIC connection to " + remote.shortText()
                    + " was idle past its idle timeout");
        }
        outbox.failAll(closedException());
        CompletableFuture<Void> waiter = writable.getAndSet(null);
        if (waiter != null) {
            waiter.complete(null);
        }
        try {
            listener.onClosed(this, cause);
        } catch (RuntimeException e) {
            LOG.warn("connection listener failed in onClosed for {}", remote.shortText(), e);
        } finally {
            closeFuture.complete(null);
        }
    }

    private TransportException closedException() {
        return new TransportException(Reason.CLOSED, "connection to " + remote.shortText() + " is closed");
    }

    private Throwable sendFailure(Throwable cause) {
        return cause instanceof TransportException ? cause : new TransportException(Reason.CLOSED,
                "connection to " + remote.shortText() + " closed before the frame was sent", cause);
    }

    @Override
    public String toString() {
        return "QuicConnection[" + remote.shortText() + " @ " + remoteAddress + "]";
    }
}
