package io.topictracker.transport.tcp.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.ssl.SslHandler;
import io.topictracker.api.ConfigTable;
import io.topictracker.api.signing.SigningKeyPair;
import io.topictracker.api.signing.SigningProvider;
import io.topictracker.stream.SharedEventLoops;
import io.topictracker.stream.StreamConnection;
import io.topictracker.api.transport.Connection;
import io.topictracker.api.transport.ConnectionListener;
import io.topictracker.api.transport.TransportContext;
import io.topictracker.api.transport.TransportException;
import io.topictracker.api.transport.TransportException.Reason;
import io.topictracker.signing.bc.BouncyCastleEd25519Provider;
import io.topictracker.tck.Await;
import io.topictracker.tls.IdentityMismatch;
import io.topictracker.tls.NodeCredentials;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BiFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** TCP-specific behaviour beyond the contract: TLS version and key type, forged certificates, backpressure. */
class TcpTransportTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final SigningProvider SIGNING = new BouncyCastleEd25519Provider();

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final List<TcpTransport> transports = new ArrayList<>();

    @AfterEach
    void close() {
        transports.forEach(TcpTransport::close);
        scheduler.shutdownNow();
    }

    @Test
    void negotiatesTls13WithEd25519CertificatesOnBothSides() throws Exception {
        Node server = start(SIGNING.generate(), NodeCredentials::create);
        Node client = start(SIGNING.generate(), NodeCredentials::create);

        StreamConnection connection = (StreamConnection) Await.result(
                client.transport.connect(server.keys.peerId(), server.address(), new Frames()), WAIT);

        var session = connection.channel().pipeline().get(SslHandler.class).engine().getSession();
        assertEquals("TLSv1.3", session.getProtocol());
        assertEquals("EdDSA", session.getPeerCertificates()[0].getPublicKey().getAlgorithm());
        assertEquals("EdDSA", session.getLocalCertificates()[0].getPublicKey().getAlgorithm());
        Connection accepted = server.accepted.poll();
        assertTrue(accepted == null || accepted.remote().equals(client.keys.peerId()));
    }

    @Test
    void aDiallerExpectingAnotherIdentityStopsBeforeRevealingItsOwn() {
        Node server = start(SIGNING.generate(), NodeCredentials::create);
        Node client = start(SIGNING.generate(), NodeCredentials::create);
        SigningKeyPair someoneElse = SIGNING.generate();

        Throwable failure = Await.failure(
                client.transport.connect(someoneElse.peerId(), server.address(), new Frames()), WAIT);

        TransportException error = assertInstanceOf(TransportException.class, failure);
        assertEquals(Reason.IDENTITY_MISMATCH, error.reason());
        assertInstanceOf(IdentityMismatch.class, IdentityMismatch.find(error),
                "refused inside the handshake by the trust manager, before the client's Certificate message");
        assertTrue(server.accepted.isEmpty(), "the acceptor never learns the dialler's identity");
    }

    @Test
    void aDiallerWhoseCertificateIsNotSelfSignedByItsKeyIsRefusedAndNotAccepted() {
        Node server = start(SIGNING.generate(), NodeCredentials::create);
        SigningKeyPair other = SIGNING.generate();
        // The dialler holds its key (so TLS CertificateVerify passes) but the certificate is signed by another key.
        Node forger = start(SIGNING.generate(), (keys, now) ->
                NodeCredentials.create(keys.publicKey(), other::sign, keys.seed(), now));

        Throwable failure = Await.failure(
                forger.transport.connect(server.keys.peerId(), server.address(), new Frames()), WAIT);

        assertEquals(Reason.HANDSHAKE_FAILED, assertInstanceOf(TransportException.class, failure).reason(),
                failure.toString());
        assertTrue(server.accepted.isEmpty(), "the acceptor hands no connection to the inbound handler");
    }

    @Test
    void aDiallerClaimingSomeoneElsesKeyIsRefused() {
        Node server = start(SIGNING.generate(), NodeCredentials::create);
        SigningKeyPair victim = SIGNING.generate();
        // The certificate names the victim's key, but the dialler cannot sign TLS CertificateVerify with it.
        Node impostor = start(SIGNING.generate(), (keys, now) ->
                NodeCredentials.create(victim.publicKey(), victim::sign, keys.seed(), now));

        Throwable failure = Await.failure(
                impostor.transport.connect(server.keys.peerId(), server.address(), new Frames()), WAIT);

        assertEquals(Reason.HANDSHAKE_FAILED, assertInstanceOf(TransportException.class, failure).reason());
        assertTrue(server.accepted.isEmpty(), "the acceptor hands no connection to the inbound handler");
    }

    @Test
    void anAcceptorClaimingSomeoneElsesKeyIsRefusedByTheDialler() {
        SigningKeyPair victim = SIGNING.generate();
        Node impostor = start(SIGNING.generate(), (keys, now) ->
                NodeCredentials.create(victim.publicKey(), victim::sign, keys.seed(), now));
        Node client = start(SIGNING.generate(), NodeCredentials::create);

        Throwable failure = Await.failure(
                client.transport.connect(victim.peerId(), impostor.address(), new Frames()), WAIT);

        assertEquals(Reason.HANDSHAKE_FAILED, assertInstanceOf(TransportException.class, failure).reason());
    }

    @Test
    void sendIsRefusedAsOverloadedAboveTheHighWaterMarkAndResumesWhenWritable() {
        Node server = start(SIGNING.generate(), NodeCredentials::create);
        Node client = start(SIGNING.generate(), NodeCredentials::create);
        StreamConnection outbound = (StreamConnection) Await.result(
                client.transport.connect(server.keys.peerId(), server.address(), new Frames()), WAIT);
        StreamConnection inbound = (StreamConnection) Await.result(server.nextAccepted(), WAIT);
        // The receiver stops reading, so the sender's buffers fill. Set on the receiver's event loop and waited for,
        // so no read cycle is still running once sending starts.
        Await.result(CompletableFuture.runAsync(() -> inbound.channel().config().setAutoRead(false),
                inbound.channel().eventLoop()), WAIT);

        byte[] frame = new byte[16 * 1024];
        List<CompletableFuture<Void>> queued = new ArrayList<>();
        CompletableFuture<Void> refused = null;
        // A refusal can come while the kernel's socket buffers still have room: this thread queues frames faster
        // than the event loop writes them, and once written they may drop the queue below the low-water mark again.
        // So a refusal counts only once the loop has run what was queued and the connection is still not writable;
        // until then sending goes on (bounded).
        for (int i = 0; i < 100_000 && refused == null; i++) {
            ByteBuffer payload = ByteBuffer.wrap(frame); // send copies it before returning
            payload.putInt(0, queued.size());
            CompletableFuture<Void> sent = outbound.send(payload);
            if (!sent.isCompletedExceptionally()) {
                queued.add(sent);
            } else if (stillNotWritableOnceTheLoopRan(outbound)) {
                refused = sent;
            }
        }
        assertTrue(refused != null, "the sender refused before 100000 frames of 16 KiB were queued");
        Throwable failure = Await.failure(refused, WAIT);
        assertEquals(Reason.OVERLOADED, assertInstanceOf(TransportException.class, failure).reason());
        assertFalse(outbound.isWritable());
        CompletableFuture<Void> writable = outbound.whenWritable();

        inbound.channel().config().setAutoRead(true);

        Await.result(writable, WAIT);
        for (CompletableFuture<Void> sent : queued) {
            Await.result(sent, WAIT);
        }
        Frames received = server.frames.get(inbound);
        for (int i = 0; i < queued.size(); i++) {
            assertEquals(i, received.next().getInt(0), "frames queued before the refusal arrive in order");
        }
    }

    /** @return whether {@code connection} is not writable after its event loop ran every task queued so far */
    private static boolean stillNotWritableOnceTheLoopRan(StreamConnection connection) {
        Await.result(CompletableFuture.runAsync(() -> { }, connection.channel().eventLoop()), WAIT);
        return !connection.isWritable();
    }

    @Test
    void unknownAndInconsistentSettingsAreRefusedNamingTheKey() {
        var unknown = org.junit.jupiter.api.Assertions.assertThrows(io.topictracker.api.ConfigException.class,
                () -> TcpSettings.from(ConfigTable.of("transport.tcp", Map.of("prot", 1L))));
        assertTrue(unknown.getMessage().contains("transport.tcp.prot"), unknown.getMessage());
        var marks = org.junit.jupiter.api.Assertions.assertThrows(io.topictracker.api.ConfigException.class,
                () -> TcpSettings.from(ConfigTable.of("transport.tcp", Map.of(
                        "write_buffer_high_water_mark", 4096L, "write_buffer_low_water_mark", 8192L))));
        assertTrue(marks.getMessage().contains("write_buffer_low_water_mark"), marks.getMessage());
        var size = org.junit.jupiter.api.Assertions.assertThrows(io.topictracker.api.ConfigException.class,
                () -> TcpSettings.from(ConfigTable.of("transport.tcp", Map.of("max_frame_size", 0L))));
        assertTrue(size.getMessage().contains("max_frame_size"), size.getMessage());
        TcpSettings defaults = TcpSettings.from(ConfigTable.empty("transport.tcp"));
        assertEquals("127.0.0.1", defaults.bindAddress(), "in the test suite the default bind is loopback");
        assertEquals(0, defaults.port());
        assertEquals(64 * 1024, defaults.maxFrameSize());
        assertEquals(Duration.ofSeconds(15), defaults.idleTimeout());
        assertEquals(Duration.ofSeconds(5), defaults.keepAliveInterval());
        var lateKeepAlive = org.junit.jupiter.api.Assertions.assertThrows(io.topictracker.api.ConfigException.class,
                () -> TcpSettings.from(ConfigTable.of("transport.tcp", Map.of(
                        "idle_timeout", "10s", "keep_alive_interval", "10s"))));
        assertTrue(lateKeepAlive.getMessage().contains("keep_alive_interval"), lateKeepAlive.getMessage());
        assertEquals(Duration.ZERO, TcpSettings.from(ConfigTable.of("transport.tcp", Map.of(
                "keep_alive_interval", "0s"))).keepAliveInterval(), "0 turns keep-alives off");
    }

    /**
     * A peer whose link died silently sends nothing: with keep-alives off on the acceptor (standing in for it), the
     * dialler closes the connection once its idle timeout passes, with TIMEOUT, and the listener hears of it.
     */
    @Test
    void aConnectionOnWhichNothingArrivesForTheIdleTimeoutIsClosedWithTimeout() {
        Node server = start(SIGNING.generate(), NodeCredentials::create, Map.of("keep_alive_interval", "0s"));
        Node client = start(SIGNING.generate(), NodeCredentials::create, Map.of("idle_timeout", "1s",
                "keep_alive_interval", "0s"));
        Frames frames = new Frames();
        Connection outbound = Await.result(client.transport.connect(server.keys.peerId(), server.address(), frames),
                WAIT);

        Await.result(outbound.closeFuture(), WAIT);
        Throwable cause = Await.result(frames.closedBy, WAIT);
        assertEquals(Reason.TIMEOUT, assertInstanceOf(TransportException.class, cause).reason(), cause.toString());
    }

    /**
     * Keep-alives keep an idle connection open well past the idle timeout on both ends, carry nothing the listener
     * sees, and frames still flow after them.
     */
    @Test
    void keepAlivesKeepAnIdleConnectionOpenAndAreNotFrames() throws Exception {
        Map<String, Object> liveness = Map.of("idle_timeout", "1s", "keep_alive_interval", "200ms");
        Node server = start(SIGNING.generate(), NodeCredentials::create, liveness);
        Node client = start(SIGNING.generate(), NodeCredentials::create, liveness);
        Frames clientFrames = new Frames();
        Connection outbound = Await.result(client.transport.connect(server.keys.peerId(), server.address(),
                clientFrames), WAIT);
        Connection inbound = Await.result(server.nextAccepted(), WAIT);

        // three idle timeouts without a frame: only keep-alives cross, and neither end gives up
        org.junit.jupiter.api.Assertions.assertThrows(java.util.concurrent.TimeoutException.class,
                () -> outbound.closeFuture().get(3, java.util.concurrent.TimeUnit.SECONDS));
        assertTrue(outbound.isOpen() && inbound.isOpen());
        assertTrue(server.frames.get(inbound).frames.isEmpty(), "keep-alives are not frames");
        assertTrue(clientFrames.frames.isEmpty(), "keep-alives are not frames");

        Await.result(outbound.send(ByteBuffer.wrap(new byte[] {7})), WAIT);
        assertEquals(7, server.frames.get(inbound).next().get(0));
    }

    /**
     * Issue 18: frames sent from other threads are written by one event-loop task per burst and flushed once, not a
     * task each (Netty's write from another thread). The loop is held busy while 50 frames are sent, so they all wait for the same task.
     */
    @Test
    void framesSentFromOtherThreadsWhileTheLoopIsBusyGoOutInOneFlush() throws Exception {
        Node server = start(SIGNING.generate(), NodeCredentials::create);
        Node client = start(SIGNING.generate(), NodeCredentials::create);
        StreamConnection connection = (StreamConnection) Await.result(
                client.transport.connect(server.keys.peerId(), server.address(), new Frames()), WAIT);
        Connection accepted = Await.result(CompletableFuture.supplyAsync(() -> {
            try {
                return server.accepted.take();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }), WAIT);
        java.util.concurrent.atomic.AtomicInteger flushes = new java.util.concurrent.atomic.AtomicInteger();
        var loop = connection.channel().eventLoop();
        java.util.concurrent.CountDownLatch counting = new java.util.concurrent.CountDownLatch(1);
        loop.execute(() -> {
            connection.channel().pipeline().addFirst("count-flushes",
                    new io.netty.channel.ChannelOutboundHandlerAdapter() {
                        @Override
                        public void flush(io.netty.channel.ChannelHandlerContext ctx) {
                            flushes.incrementAndGet();
                            ctx.flush();
                        }
                    });
            counting.countDown();
        });
        assertTrue(counting.await(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS));
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch busy = new java.util.concurrent.CountDownLatch(1);
        loop.execute(() -> {
            busy.countDown();
            try {
                release.await(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(busy.await(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS));
        var executor = (io.netty.util.concurrent.SingleThreadEventExecutor) loop;
        int tasksBefore = executor.pendingTasks();
        List<CompletableFuture<Void>> sent = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            sent.add(connection.send(ByteBuffer.wrap(new byte[] {(byte) i})));
        }
        assertEquals(0, flushes.get(), "nothing written while the loop is busy");
        // One task for the 50 frames (Netty's own write from another thread queues one per frame); the margin is
        // for the loop's own timers that may fall due meanwhile on a loaded machine.
        int tasksAdded = executor.pendingTasks() - tasksBefore;
        assertTrue(tasksAdded >= 1 && tasksAdded <= 3, "tasks queued for 50 frames: " + tasksAdded);
        release.countDown();
        Await.result(CompletableFuture.allOf(sent.toArray(new CompletableFuture[0])), WAIT);
        assertTrue(flushes.get() >= 1 && flushes.get() <= 3, "flushes for the 50 frames: " + flushes.get());
        Frames received = server.frames.get(accepted);
        for (int i = 0; i < 50; i++) {
            ByteBuffer frame = received.frames.poll(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(i, frame.get(0), "in order");
        }
    }

    @Test
    void transportsOfOneProcessShareTheirEventLoopsAndTheLastCloseEndsThem() throws Exception {
        Node first = start(SIGNING.generate(), NodeCredentials::create);
        Node second = start(SIGNING.generate(), NodeCredentials::create);
        CompletableFuture<Connection> acceptedBySecond = second.nextAccepted();
        StreamConnection dialled = (StreamConnection) Await.result(
                first.transport.connect(second.keys.peerId(), second.address(), new Frames()), WAIT);
        StreamConnection accepted = (StreamConnection) Await.result(acceptedBySecond, WAIT);
        var group = dialled.channel().eventLoop().parent();
        assertTrue(group == accepted.channel().eventLoop().parent(), "both nodes' channels run on one group");

        // one node closes: the other's loops keep running its connections
        first.transport.close();
        Node third = start(SIGNING.generate(), NodeCredentials::create);
        CompletableFuture<Connection> acceptedAgain = second.nextAccepted();
        StreamConnection next = (StreamConnection) Await.result(
                third.transport.connect(second.keys.peerId(), second.address(), new Frames()), WAIT);
        Connection nextAccepted = Await.result(acceptedAgain, WAIT);
        Await.result(next.send(ByteBuffer.wrap(new byte[] {42})), WAIT);
        assertEquals(42, second.frames.get(nextAccepted).next().get(0));
        assertFalse(group.isShuttingDown(), "still held by two transports");

        // the last holders close: the group ends with them
        second.transport.close();
        third.transport.close();
        assertTrue(group.isTerminated(), "close returns once the last holder's loops ended");
        assertEquals(0, SharedEventLoops.groupsHeld("tcp"));
    }

    @Test
    void aTransportThatDoesNotShareRunsOnLoopsOfItsOwnThatItsCloseEnds() throws Exception {
        Node own = start(SIGNING.generate(), NodeCredentials::create, Map.of("share_event_loops", false));
        Node shared = start(SIGNING.generate(), NodeCredentials::create);
        CompletableFuture<Connection> acceptedByShared = shared.nextAccepted();
        StreamConnection dialled = (StreamConnection) Await.result(
                own.transport.connect(shared.keys.peerId(), shared.address(), new Frames()), WAIT);
        StreamConnection accepted = (StreamConnection) Await.result(acceptedByShared, WAIT);
        var ownGroup = dialled.channel().eventLoop().parent();
        assertFalse(ownGroup == accepted.channel().eventLoop().parent(), "separate groups");

        own.transport.close();
        assertTrue(ownGroup.isTerminated(), "its own loops end with it");
        assertFalse(accepted.channel().eventLoop().parent().isShuttingDown(), "the shared ones do not");
    }

    private Node start(SigningKeyPair keys, BiFunction<SigningKeyPair, Instant, NodeCredentials> credentials) {
        return start(keys, credentials, Map.of());
    }

    private Node start(SigningKeyPair keys, BiFunction<SigningKeyPair, Instant, NodeCredentials> credentials,
            Map<String, Object> extra) {
        Node node = new Node(keys);
        TransportContext context = new TransportContext(ConfigTable.empty("transport.tcp"), keys, SIGNING,
                Clock.systemUTC(), scheduler, connection -> {
                    Frames frames = new Frames();
                    node.frames.put(connection, frames);
                    node.accepted.add(connection);
                    return frames;
                });
        Map<String, Object> values = new java.util.HashMap<>(Map.of(
                "io_threads", 1L, "write_buffer_high_water_mark", 256L * 1024, "handshake_timeout", "15s",
                "bind_address", "127.0.0.1"));
        values.putAll(extra);
        TcpSettings settings = TcpSettings.from(ConfigTable.of("transport.tcp", values));
        node.transport = new TcpTransport(context, settings, credentials);
        transports.add(node.transport);
        Await.result(node.transport.start(), WAIT);
        return node;
    }

    /** A started transport and what it accepted. */
    private static final class Node {
        final SigningKeyPair keys;
        final BlockingQueue<Connection> accepted = new LinkedBlockingQueue<>();
        final Map<Connection, Frames> frames = new java.util.concurrent.ConcurrentHashMap<>();
        TcpTransport transport;

        Node(SigningKeyPair keys) {
            this.keys = keys;
        }

        io.topictracker.api.PeerAddress address() {
            return transport.localAddresses().get(0);
        }

        CompletableFuture<Connection> nextAccepted() {
            return CompletableFuture.supplyAsync(() -> {
                try {
                    return accepted.take();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            });
        }
    }

    /** Collects frames. */
    private static final class Frames implements ConnectionListener {
        private final BlockingQueue<ByteBuffer> frames = new LinkedBlockingQueue<>();

        @Override
        public void onFrame(Connection connection, ByteBuffer frame) {
            frames.add(frame);
        }

        final CompletableFuture<Throwable> closedBy = new CompletableFuture<>();

        @Override
        public void onClosed(Connection connection, Throwable cause) {
            closedBy.complete(cause);
        }

        ByteBuffer next() {
            try {
                ByteBuffer frame = frames.poll(WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
                if (frame == null) {
                    throw new AssertionError("no frame within " + WAIT.toMillis() + " ms");
                }
                return frame;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
