package io.topictracker.stream;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultChannelPromise;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.topictracker.api.PeerAddress;
import io.topictracker.api.PeerId;
import io.topictracker.api.transport.Connection;
import io.topictracker.api.transport.TransportException;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One authenticated framed TLS stream as the API sees it: a TCP connection of the TCP transport, or a relay
 * transport's connection (relayed through a relay's hop, or direct with the relay node). Thread-safe: {@link #send}
 * may be called from any thread.
 *
 * <p>Wire format of a frame: a 4-byte big-endian payload length, then the payload. Writes go through Netty's
 * outbound buffer, bounded by the channel's write-buffer water marks: above the high mark {@link #send} refuses
 * with OVERLOADED instead of queueing, so unsent data per connection stays bounded (high mark plus the frames of
 * racing senders). A frame sent from another thread than the channel's event loop waits in the loop's
 * {@link LoopWrites} (counted against the same mark) and is written by one task with every other frame waiting there,
 * then flushed once per connection: a flush per 1 KiB frame caps TLS at ~300k frames/s on our machine, batching
 * reaches over 1M/s.
 */
public final class StreamConnection implements Connection {
    private final Channel channel;
    private final PeerId remote;
    private final PeerAddress remoteAddress;
    /** The relay's id for a relayed connection, null otherwise. */
    private final PeerId relay;
    private final int maxFrameSize;
    private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();
    private final AtomicReference<CompletableFuture<Void>> writableWaiter = new AtomicReference<>();
    private final LoopWrites loopWrites;
    /** Bytes of frames handed to {@link #loopWrites} and not yet written to the channel. */
    private final AtomicLong queuedBytes = new AtomicLong();
    private final long highWaterMark;

    /**
     * @param channel the authenticated channel, not null
     * @param remote the identity the far end proved, not null
     * @param remoteAddress where the far end was reached (for a relayed connection, the relay's address); not null
     * @param relay the relay's id for a relayed connection, null for a direct one
     * @param maxFrameSize the largest payload {@link #send} accepts, in bytes
     * @param loopWrites the write batcher of the channel's event loop, not null
     */
    public StreamConnection(Channel channel, PeerId remote, PeerAddress remoteAddress, PeerId relay, int maxFrameSize,
            LoopWrites loopWrites) {
        this.channel = channel;
        this.remote = remote;
        this.remoteAddress = remoteAddress;
        this.relay = relay;
        this.maxFrameSize = maxFrameSize;
        this.loopWrites = loopWrites;
        this.highWaterMark = channel.config().getWriteBufferHighWaterMark();
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
    public Optional<PeerId> relayedVia() {
        return Optional.ofNullable(relay);
    }

    @Override
    public CompletableFuture<Void> send(ByteBuffer frame) {
        int length = frame.remaining();
        if (length > maxFrameSize) {
            return CompletableFuture.failedFuture(new TransportException(TransportException.Reason.FRAME_TOO_LARGE,
                    "frame of " + length + " bytes is over the limit of " + maxFrameSize + " bytes"));
        }
        if (!isOpen() || channel.eventLoop().isShuttingDown()) {
            return CompletableFuture.failedFuture(closedError());
        }
        if (!writableNow()) {
            return CompletableFuture.failedFuture(new TransportException(TransportException.Reason.OVERLOADED,
                    "connection to " + remote.shortText() + " has more unsent data than its high water mark"));
        }
        // Heap, not direct: the JDK TLS engine encrypts from byte arrays; a direct buffer costs it an extra copy.
        ByteBuf buffer = channel.alloc().heapBuffer(Integer.BYTES + length);
        buffer.writeInt(length);
        buffer.writeBytes(frame);
        CompletableFuture<Void> sent = new CompletableFuture<>();
        // Listeners run on whichever thread completes the write, not handed to the event loop: when the loop has
        // terminated meanwhile (the transport closing), Netty fails the write at once, and notifying through the
        // dead loop would be refused and logged at ERROR instead of failing this future.
        ChannelPromise promise = new DefaultChannelPromise(channel, ImmediateEventExecutor.INSTANCE);
        promise.addListener((ChannelFuture written) -> {
            if (written.isSuccess()) {
                sent.complete(null);
            } else {
                sent.completeExceptionally(new TransportException(TransportException.Reason.CLOSED,
                        "frame not sent to " + remote.shortText() + ": " + written.cause(), written.cause()));
            }
        });
        // On the loop itself a frame may be written at once only when none of this connection's frames is still
        // waiting in LoopWrites: written past them it would overtake frames sent before it (frames keep their order).
        if (!channel.eventLoop().inEventLoop() || queuedBytes.get() > 0) {
            queuedBytes.addAndGet(buffer.readableBytes());
            loopWrites.write(this, buffer, promise);
            return sent;
        }
        try {
            channel.writeAndFlush(buffer, promise);
        } catch (RejectedExecutionException e) {
            if (buffer.refCnt() > 0) {
                buffer.release();
            }
            sent.completeExceptionally(new TransportException(TransportException.Reason.CLOSED, "connection to "
                    + remote.shortText() + " is closing: " + e.getMessage(), e));
        }
        return sent;
    }

    /** Writes a frame queued by {@link #send} from another thread; on the event loop only, by {@link LoopWrites}. */
    void writeOnLoop(ByteBuf frame, ChannelPromise promise) {
        queuedBytes.addAndGet(-frame.readableBytes());
        channel.write(frame, promise);
    }

    /** Flushes after {@link LoopWrites} wrote this connection's frames; on the event loop only. */
    void flushOnLoop() {
        channel.flush();
        writabilityChanged();
    }

    /** The loop refused the write task (it shut down): the frame is released and its sender told. Any thread. */
    void writeRefused(ByteBuf frame, ChannelPromise promise, Throwable cause) {
        queuedBytes.addAndGet(-frame.readableBytes());
        if (frame.refCnt() > 0) {
            frame.release();
        }
        promise.tryFailure(cause);
    }

    private boolean writableNow() {
        return channel.isWritable() && queuedBytes.get() < highWaterMark;
    }

    @Override
    public boolean isWritable() {
        return isOpen() && writableNow();
    }

    @Override
    public CompletableFuture<Void> whenWritable() {
        if (!isOpen() || writableNow()) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> fresh = new CompletableFuture<>();
        CompletableFuture<Void> waiter = writableWaiter.compareAndExchange(null, fresh);
        CompletableFuture<Void> result = waiter == null ? fresh : waiter;
        // Re-check: writability may have returned between the first check and registering the waiter.
        if (!isOpen() || writableNow()) {
            writabilityChanged();
        }
        return result;
    }

    /** Completes the waiter of {@link #whenWritable()} if the channel is writable or closed. Any thread. */
    void writabilityChanged() {
        if (writableWaiter.get() != null && (!isOpen() || writableNow())) {
            CompletableFuture<Void> waiter = writableWaiter.getAndSet(null);
            if (waiter != null) {
                waiter.complete(null);
            }
        }
    }

    @Override
    public boolean isOpen() {
        return channel.isActive() && !closeFuture.isDone();
    }

    @Override
    public void close() {
        channel.close();
    }

    @Override
    public CompletableFuture<Void> closeFuture() {
        return closeFuture;
    }

    /** Marks the connection closed; called once on the event loop when the channel goes inactive. */
    void closed() {
        closeFuture.complete(null);
        writabilityChanged();
    }

    /** @return the Netty channel (for a relayed connection, the hop to the relay); for transports and their tests */
    public Channel channel() {
        return channel;
    }

    private TransportException closedError() {
        return new TransportException(TransportException.Reason.CLOSED, "connection to " + remote.shortText()
                + " is closed");
    }

    @Override
    public String toString() {
        return "Connection[" + remote.shortText() + (relay == null ? " at " : " via " + relay.shortText() + " at ")
                + remoteAddress + "]";
    }
}
