package io.topictracker.engine.gossip.net;

import io.topictracker.api.PeerAddress;
import io.topictracker.api.PeerId;
import io.topictracker.api.transport.Connection;
import io.topictracker.api.transport.ConnectionListener;
import io.topictracker.api.transport.TransportException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A connection for PeerLinks tests: records the first byte of each frame sent on it (the tests' frame markers) and
 * tells its listener once when closed. Always writable while open. Thread-safe.
 */
final class RecordingConnection implements Connection {
    /** The first byte of each frame sent, in order. */
    final List<Byte> sent = new CopyOnWriteArrayList<>();
    /** Done once closed. */
    final CompletableFuture<Void> closed = new CompletableFuture<>();
    /** Told of the close, when set; may stay null. */
    volatile ConnectionListener listener;
    private final PeerId remote;
    private final PeerAddress address;
    private final Optional<PeerId> via;

    /** All not null; {@code via} names the relay of a relayed connection, empty for a direct one. */
    RecordingConnection(PeerId remote, PeerAddress address, Optional<PeerId> via) {
        this.remote = remote;
        this.address = address;
        this.via = via;
    }

    /**
     * Sets {@link #listener} and returns this connection: a test transport's answer to the dial given that listener
     * (see {@code ScriptedTransport}).
     */
    RecordingConnection listenedBy(ConnectionListener dialListener) {
        this.listener = dialListener;
        return this;
    }

    @Override
    public PeerId remote() {
        return remote;
    }

    @Override
    public PeerAddress remoteAddress() {
        return address;
    }

    @Override
    public CompletableFuture<Void> send(ByteBuffer frame) {
        if (closed.isDone()) {
            return CompletableFuture.failedFuture(new TransportException(TransportException.Reason.CLOSED, "closed"));
        }
        sent.add(frame.get(frame.position()));
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public boolean isWritable() {
        return !closed.isDone();
    }

    @Override
    public CompletableFuture<Void> whenWritable() {
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public boolean isOpen() {
        return !closed.isDone();
    }

    @Override
    public void close() {
        if (closed.complete(null) && listener != null) {
            listener.onClosed(this, null);
        }
    }

    @Override
    public CompletableFuture<Void> closeFuture() {
        return closed;
    }

    @Override
    public Optional<PeerId> relayedVia() {
        return via;
    }
}
