package io.topictracker.transport.inmemory;

import io.topictracker.api.PeerAddress;
import io.topictracker.api.PeerId;
import io.topictracker.api.transport.Connection;
import io.topictracker.api.transport.ConnectionListener;
import io.topictracker.api.transport.TransportException;
import io.topictracker.api.transport.TransportException.Reason;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One end of an in-process connection. A frame sent here is copied and delivered, on the far transport's delivery
 * thread, to the far end's listener. Undelivered bytes are bounded: once they reach the bound a send fails with
 * OVERLOADED, so at most the bound plus one frame waits.
 * Thread-safe.
 */
final class InMemoryConnection implements Connection {
    private final InMemoryTransport owner;
    private final PeerId remote;
    private final PeerAddress remoteAddress;
    private final AtomicBoolean open = new AtomicBoolean(true);
    private final AtomicLong queuedBytes = new AtomicLong();
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private volatile InMemoryConnection peer;
    private volatile ConnectionListener listener;
    /** Set on the delivery thread once the listener heard of the close; no frame follows it. */
    private volatile boolean listenerClosed;
    private volatile CompletableFuture<Void> writable = CompletableFuture.completedFuture(null);

    InMemoryConnection(InMemoryTransport owner, PeerId remote, PeerAddress remoteAddress) {
        this.owner = owner;
        this.remote = remote;
        this.remoteAddress = remoteAddress;
    }

    void pair(InMemoryConnection other, ConnectionListener ownListener) {
        this.peer = other;
        other.peer = this;
        this.listener = ownListener;
    }

    void setListener(ConnectionListener value) {
        this.listener = value;
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
        if (!open.get()) {
            return CompletableFuture.failedFuture(new TransportException(Reason.CLOSED, "connection is closed"));
        }
        int size = frame.remaining();
        if (size > owner.maxFrameSize) {
            return CompletableFuture.failedFuture(new TransportException(Reason.FRAME_TOO_LARGE,
                    "frame of " + size + " bytes is over the maximum of " + owner.maxFrameSize));
        }
        // Refused exactly when isWritable() says so (the Connection contract), so the bound is the limit plus one
        // frame: a frame that starts below the limit is taken whole, as a channel's high water mark does.
        if (!isWritable()) {
            return CompletableFuture.failedFuture(new TransportException(Reason.OVERLOADED,
                    owner.maxQueuedBytes + " bytes or more queued to " + remote.shortText()));
        }
        byte[] copy = new byte[size];
        frame.get(copy);
        queuedBytes.addAndGet(size);
        InMemoryConnection far = peer;
        boolean queued = far.owner.run(() -> {
            long left = queuedBytes.addAndGet(-size);
            if (left <= owner.maxQueuedBytes / 2) {
                signalWritable();
            }
            ConnectionListener target = far.listener;
            // Frames sent before a close are still delivered: the close notice queues behind them.
            if (!far.listenerClosed && target != null) {
                target.onFrame(far, ByteBuffer.wrap(copy));
            }
        });
        if (!queued) {
            closeWith(null);
            return CompletableFuture.failedFuture(new TransportException(Reason.CLOSED, "far transport is closed"));
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public boolean isWritable() {
        return open.get() && queuedBytes.get() < owner.maxQueuedBytes;
    }

    @Override
    public synchronized CompletableFuture<Void> whenWritable() {
        if (isWritable() || !open.get()) {
            return CompletableFuture.completedFuture(null);
        }
        if (writable.isDone()) {
            writable = new CompletableFuture<>();
        }
        // Checked again once armed: the far end may have drained everything between the first check and now, and
        // then nothing would ever complete the new future.
        if (isWritable()) {
            writable.complete(null);
        }
        return writable;
    }

    private synchronized void signalWritable() {
        writable.complete(null);
    }

    @Override
    public boolean isOpen() {
        return open.get();
    }

    @Override
    public void close() {
        closeWith(null);
    }

    /** Closes both ends; each listener hears of it once, on its own transport's thread, after earlier frames. */
    void closeWith(Throwable cause) {
        if (!open.compareAndSet(true, false)) {
            return;
        }
        notifyClosed(cause);
        InMemoryConnection far = peer;
        if (far != null && far.open.compareAndSet(true, false)) {
            far.notifyClosed(cause);
        }
    }

    private void notifyClosed(Throwable cause) {
        owner.forget(this);
        writable.complete(null);
        boolean queued = owner.run(() -> {
            ConnectionListener target = listener;
            listenerClosed = true;
            if (target != null) {
                target.onClosed(this, cause);
            }
            closed.complete(null);
        });
        if (!queued) {
            closed.complete(null);
        }
    }

    @Override
    public CompletableFuture<Void> closeFuture() {
        return closed;
    }

    @Override
    public String toString() {
        return "InMemoryConnection[to " + remote.shortText() + " at " + remoteAddress + "]";
    }
}
