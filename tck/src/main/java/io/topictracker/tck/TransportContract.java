package io.topictracker.tck;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.topictracker.api.ConfigTable;
import io.topictracker.api.PeerAddress;
import io.topictracker.api.PeerId;
import io.topictracker.api.signing.SigningKeyPair;
import io.topictracker.api.signing.SigningProvider;
import io.topictracker.api.transport.Connection;
import io.topictracker.api.transport.ConnectionListener;
import io.topictracker.api.transport.Transport;
import io.topictracker.api.transport.TransportContext;
import io.topictracker.api.transport.TransportException;
import io.topictracker.api.transport.TransportException.Reason;
import io.topictracker.api.transport.TransportProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link TransportProvider} passes. A provider's test class extends this and supplies the provider,
 * a signing provider, its settings and three hooks that misbehave on purpose (half-close, abort, forged length).
 *
 * <p>What it holds a transport to:
 * <ul>
 *   <li>dial and accept; each side's {@link Connection#remote()} is the identity the other proved;</li>
 *   <li>dialling with the wrong expected identity fails with IDENTITY_MISMATCH naming both ids;</li>
 *   <li>frames arrive whole and in order per connection, in both directions;</li>
 *   <li>frame size: a frame of exactly {@link #maxFrameSize()} bytes passes; {@code send} of a larger one fails at the
 *       sender with FRAME_TOO_LARGE and the connection stays usable; a receiver that reads an over-limit length
 *       (forged by {@link #sendOverLimitLength}) closes the connection, which both sides see;</li>
 *   <li>many concurrent connections from several peers;</li>
 *   <li>orderly close (cause null), half-open and abrupt close are each seen by the other side;</li>
 *   <li>after {@code close()} no thread named with {@link #threadNamePrefix()} is alive, every connection is closed
 *       and its listener told exactly once, the transport refuses to dial (CLOSED), and the listening address can be
 *       bound again ({@link #assertAddressReleased}).</li>
 * </ul>
 *
 * <p>Tests bind 127.0.0.1 only (the settings must say so) and wait on events with bounded timeouts. One instance per
 * test method (JUnit's default); not for concurrent use.
 */
public abstract class TransportContract {
    /** The bound on every wait; generous because CI machines are shared. */
    protected static final Duration WAIT = Duration.ofSeconds(20);

    private final List<Peer> peers = new ArrayList<>();
    private ScheduledExecutorService scheduler;

    /** @return the provider under test, never null */
    protected abstract TransportProvider provider();

    /** @return the signing provider that makes the peers' keys and verifies proofs, never null */
    protected abstract SigningProvider signing();

    /** @return the maximum frame size that {@link #settings()} configures */
    protected abstract int maxFrameSize();

    /**
     * @return the provider's table: must bind 127.0.0.1 on any free port and set {@link #maxFrameSize()}; the default
     *     is an empty table (the provider's defaults)
     */
    protected ConfigTable settings() {
        return ConfigTable.empty("transport." + provider().id());
    }

    /** @return the prefix of the names of every thread the transport starts; default {@code "tt-<id>-"} */
    protected String threadNamePrefix() {
        return "tt-" + provider().id() + "-";
    }

    /**
     * Half-closes {@code connection}: this side stops sending (TCP: shutdown of the output, a FIN without a TLS
     * close_notify) but does not close. The far end must then see the connection end.
     */
    protected abstract void shutdownOutput(Connection connection);

    /** Ends {@code connection} abruptly, without any orderly goodbye (TCP: a reset). */
    protected abstract void abort(Connection connection);

    /**
     * Writes, bypassing the sender's size check, the start of a frame whose declared length is {@code length}
     * bytes (over the limit). The receiver must close the connection.
     */
    protected abstract void sendOverLimitLength(Connection connection, int length);

    /**
     * Asserts that nothing listens on {@code address} any more, by binding it. The default binds a TCP server socket;
     * datagram transports override it.
     */
    protected void assertAddressReleased(PeerAddress address) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(address.host(), address.port()));
        } catch (IOException e) {
            throw new AssertionError("address " + address + " still in use after close: " + e, e);
        }
    }

    @BeforeEach
    void createScheduler() {
        scheduler = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "tck-transport-scheduler");
            thread.setDaemon(true);
            return thread;
        });
    }

    @AfterEach
    void closeEverything() throws InterruptedException {
        peers.forEach(peer -> peer.transport.close());
        scheduler.shutdownNow();
        assertTrue(scheduler.awaitTermination(WAIT.toMillis(), TimeUnit.MILLISECONDS), "scheduler did not stop");
    }

    // ---------------------------------------------------------------- identity

    @Test
    void dialAndAcceptProveIdentityBothWays() {
        Peer a = startPeer();
        Peer b = startPeer();
        assertTrue(b.transport.handles(b.address()), "transport handles its own address");
        assertEquals(provider().id(), b.address().transport());

        Recorder dialled = new Recorder();
        Connection outbound = Await.result(a.transport.connect(b.id(), b.address(), dialled), WAIT);
        Accepted inbound = b.nextAccepted();

        assertEquals(b.id(), outbound.remote(), "dialler sees the acceptor's proven identity");
        assertEquals(a.id(), inbound.connection().remote(), "acceptor learns the dialler's identity");
        assertTrue(outbound.isOpen());
        assertTrue(inbound.connection().isOpen());
        assertEquals(b.address().port(), outbound.remoteAddress().port());
    }

    @Test
    void wrongExpectedIdentityIsRefusedNamingBothIds() {
        Peer a = startPeer();
        Peer b = startPeer();
        PeerId someoneElse = signing().generate().peerId();

        Throwable failure = Await.failure(a.transport.connect(someoneElse, b.address(), new Recorder()), WAIT);

        TransportException error = assertInstanceOf(TransportException.class, failure);
        assertEquals(Reason.IDENTITY_MISMATCH, error.reason(), error.toString());
        assertTrue(error.getMessage().contains(someoneElse.toString()), "message names the expected id: " + error);
        assertTrue(error.getMessage().contains(b.id().toString()), "message names the proven id: " + error);
    }

    // ---------------------------------------------------------------- frames

    @Test
    void framesArriveWholeAndInOrderInBothDirections() {
        Peer a = startPeer();
        Peer b = startPeer();
        Recorder atA = new Recorder();
        Connection outbound = Await.result(a.transport.connect(b.id(), b.address(), atA), WAIT);
        Accepted inbound = b.nextAccepted();
        int count = 1500;

        CompletableFuture<Void> fromB = CompletableFuture.runAsync(() -> sendPattern(inbound.connection(), count));
        sendPattern(outbound, count);
        Await.result(fromB, WAIT);

        for (int i = 0; i < count; i++) {
            assertArrayEquals(pattern(i), bytes(inbound.recorder().next()), "frame " + i + " from a to b");
            assertArrayEquals(pattern(i), bytes(atA.next()), "frame " + i + " from b to a");
        }
    }

    @Test
    void aFrameOfExactlyTheLimitPassesAndALargerOneIsRefusedAtTheSender() {
        Peer a = startPeer();
        Peer b = startPeer();
        Connection outbound = Await.result(a.transport.connect(b.id(), b.address(), new Recorder()), WAIT);
        Accepted inbound = b.nextAccepted();
        byte[] largest = new byte[maxFrameSize()];
        for (int i = 0; i < largest.length; i++) {
            largest[i] = (byte) (i * 31);
        }

        Await.result(outbound.send(ByteBuffer.wrap(largest)), WAIT);
        assertArrayEquals(largest, bytes(inbound.recorder().next()));

        Throwable refused = Await.failure(outbound.send(ByteBuffer.allocate(maxFrameSize() + 1)), WAIT);
        assertEquals(Reason.FRAME_TOO_LARGE, assertInstanceOf(TransportException.class, refused).reason());
        assertTrue(outbound.isOpen(), "refusing an over-size frame locally leaves the connection open");
        Await.result(outbound.send(ByteBuffer.wrap(new byte[] {42})), WAIT);
        assertArrayEquals(new byte[] {42}, bytes(inbound.recorder().next()));
    }

    @Test
    void aReceiverReadingAnOverLimitLengthClosesTheConnection() {
        Peer a = startPeer();
        Peer b = startPeer();
        Recorder atA = new Recorder();
        Connection outbound = Await.result(a.transport.connect(b.id(), b.address(), atA), WAIT);
        Accepted inbound = b.nextAccepted();

        sendOverLimitLength(outbound, maxFrameSize() + 1);

        inbound.recorder().awaitClosed();
        atA.awaitClosed();
        assertEquals(0, inbound.recorder().frames.size(), "no part of the over-size frame is delivered");
        assertFalse(outbound.isOpen());
    }

    // ---------------------------------------------------------------- many connections

    @Test
    void manyConcurrentConnectionsFromSeveralPeers() {
        Peer server = startPeer();
        server.echo = true;
        int dialers = 4;
        int perDialer = 4;
        List<Peer> clients = new ArrayList<>();
        for (int i = 0; i < dialers; i++) {
            clients.add(startPeer());
        }
        List<CompletableFuture<Connection>> pending = new ArrayList<>();
        List<Recorder> recorders = new ArrayList<>();
        for (Peer client : clients) {
            for (int i = 0; i < perDialer; i++) {
                Recorder recorder = new Recorder();
                recorders.add(recorder);
                pending.add(client.transport.connect(server.id(), server.address(), recorder));
            }
        }
        List<Connection> connections = new ArrayList<>();
        for (CompletableFuture<Connection> connecting : pending) {
            connections.add(Await.result(connecting, WAIT));
        }
        for (int i = 0; i < connections.size(); i++) {
            Await.result(connections.get(i).send(ByteBuffer.wrap(pattern(i))), WAIT);
        }
        for (int i = 0; i < connections.size(); i++) {
            assertArrayEquals(pattern(i), bytes(recorders.get(i).next()), "echo on connection " + i);
        }
        Map<PeerId, Integer> acceptedPerPeer = new HashMap<>();
        for (int i = 0; i < connections.size(); i++) {
            acceptedPerPeer.merge(server.nextAccepted().connection().remote(), 1, Integer::sum);
        }
        Map<PeerId, Integer> expected = new HashMap<>();
        clients.forEach(client -> expected.put(client.id(), perDialer));
        assertEquals(expected, acceptedPerPeer, "each accepted connection names its dialler");
    }

    // ---------------------------------------------------------------- endings

    @Test
    void orderlyCloseByEitherSideIsSeenByTheOther() {
        Peer a = startPeer();
        Peer b = startPeer();
        Recorder atA = new Recorder();
        Connection outbound = Await.result(a.transport.connect(b.id(), b.address(), atA), WAIT);
        Accepted inbound = b.nextAccepted();

        Await.result(outbound.send(ByteBuffer.wrap(pattern(1))), WAIT);
        outbound.close();
        outbound.close(); // idempotent

        assertArrayEquals(pattern(1), bytes(inbound.recorder().next()), "frame sent before close arrives");
        assertEquals(Optional.empty(), inbound.recorder().awaitClosed(), "an orderly close has no cause");
        Await.result(inbound.connection().closeFuture(), WAIT);
        Await.result(outbound.closeFuture(), WAIT);
        atA.awaitClosed();
        assertFalse(outbound.isOpen());
        Throwable refused = Await.failure(outbound.send(ByteBuffer.wrap(pattern(2))), WAIT);
        assertEquals(Reason.CLOSED, assertInstanceOf(TransportException.class, refused).reason());

        Recorder second = new Recorder();
        Connection again = Await.result(a.transport.connect(b.id(), b.address(), second), WAIT);
        Accepted secondInbound = b.nextAccepted();
        secondInbound.connection().close();
        assertEquals(Optional.empty(), second.awaitClosed(), "close by the acceptor is seen by the dialler");
        Await.result(again.closeFuture(), WAIT);
    }

    @Test
    void halfOpenIsSeenByTheOtherSide() {
        Peer a = startPeer();
        Peer b = startPeer();
        Recorder atA = new Recorder();
        Connection outbound = Await.result(a.transport.connect(b.id(), b.address(), atA), WAIT);
        Accepted inbound = b.nextAccepted();

        shutdownOutput(outbound);

        inbound.recorder().awaitClosed();
        Await.result(inbound.connection().closeFuture(), WAIT);
        atA.awaitClosed();
        Await.result(outbound.closeFuture(), WAIT);
    }

    @Test
    void abruptCloseIsSeenByTheOtherSide() {
        Peer a = startPeer();
        Peer b = startPeer();
        Recorder atA = new Recorder();
        Connection outbound = Await.result(a.transport.connect(b.id(), b.address(), atA), WAIT);
        Accepted inbound = b.nextAccepted();

        abort(outbound);

        inbound.recorder().awaitClosed();
        Await.result(inbound.connection().closeFuture(), WAIT);
        assertFalse(inbound.connection().isOpen());
        atA.awaitClosed();
    }

    @Test
    void closeReleasesEveryThreadConnectionAndAddress() {
        Peer a = startPeer();
        Peer b = startPeer();
        Recorder atA = new Recorder();
        Connection outbound = Await.result(a.transport.connect(b.id(), b.address(), atA), WAIT);
        Accepted inbound = b.nextAccepted();
        assertTrue(liveThreads() > 0, "the transport's threads are named with " + threadNamePrefix());
        PeerAddress address = b.address();

        b.transport.close();
        a.transport.close();
        a.transport.close(); // idempotent

        Await.result(outbound.closeFuture(), WAIT);
        Await.result(inbound.connection().closeFuture(), WAIT);
        atA.awaitClosed();
        inbound.recorder().awaitClosed();
        assertEquals(1, atA.closes.get(), "onClosed is called exactly once");
        assertEquals(1, inbound.recorder().closes.get(), "onClosed is called exactly once");
        Await.until(WAIT, "no thread named " + threadNamePrefix() + "* alive", () -> liveThreads() == 0);
        assertAddressReleased(address);
        Throwable refused = Await.failure(a.transport.connect(b.id(), address, new Recorder()), WAIT);
        assertEquals(Reason.CLOSED, assertInstanceOf(TransportException.class, refused).reason());
    }

    @Test
    void dialingAnAddressWhereNobodyListensFails() {
        Peer a = startPeer();
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        PeerAddress nobody = PeerAddress.of(provider().id(), "127.0.0.1", port);

        Throwable failure = Await.failure(a.transport.connect(a.id(), nobody, new Recorder()), WAIT);

        Reason reason = assertInstanceOf(TransportException.class, failure).reason();
        assertTrue(reason == Reason.CONNECT_FAILED || reason == Reason.TIMEOUT, "reason " + reason);
    }

    @Test
    void anAddressOfAnotherTransportIsRefused() {
        Peer a = startPeer();
        String other = provider().id().equals("nosuch") ? "other" : "nosuch";
        PeerAddress foreign = PeerAddress.of(other, "127.0.0.1", 4000);
        assertFalse(a.transport.handles(foreign));

        Throwable failure = Await.failure(a.transport.connect(a.id(), foreign, new Recorder()), WAIT);

        assertEquals(Reason.UNSUPPORTED_ADDRESS, assertInstanceOf(TransportException.class, failure).reason());
    }

    // ---------------------------------------------------------------- helpers for subclasses and tests

    /** Starts a peer with a fresh key and {@link #settings()}; closed after the test. */
    protected final Peer startPeer() {
        return startPeer(settings());
    }

    /** Starts a peer with a fresh key and the given table; closed after the test. */
    protected final Peer startPeer(ConfigTable table) {
        SigningKeyPair keys = signing().generate();
        Peer peer = new Peer(keys);
        TransportContext context = new TransportContext(table, keys, signing(), Clock.systemUTC(), scheduler,
                connection -> peer.accept(connection));
        peer.transport = provider().create(context);
        peers.add(peer);
        Await.result(peer.transport.start(), WAIT);
        assertFalse(peer.transport.localAddresses().isEmpty(), "a started transport has an address");
        return peer;
    }

    /** The frame number {@code index} of the test pattern: lengths 0 to 2 KiB, content derived from the index. */
    protected static byte[] pattern(int index) {
        byte[] frame = new byte[(index * 7919) % 2049];
        for (int i = 0; i < frame.length; i++) {
            frame[i] = (byte) (index + i);
        }
        return frame;
    }

    /** Sends frames {@code 0..count-1} of {@link #pattern}, honouring backpressure, and waits until all are sent. */
    protected static void sendPattern(Connection connection, int count) {
        List<CompletableFuture<Void>> sent = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            sent.add(sendWhenWritable(connection, ByteBuffer.wrap(pattern(i))));
        }
        for (CompletableFuture<Void> future : sent) {
            Await.result(future, WAIT);
        }
    }

    /**
     * Sends one frame, waiting for {@link Connection#whenWritable()} while the transport refuses it as OVERLOADED.
     * An OVERLOADED refusal means the frame was not queued, so retrying keeps the order.
     */
    protected static CompletableFuture<Void> sendWhenWritable(Connection connection, ByteBuffer frame) {
        for (int attempt = 0; attempt < 10_000; attempt++) {
            if (!connection.isWritable()) {
                Await.result(connection.whenWritable(), WAIT);
            }
            CompletableFuture<Void> sent = connection.send(frame.duplicate());
            if (!sent.isCompletedExceptionally()) {
                return sent;
            }
            Throwable failure = Await.failure(sent, WAIT);
            if (!(failure instanceof TransportException error) || error.reason() != Reason.OVERLOADED) {
                throw new AssertionError("send failed: " + failure, failure);
            }
        }
        throw new AssertionError("connection stayed overloaded through 10000 attempts");
    }

    private long liveThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.isAlive() && thread.getName().startsWith(threadNamePrefix()))
                .count();
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] copy = new byte[buffer.remaining()];
        buffer.duplicate().get(copy);
        return copy;
    }

    /** A started transport with its key and what it accepted. Thread-safe. */
    protected static final class Peer {
        private final SigningKeyPair keys;
        private final BlockingQueue<Accepted> accepted = new LinkedBlockingQueue<>();
        /** When true, every accepted connection echoes each frame back. */
        volatile boolean echo;
        Transport transport;

        private Peer(SigningKeyPair keys) {
            this.keys = keys;
        }

        /** @return this peer's identity */
        public PeerId id() {
            return keys.peerId();
        }

        /** @return the transport, started */
        public Transport transport() {
            return transport;
        }

        /** @return the first address the transport listens on */
        public PeerAddress address() {
            return transport.localAddresses().get(0);
        }

        /** @return the next accepted connection, waiting at most {@link #WAIT} */
        public Accepted nextAccepted() {
            try {
                Accepted next = accepted.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                if (next == null) {
                    throw new AssertionError("no inbound connection within " + WAIT.toMillis() + " ms");
                }
                return next;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }

        private ConnectionListener accept(Connection connection) {
            Recorder recorder = new Recorder();
            recorder.echo = echo;
            accepted.add(new Accepted(connection, recorder));
            return recorder;
        }
    }

    /**
     * A connection a peer accepted, with the recorder of its frames.
     *
     * @param connection never null
     * @param recorder never null
     */
    protected record Accepted(Connection connection, Recorder recorder) {}

    /** Records one connection's frames and its end; optionally echoes frames. Thread-safe. */
    protected static final class Recorder implements ConnectionListener {
        private final BlockingQueue<ByteBuffer> frames = new LinkedBlockingQueue<>();
        private final CompletableFuture<Optional<Throwable>> closed = new CompletableFuture<>();
        private final AtomicInteger closes = new AtomicInteger();
        private final List<String> misuse = new CopyOnWriteArrayList<>();
        volatile boolean echo;

        @Override
        public void onFrame(Connection connection, ByteBuffer frame) {
            if (closed.isDone()) {
                misuse.add("frame after onClosed");
            }
            if (echo) {
                connection.send(frame.duplicate());
            }
            frames.add(frame);
        }

        @Override
        public void onClosed(Connection connection, Throwable cause) {
            closes.incrementAndGet();
            closed.complete(Optional.ofNullable(cause));
        }

        /** @return the next frame, waiting at most {@link #WAIT} */
        public ByteBuffer next() {
            try {
                ByteBuffer next = frames.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                if (next == null) {
                    throw new AssertionError("no frame within " + WAIT.toMillis() + " ms");
                }
                return next;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }

        /** @return the cause given to onClosed (empty for an orderly close), waiting at most {@link #WAIT} */
        public Optional<Throwable> awaitClosed() {
            Optional<Throwable> cause = Await.result(closed, WAIT);
            if (!misuse.isEmpty()) {
                fail("listener misuse: " + misuse);
            }
            return cause;
        }
    }
}
