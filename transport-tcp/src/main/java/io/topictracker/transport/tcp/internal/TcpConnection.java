package io.topictracker.transport.tcp.internal;

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
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One authenticated TCP connection as the API sees it. Thread-safe: {@link #send} may be called from any thread.
 *
 * <p>Wire format of a frame: a 4-byte big-endian payload length, then the payload. Writes go through Netty's
 * outbound buffer, bounded by the channel's write-buffer water marks: above the high mark {@link #send} refuses
 * with OVERLOADED instead of queueing, so unsent data per connection stays bounded (high mark plus the frames of
 * racing senders). Flushes are consolidated by a {@code FlushConsolidationHandler} in the pipeline: a flush per
 * 1 KiB frame caps TLS at ~300k frames/s on our machine, batching reaches over 1M/s.
 */
public final class TcpConnection implements Connection {
    private final Channel channel;
    private final PeerId remote;
    private final PeerAddress remoteAddress;
    private final int maxFrameSize;
    private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();
    private final AtomicReference<CompletableFuture<Void>> writableWaiter = new AtomicReference<>();

    TcpConnection(Channel channel, PeerId remote, int maxFrameSize) {
        this.channel = channel;
        this.remote = remote;
        this.maxFrameSize = maxFrameSize;
        InetSocketAddress far = (InetSocketAddress) channel.remoteAddress();
        this.remoteAddress = PeerAddress.of("tcp", far.getAddress().getHostAddress(), far.getPort());
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
        int length = frame.remaining();
        if (length > maxFrameSize) {
            return CompletableFuture.failedFuture(new TransportException(TransportException.Reason.FRAME_TOO_LARGE,
                    "frame of " + length + " bytes is over the limit of " + maxFrameSize + " bytes"));
        }
        if (!isOpen() || channel.eventLoop().isShuttingDown()) {
            return CompletableFuture.failedFuture(closedError());
        }
        if (!channel.isWritable()) {
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

    @Override
    public boolean isWritable() {
        return isOpen() && channel.isWritable();
    }

    @Override
    public CompletableFuture<Void> whenWritable() {
        if (!isOpen() || channel.isWritable()) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> fresh = new CompletableFuture<>();
        CompletableFuture<Void> waiter = writableWaiter.compareAndExchange(null, fresh);
        CompletableFuture<Void> result = waiter == null ? fresh : waiter;
        // Re-check: writability may have returned between the first check and registering the waiter.
        if (!isOpen() || channel.isWritable()) {
            writabilityChanged();
        }
        return result;
    }

    /** Completes the waiter of {@link #whenWritable()} if the channel is writable or closed. Any thread. */
    void writabilityChanged() {
        if (!isOpen() || channel.isWritable()) {
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

    /** @return the Netty channel; for this module's tests and the transport only */
    public Channel channel() {
        return channel;
    }

    private TransportException closedError() {
        return new TransportException(TransportException.Reason.CLOSED, "connection to " + remote.shortText()
                + " is closed");
    }

    @Override
    public String toString() {
        return "TcpConnection[" + remote.shortText() + " at " + remoteAddress + "]";
    }
}
