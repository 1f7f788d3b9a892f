package io.topictracker.engine.gossip.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.api.PeerAddress;
import io.topictracker.api.PeerId;
import io.topictracker.api.transport.Connection;
import io.topictracker.api.transport.TransportException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The per-connection outbox: order kept, the transport's backpressure honoured, a bound that resets the link. */
class LinkOutboxTest {
    /** A connection that takes frames only while {@code writable}, refusing the others as OVERLOADED. */
    private static class FakeConnection implements Connection {
        final List<Integer> sent = new ArrayList<>();
        boolean writable = true;
        boolean open = true;
        int sendCalls;
        CompletableFuture<Void> whenWritable = new CompletableFuture<>();

        @Override
        public PeerId remote() {
            return PeerId.of(new byte[32]);
        }

        @Override
        public PeerAddress remoteAddress() {
            return PeerAddress.parse("inmemory://fake:1");
        }

        @Override
        public CompletableFuture<Void> send(ByteBuffer frame) {
            sendCalls++;
            if (!open) {
                return CompletableFuture.failedFuture(new TransportException(TransportException.Reason.CLOSED, "closed"));
            }
            if (!writable) {
                return CompletableFuture.failedFuture(new TransportException(TransportException.Reason.OVERLOADED,
                        "full"));
            }
            sent.add(frame.getInt(frame.position()));
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public boolean isWritable() {
            return open && writable;
        }

        @Override
        public CompletableFuture<Void> whenWritable() {
            return isWritable() || !open ? CompletableFuture.completedFuture(null) : whenWritable;
        }

        void becomeWritable() {
            writable = true;
            CompletableFuture<Void> waiting = whenWritable;
            whenWritable = new CompletableFuture<>();
            waiting.complete(null);
        }

        void closeNow() {
            open = false;
            whenWritable.complete(null);
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public void close() {
            closeNow();
        }

        @Override
        public CompletableFuture<Void> closeFuture() {
            return new CompletableFuture<>();
        }
    }

    private static ByteBuffer frame(int i) {
        return ByteBuffer.allocate(4).putInt(0, i);
    }

    @Test
    void framesGoOutInOrderAtOnceWhileTheConnectionTakesThem() {
        FakeConnection connection = new FakeConnection();
        LinkOutbox outbox = new LinkOutbox(connection, reason -> { });
        IntStream.range(0, 5).forEach(i -> outbox.offer(frame(i)));
        assertEquals(List.of(0, 1, 2, 3, 4), connection.sent);
        assertEquals(0, outbox.waitingCount());
    }

    @Test
    void framesWaitWhileTheConnectionPushesBackAndLeaveInOrderWhenItIsWritable() {
        FakeConnection connection = new FakeConnection();
        List<String> overflows = new ArrayList<>();
        LinkOutbox outbox = new LinkOutbox(connection, overflows::add);
        outbox.offer(frame(0));
        connection.writable = false;
        IntStream.range(1, 100).forEach(i -> outbox.offer(frame(i)));
        assertEquals(List.of(0), connection.sent, "nothing more was sent while not writable");
        assertEquals(99, outbox.waitingCount(), "and nothing was dropped");
        connection.becomeWritable();
        assertEquals(IntStream.range(0, 100).boxed().toList(), connection.sent);
        assertTrue(overflows.isEmpty());
    }

    @Test
    void aRefusedSendWaitsAgainAtTheFront() {
        FakeConnection connection = new FakeConnection() {
            private boolean refusedOnce;

            @Override
            public CompletableFuture<Void> send(ByteBuffer frame) {
                if (!refusedOnce && frame.getInt(frame.position()) == 2) {
                    refusedOnce = true; // another sender filled the connection between our check and our send
                    writable = false;
                }
                return super.send(frame);
            }
        };
        LinkOutbox outbox = new LinkOutbox(connection, reason -> { });
        IntStream.range(0, 4).forEach(i -> outbox.offer(frame(i)));
        assertEquals(List.of(0, 1), connection.sent);
        connection.becomeWritable();
        assertEquals(List.of(0, 1, 2, 3), connection.sent, "the refused frame kept its place and its bytes");
    }

    @Test
    void overTheBoundTheOutboxDropsWhatWaitsAndReportsTheReasonOnce() {
        FakeConnection connection = new FakeConnection();
        List<String> overflows = new ArrayList<>();
        LinkOutbox outbox = new LinkOutbox(connection, overflows::add);
        connection.writable = false;
        IntStream.range(0, LinkOutbox.MAX_FRAMES).forEach(i -> outbox.offer(frame(i)));
        assertTrue(overflows.isEmpty(), "the bound itself still fits");
        outbox.offer(frame(-1));
        outbox.offer(frame(-2));
        assertEquals(1, overflows.size(), "told once: " + overflows);
        assertTrue(overflows.get(0).contains("not reading"), overflows.get(0));
        assertEquals(0, outbox.waitingCount());
        connection.becomeWritable();
        assertTrue(connection.sent.isEmpty(), "nothing is sent after the reset");
    }

    @Test
    void aClosedConnectionEndsTheWaitWithoutSpinning() {
        FakeConnection connection = new FakeConnection();
        LinkOutbox outbox = new LinkOutbox(connection, reason -> { });
        connection.writable = false;
        IntStream.range(0, 10).forEach(i -> outbox.offer(frame(i)));
        connection.closeNow();
        assertEquals(0, outbox.waitingCount(), "dropped with the connection");
        outbox.offer(frame(10));
        assertEquals(0, outbox.waitingCount());
        assertTrue(connection.sendCalls <= 1, "no busy loop against a closed connection: " + connection.sendCalls);
    }
}
