package io.topictracker.transport.relay.internal;

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
import java.util.concurrent.atomic.AtomicReference;

/**
 * One authenticated connection of the relay transport: either relayed (end-to-end TLS with {@link #remote()} inside
 * the hop's TLS to the relay, {@link #relayedVia()} the relay's id) or direct with the relay node itself (the hop's
 * TLS is the connection's). Frames: 4-byte big-endian length and payload, as the TCP transport's. Thread-safe.
 */
public final class RelayConnection implements Connection {
    private final Channel channel;
    private final PeerId remote;
    private final PeerAddress remoteAddress;
    private final PeerId relay;
    private final int maxFrameSize;
    private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();
    private final AtomicReference<CompletableFuture<Void>> writableWaiter = new AtomicReference<>();

    /**
     * @param relay the relay's id for a relayed connection, null for a direct one
     * @param remoteAddress the relay's address (the far end is reached through it)
     */
    RelayConnection(Channel channel, PeerId remote, PeerAddress remoteAddress, PeerId relay, int maxFrameSize) {
        this.channel = channel;
        this.remote = remote;
        this.remoteAddress = remoteAddress;
        this.relay = relay;
        this.maxFrameSize = maxFrameSize;
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
        if (!channel.isWritable()) {
            return CompletableFuture.failedFuture(new TransportException(TransportException.Reason.OVERLOADED,
                    "connection to " + remote.shortText() + " has more unsent data than its high water mark"));
        }
        ByteBuf buffer = channel.alloc().heapBuffer(Integer.BYTES + length);
        buffer.writeInt(length);
        buffer.writeBytes(frame);
        CompletableFuture<Void> sent = new CompletableFuture<>();
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
            sent.completeExceptionally(closedError());
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
        if (!isOpen() || channel.isWritable()) {
            writabilityChanged();
        }
        return result;
    }

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

    void closed() {
        closeFuture.complete(null);
        writabilityChanged();
    }

    /** @return the Netty channel (the hop to the relay); for this module's tests */
    public Channel channel() {
        return channel;
    }

    private TransportException closedError() {
        return new TransportException(TransportException.Reason.CLOSED, "connection to " + remote.shortText()
                + " is closed");
    }

    @Override
    public String toString() {
        return "RelayConnection[" + remote.shortText() + (relay == null ? " direct at " : " via "
                + relay.shortText() + " at ") + remoteAddress + "]";
    }
}
