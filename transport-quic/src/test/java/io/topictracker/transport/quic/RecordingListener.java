package io.topictracker.transport.quic;

import io.topictracker.api.transport.Connection;
import io.topictracker.api.transport.ConnectionListener;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** Records one connection's frames and its end, for assertions. Thread-safe. */
final class RecordingListener implements ConnectionListener {
    final List<ByteBuffer> frames = new CopyOnWriteArrayList<>();
    final AtomicInteger closedCalls = new AtomicInteger();
    /** Completes with the close cause, or with a marker for an orderly close. */
    final CompletableFuture<Throwable> closed = new CompletableFuture<>();
    static final Throwable ORDERLY = new Throwable("orderly");
    volatile int framesAtClose = -1;
    /** Whether the QUIC channel had already closed when onClosed was called; null until then. */
    volatile Boolean channelClosedAtClose;

    @Override
    public void onFrame(Connection connection, ByteBuffer frame) {
        frames.add(frame);
    }

    @Override
    public void onClosed(Connection connection, Throwable cause) {
        framesAtClose = frames.size();
        if (connection instanceof QuicConnection quic) {
            channelClosedAtClose = quic.channelClosed();
        }
        closedCalls.incrementAndGet();
        closed.complete(cause == null ? ORDERLY : cause);
    }
}
