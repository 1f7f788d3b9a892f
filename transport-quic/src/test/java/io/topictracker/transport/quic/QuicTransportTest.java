package io.topictracker.transport.quic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.api.transport.Connection;
import io.topictracker.api.transport.TransportException;
import io.topictracker.api.transport.TransportException.Reason;
import io.topictracker.tck.Await;
import io.topictracker.tls.NodeCredentials;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Dial, accept, identity in both directions, frames and close over real QUIC on 127.0.0.1. */
class QuicTransportTest {
    private static ScheduledExecutorService scheduler;
    private final List<QuicTestNode> nodes = new ArrayList<>();

    @BeforeAll
    static void scheduler() {
        scheduler = Executors.newSingleThreadScheduledExecutor();
    }

    @AfterAll
    static void stopScheduler() {
        scheduler.shutdownNow();
    }

    @AfterEach
    void closeNodes() {
        nodes.forEach(QuicTestNode::close);
    }

    private QuicTestNode node() {
        return node(Map.of());
    }

    private QuicTestNode node(Map<String, ?> settings) {
        QuicTestNode node = new QuicTestNode(scheduler, settings);
        nodes.add(node);
        return node;
    }

    @Test
    void dialledConnectionIsBoundToBothIdentities() {
        QuicTestNode client = node();
        QuicTestNode server = node();

        Connection outbound = Await.result(
                client.transport.connect(server.id(), server.address(), new RecordingListener()), QuicTestNode.WAIT);
        QuicTestNode.Accepted inbound = server.nextAccepted();

        assertEquals(server.id(), outbound.remote());
        assertEquals(server.address(), outbound.remoteAddress());
        assertEquals(client.id(), inbound.connection().remote());
        assertEquals("127.0.0.1", inbound.connection().remoteAddress().host());
        assertTrue(outbound.isOpen());
        assertTrue(inbound.connection().isOpen());
    }

    /**
     * Issue 15: a dial leaves from the listening socket, so the far end sees it come from the port we advertise (the
     * one a NAT has mapped for us) — the precondition of UDP hole punching.
     */
    @Test
    void aDialLeavesFromTheListeningPort() {
        QuicTestNode client = node();
        QuicTestNode server = node();
        Await.result(client.transport.connect(server.id(), server.address(), new RecordingListener()),
                QuicTestNode.WAIT);
        QuicTestNode.Accepted inbound = server.nextAccepted();
        assertEquals(client.address().port(), inbound.connection().remoteAddress().port(),
                "seen from " + inbound.connection().remoteAddress() + ", listening on " + client.address());
    }

    /**
     * Issue 15: two nodes that dial each other at the same moment (a hole punch: each one's Initial opens its own NAT
     * for the other's) each end up with the connection it dialled and the one it accepted, on one socket each, and
     * frames flow on all four ends.
     */
    @Test
    void simultaneousDialsBothWaysGiveTwoWorkingConnections() {
        QuicTestNode a = node();
        QuicTestNode b = node();
        RecordingListener aSide = new RecordingListener();
        RecordingListener bSide = new RecordingListener();
        var aDial = a.transport.connect(b.id(), b.address(), aSide);
        var bDial = b.transport.connect(a.id(), a.address(), bSide);
        Connection aToB = Await.result(aDial, QuicTestNode.WAIT);
        Connection bToA = Await.result(bDial, QuicTestNode.WAIT);
        QuicTestNode.Accepted atB = b.nextAccepted();
        QuicTestNode.Accepted atA = a.nextAccepted();
        assertEquals(a.id(), atB.connection().remote());
        assertEquals(b.id(), atA.connection().remote());
        Await.result(aToB.send(frame(1)), QuicTestNode.WAIT);
        Await.result(bToA.send(frame(2)), QuicTestNode.WAIT);
        Await.result(atB.connection().send(frame(3)), QuicTestNode.WAIT);
        Await.result(atA.connection().send(frame(4)), QuicTestNode.WAIT);
        Await.until(QuicTestNode.WAIT, "a frame on each end", () -> atB.listener().frames.size() == 1
                && atA.listener().frames.size() == 1 && aSide.frames.size() == 1 && bSide.frames.size() == 1);
        assertArrayEquals(bytes(frame(1)), bytes(atB.listener().frames.get(0)));
        assertArrayEquals(bytes(frame(2)), bytes(atA.listener().frames.get(0)));
        assertArrayEquals(bytes(frame(3)), bytes(aSide.frames.get(0)));
        assertArrayEquals(bytes(frame(4)), bytes(bSide.frames.get(0)));
    }

    /** Issue 14, "dual-stack transports": QUIC over IPv6 (::1), advertised and seen as an IPv6 address. */
    @Test
    void connectsOverIpv6Loopback() {
        QuicTestNode client = node(Map.of("bind_address", "::1"));
        QuicTestNode server = node(Map.of("bind_address", "::1"));
        assertTrue(isIpv6Loopback(server.address().host()), "advertises ::1: " + server.address());
        RecordingListener clientSide = new RecordingListener();
        Connection outbound = Await.result(client.transport.connect(server.id(), server.address(), clientSide),
                QuicTestNode.WAIT);
        QuicTestNode.Accepted inbound = server.nextAccepted();
        assertEquals(client.id(), inbound.connection().remote());
        assertTrue(isIpv6Loopback(inbound.connection().remoteAddress().host()), "seen from ::1: "
                + inbound.connection().remoteAddress());
        Await.result(outbound.send(frame(6)), QuicTestNode.WAIT);
        Await.until(QuicTestNode.WAIT, "the frame over IPv6", () -> inbound.listener().frames.size() == 1);
        assertArrayEquals(bytes(frame(6)), bytes(inbound.listener().frames.get(0)));
    }

    private static boolean isIpv6Loopback(String literal) {
        try {
            java.net.InetAddress address = java.net.InetAddress.getByName(literal); // a literal: no lookup
            return address instanceof java.net.Inet6Address && address.isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    @Test
    void framesArriveWholeAndInOrderBothWays() {
        QuicTestNode client = node();
        QuicTestNode server = node();
        RecordingListener clientSide = new RecordingListener();
        Connection outbound = Await.result(client.transport.connect(server.id(), server.address(), clientSide),
                QuicTestNode.WAIT);
        QuicTestNode.Accepted inbound = server.nextAccepted();

        int count = 300;
        for (int i = 0; i < count; i++) {
            Await.result(outbound.send(frame(i)), QuicTestNode.WAIT);
            Await.result(inbound.connection().send(frame(count - i)), QuicTestNode.WAIT);
        }

        Await.until(QuicTestNode.WAIT, "all frames at the server", () -> inbound.listener().frames.size() == count);
        Await.until(QuicTestNode.WAIT, "all frames at the client", () -> clientSide.frames.size() == count);
        for (int i = 0; i < count; i++) {
            assertArrayEquals(bytes(frame(i)), bytes(inbound.listener().frames.get(i)), "server frame " + i);
            assertArrayEquals(bytes(frame(count - i)), bytes(clientSide.frames.get(i)), "client frame " + i);
        }
    }

    @Test
    void emptyAndMaximumSizeFramesArrive() {
        QuicTestNode client = node(Map.of("max_frame_size", 100_000L));
        QuicTestNode server = node(Map.of("max_frame_size", 100_000L));
        Connection outbound = Await.result(
                client.transport.connect(server.id(), server.address(), new RecordingListener()), QuicTestNode.WAIT);
        QuicTestNode.Accepted inbound = server.nextAccepted();

        Await.result(outbound.send(ByteBuffer.allocate(0)), QuicTestNode.WAIT);
        byte[] largest = new byte[100_000];
        new java.util.Random(7).nextBytes(largest);
        Await.result(outbound.send(ByteBuffer.wrap(largest)), QuicTestNode.WAIT);

        Await.until(QuicTestNode.WAIT, "both frames", () -> inbound.listener().frames.size() == 2);
        assertEquals(0, inbound.listener().frames.get(0).remaining());
        assertArrayEquals(largest, bytes(inbound.listener().frames.get(1)));
    }

    @Test
    void dialRefusesAPeerThatProvesAnotherIdentity() {
        QuicTestNode client = node();
        QuicTestNode server = node();
        QuicTestNode someoneElse = node();

        Throwable failure = Await.failure(
                client.transport.connect(someoneElse.id(), server.address(), new RecordingListener()),
                QuicTestNode.WAIT);

        TransportException refused = assertInstanceOf(TransportException.class, failure);
        assertEquals(Reason.IDENTITY_MISMATCH, refused.reason());
        assertTrue(refused.getMessage().contains(server.id().toString()), refused.getMessage());
        assertTrue(refused.getMessage().contains(someoneElse.id().toString()), refused.getMessage());
        // Refused by the trust manager inside the handshake (the TLS failure is the cause), so the client never sent
        // its certificate and the server never completed the handshake nor accepted a connection.
        assertInstanceOf(javax.net.ssl.SSLException.class, refused.getCause(), String.valueOf(refused.getCause()));
        assertTrue(server.accepted.isEmpty(), "the wrong server accepted nothing");
    }

    @Test
    void serverRefusesAClientWhoseCertificateIsNotSelfSigned_andTheClientIsToldSo() {
        QuicTestNode server = node();
        io.topictracker.api.signing.SigningKeyPair forger = QuicTestNode.SIGNING.generate();
        // quiche drops the refused connection silently, so the client learns of it from its handshake timeout.
        QuicTestNode client = new QuicTestNode(scheduler, Map.of("handshake_timeout", "1s"),
                (identity, now) -> NodeCredentials.create(identity, forger, now));
        nodes.add(client);

        Throwable failure = Await.failure(
                client.transport.connect(server.id(), server.address(), new RecordingListener()), QuicTestNode.WAIT);

        TransportException refused = assertInstanceOf(TransportException.class, failure);
        assertEquals(Reason.HANDSHAKE_FAILED, refused.reason(), refused.getMessage());
        assertTrue(refused.getMessage().contains("refused our certificate"), refused.getMessage());
        assertTrue(server.accepted.isEmpty(), "the server must not hand the forged client to its inbound handler");
    }

    @Test
    void clientRefusesAServerWhoseCertificateIsNotSelfSigned() {
        io.topictracker.api.signing.SigningKeyPair forger = QuicTestNode.SIGNING.generate();
        QuicTestNode server = new QuicTestNode(scheduler, Map.of(),
                (identity, now) -> NodeCredentials.create(identity, forger, now));
        nodes.add(server);
        QuicTestNode client = node();

        Throwable failure = Await.failure(
                client.transport.connect(server.id(), server.address(), new RecordingListener()), QuicTestNode.WAIT);

        assertEquals(Reason.HANDSHAKE_FAILED, assertInstanceOf(TransportException.class, failure).reason());
    }

    @Test
    void anOversizeSendIsRefusedAndTheConnectionCarriesOn() {
        QuicTestNode client = node(Map.of("max_frame_size", 1024L));
        QuicTestNode server = node(Map.of("max_frame_size", 1024L));
        Connection outbound = Await.result(
                client.transport.connect(server.id(), server.address(), new RecordingListener()), QuicTestNode.WAIT);
        QuicTestNode.Accepted inbound = server.nextAccepted();

        Throwable failure = Await.failure(outbound.send(ByteBuffer.allocate(1025)), QuicTestNode.WAIT);
        assertEquals(Reason.FRAME_TOO_LARGE, assertInstanceOf(TransportException.class, failure).reason());

        Await.result(outbound.send(ByteBuffer.allocate(1024)), QuicTestNode.WAIT);
        Await.until(QuicTestNode.WAIT, "the frame after the refused one", () -> inbound.listener().frames.size() == 1);
        assertTrue(outbound.isOpen());
    }

    @Test
    void aReceiverClosesAConnectionThatSendsAnOversizeFrame() {
        QuicTestNode client = node(Map.of("max_frame_size", 8192L));
        QuicTestNode server = node(Map.of("max_frame_size", 1024L));
        RecordingListener clientSide = new RecordingListener();
        Connection outbound = Await.result(client.transport.connect(server.id(), server.address(), clientSide),
                QuicTestNode.WAIT);
        QuicTestNode.Accepted inbound = server.nextAccepted();

        Await.result(outbound.send(ByteBuffer.allocate(10)), QuicTestNode.WAIT);
        outbound.send(ByteBuffer.allocate(2048));

        Throwable serverCause = Await.result(inbound.listener().closed, QuicTestNode.WAIT);
        assertEquals(Reason.FRAME_TOO_LARGE, assertInstanceOf(TransportException.class, serverCause).reason());
        assertEquals(1, inbound.listener().frames.size(), "the frame before the oversize one is delivered");
        Throwable clientCause = Await.result(clientSide.closed, QuicTestNode.WAIT);
        assertInstanceOf(TransportException.class, clientCause);
        assertTrue(clientCause.getMessage().contains("2048"), clientCause.getMessage());
        Await.result(outbound.closeFuture(), QuicTestNode.WAIT);
        assertFalse(outbound.isOpen());
    }

    @Test
    void orderlyCloseDeliversEverySentFrameThenClosesBothSidesOnce() {
        QuicTestNode client = node();
        QuicTestNode server = node();
        RecordingListener clientSide = new RecordingListener();
        Connection outbound = Await.result(client.transport.connect(server.id(), server.address(), clientSide),
                QuicTestNode.WAIT);
        QuicTestNode.Accepted inbound = server.nextAccepted();

        for (int i = 0; i < 100; i++) {
            outbound.send(frame(i));
        }
        outbound.close();

        assertSame(RecordingListener.ORDERLY, Await.result(inbound.listener().closed, QuicTestNode.WAIT));
        assertEquals(100, inbound.listener().framesAtClose, "every frame arrives before onClosed");
        assertSame(RecordingListener.ORDERLY, Await.result(clientSide.closed, QuicTestNode.WAIT));
        Await.result(inbound.connection().closeFuture(), QuicTestNode.WAIT);
        Await.result(outbound.closeFuture(), QuicTestNode.WAIT);
        assertEquals(1, clientSide.closedCalls.get());
        assertEquals(1, inbound.listener().closedCalls.get());
        Throwable afterClose = Await.failure(outbound.send(frame(1)), QuicTestNode.WAIT);
        assertEquals(Reason.CLOSED, assertInstanceOf(TransportException.class, afterClose).reason());
    }

    @Test
    void theSideThatAnswersAnOrderlyCloseIsToldOnThePeersConnectionCloseWithoutWaitingForQuicheToDrainIt() {
        QuicTestNode client = node();
        QuicTestNode server = node();
        Connection outbound = Await.result(client.transport.connect(server.id(), server.address(),
                new RecordingListener()), QuicTestNode.WAIT);
        QuicTestNode.Accepted inbound = server.nextAccepted();

        // The server reads the client's FIN and answers with its own; the client, reading that, sends
        // CONNECTION_CLOSE, on which quiche puts the server's connection in its draining state for 3 PTO (RFC 9000
        // §10.2.2) and Netty closes the channel only once that is over.
        outbound.close();

        assertSame(RecordingListener.ORDERLY, Await.result(inbound.listener().closed, QuicTestNode.WAIT));
        assertEquals(Boolean.FALSE, inbound.listener().channelClosedAtClose,
                "told on the CONNECTION_CLOSE, while quiche still drains the connection, not when that ends");
        Await.result(inbound.connection().closeFuture(), QuicTestNode.WAIT);
        assertFalse(inbound.connection().isOpen());
        assertEquals(1, inbound.listener().closedCalls.get());
        Await.until(QuicTestNode.WAIT, "the drained channel closes", () -> ((QuicConnection) inbound.connection())
                .channelClosed());
        assertEquals(1, inbound.listener().closedCalls.get(), "the channel's own close is not reported again");
    }

    @Test
    void closingATransportFreesItsPortAndEveryPeerOnEitherSideOfADialIsToldItsConnectionClosed() {
        QuicTestNode closing = node();
        List<RecordingListener> peerSides = new ArrayList<>();
        List<RecordingListener> closingSides = new ArrayList<>();
        List<Connection> peerDials = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            QuicTestNode peer = node();
            RecordingListener dialled = new RecordingListener();
            Await.result(closing.transport.connect(peer.id(), peer.address(), dialled), QuicTestNode.WAIT);
            closingSides.add(dialled);
            peerSides.add(peer.nextAccepted().listener());
            RecordingListener dialling = new RecordingListener();
            peerDials.add(Await.result(peer.transport.connect(closing.id(), closing.address(), dialling),
                    QuicTestNode.WAIT));
            peerSides.add(dialling);
            closingSides.add(closing.nextAccepted().listener());
        }
        InetSocketAddress port = new InetSocketAddress(closing.address().host(), closing.address().port());

        // One peer closes its own connection at the same moment: both FINs may cross.
        peerDials.get(0).close();
        closing.transport.close();

        try (DatagramSocket again = new DatagramSocket(port)) {
            assertEquals(port.getPort(), again.getLocalPort(), "the UDP port is free once close returns");
        } catch (SocketException e) {
            throw new AssertionError("UDP port " + port + " still in use after close: " + e, e);
        }
        for (RecordingListener peerSide : peerSides) {
            assertSame(RecordingListener.ORDERLY, Await.result(peerSide.closed, QuicTestNode.WAIT));
        }
        for (RecordingListener closingSide : closingSides) {
            assertSame(RecordingListener.ORDERLY, Await.result(closingSide.closed, QuicTestNode.WAIT));
        }
        Await.until(QuicTestNode.WAIT, "every listener was told once",
                () -> peerSides.stream().allMatch(l -> l.closedCalls.get() == 1)
                        && closingSides.stream().allMatch(l -> l.closedCalls.get() == 1));
    }

    /** The setting that puts a process's QUIC transports on one group of loops (off by default). */
    private static final Map<String, Object> SHARING = Map.of("share_event_loops", true);

    @Test
    void transportsOfOneProcessShareTheirEventLoopsAndTheLastCloseEndsThem() {
        QuicTestNode first = node(SHARING);
        QuicTestNode second = node(SHARING);
        var group = first.transport.socketLoops();
        assertSame(group, second.transport.socketLoops(), "both nodes' sockets run on one group");
        RecordingListener firstSide = new RecordingListener();
        Await.result(first.transport.connect(second.id(), second.address(), firstSide), QuicTestNode.WAIT);
        QuicTestNode.Accepted atSecond = second.nextAccepted();
        int firstPort = first.address().port();

        // One node closes: its connection and socket are closed when close returns, the loops keep running the rest.
        first.close();
        assertTrue(firstSide.closed.isDone(), "close waited for its own connection");
        assertSame(RecordingListener.ORDERLY, Await.result(atSecond.listener().closed, QuicTestNode.WAIT));
        try (DatagramSocket again = new DatagramSocket(new InetSocketAddress("127.0.0.1", firstPort))) {
            assertEquals(firstPort, again.getLocalPort(), "its UDP port is free once close returns");
        } catch (SocketException e) {
            throw new AssertionError("UDP port " + firstPort + " still in use after close: " + e, e);
        }
        assertFalse(group.isShuttingDown(), "still held by the second node");
        QuicTestNode third = node(SHARING);
        assertSame(group, third.transport.socketLoops(), "a node started later joins the same group");
        Connection thirdToSecond = Await.result(
                third.transport.connect(second.id(), second.address(), new RecordingListener()), QuicTestNode.WAIT);
        QuicTestNode.Accepted again = second.nextAccepted();
        Await.result(thirdToSecond.send(frame(42)), QuicTestNode.WAIT);
        Await.until(QuicTestNode.WAIT, "the frame over the shared loops", () -> again.listener().frames.size() == 1);
        assertArrayEquals(bytes(frame(42)), bytes(again.listener().frames.get(0)));

        // The last holders close: the group ends with them.
        second.close();
        assertFalse(group.isShuttingDown(), "still held by the third node");
        third.close();
        assertTrue(group.isTerminated(), "close returns once the last holder's loops ended");
        assertEquals(0, io.topictracker.stream.SharedEventLoops.groupsHeld(QuicTransportProvider.ID));
    }

    @Test
    void aTransportThatDoesNotShareRunsOnALoopOfItsOwnThatItsCloseEnds() {
        QuicTestNode own = node();
        QuicTestNode shared = node(SHARING);
        var ownGroup = own.transport.socketLoops();
        var sharedGroup = shared.transport.socketLoops();
        assertFalse(ownGroup == sharedGroup, "separate groups");
        Connection dialled = Await.result(
                own.transport.connect(shared.id(), shared.address(), new RecordingListener()), QuicTestNode.WAIT);
        QuicTestNode.Accepted accepted = shared.nextAccepted();
        Await.result(dialled.send(frame(7)), QuicTestNode.WAIT);
        Await.until(QuicTestNode.WAIT, "the frame", () -> accepted.listener().frames.size() == 1);

        own.close();
        assertTrue(ownGroup.isTerminated(), "its own loop ends with it");
        assertFalse(sharedGroup.isShuttingDown(), "the shared ones do not");
        assertSame(RecordingListener.ORDERLY, Await.result(accepted.listener().closed, QuicTestNode.WAIT));
    }

    @Test
    void sendRefusesAboveTheHighWaterMarkAndWhenWritableSaysWhenToGoOn() {
        QuicTestNode client = node(Map.of("max_frame_size", 65536L));
        QuicTestNode server = node(Map.of("max_frame_size", 65536L));
        Connection outbound = Await.result(
                client.transport.connect(server.id(), server.address(), new RecordingListener()), QuicTestNode.WAIT);
        QuicTestNode.Accepted inbound = server.nextAccepted();
        ByteBuffer frame = ByteBuffer.allocate(65536);

        // The test thread queues far faster than QUIC drains, so the 1 MiB mark is crossed within a few dozen frames.
        int queued = 0;
        Throwable overloaded = null;
        for (int i = 0; i < 10_000 && overloaded == null; i++) {
            java.util.concurrent.CompletableFuture<Void> sent = outbound.send(frame.duplicate());
            if (sent.isCompletedExceptionally()) {
                overloaded = Await.failure(sent, QuicTestNode.WAIT);
            } else {
                queued++;
            }
        }
        assertEquals(Reason.OVERLOADED, assertInstanceOf(TransportException.class, overloaded).reason());
        assertTrue(queued * 65536L < 4L << 20, "refused long before 4 MiB were queued: " + queued + " frames");

        Await.result(outbound.whenWritable(), QuicTestNode.WAIT);
        Await.result(outbound.send(frame.duplicate()), QuicTestNode.WAIT);
        int expected = queued + 1;
        Await.until(QuicTestNode.WAIT, "every queued frame arrives", () -> inbound.listener().frames.size() == expected);
        assertTrue(outbound.isOpen());
    }

    @Test
    void anIdleConnectionEndsAtTheIdleTimeoutUnlessKeptAlive() {
        Map<String, Object> kept = Map.of("idle_timeout", "600ms", "keep_alive_interval", "150ms");
        Map<String, Object> silent = Map.of("idle_timeout", "600ms", "keep_alive_interval", "0s");
        QuicTestNode keptServer = node(kept);
        Connection keptAlive = Await.result(node(kept).transport.connect(keptServer.id(), keptServer.address(),
                new RecordingListener()), QuicTestNode.WAIT);
        QuicTestNode silentServer = node(silent);
        RecordingListener silentSide = new RecordingListener();
        Await.result(node(silent).transport.connect(silentServer.id(), silentServer.address(), silentSide),
                QuicTestNode.WAIT);

        Throwable cause = Await.result(silentSide.closed, QuicTestNode.WAIT);

        assertEquals(Reason.TIMEOUT, assertInstanceOf(TransportException.class, cause).reason(), cause.toString());
        // The kept-alive connection was opened first and has carried no frame either, yet is still open.
        assertTrue(keptAlive.isOpen(), "keep-alives hold an idle connection open past the idle timeout");
    }

    @Test
    void anInboundHandlerThatThrowsLosesThatConnectionOnlyAndTheDiallerIsNotAccepted() {
        // The first inbound handler call throws: that connection is closed unaccepted; later ones are served.
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        QuicTestNode client = node(Map.of("handshake_timeout", "2s"));
        QuicTestNode flaky = new QuicTestNode(scheduler, Map.of(), NodeCredentials::create,
                connection -> {
                    if (calls.getAndIncrement() == 0) {
                        throw new IllegalStateException("inbound handler failed on purpose");
                    }
                    return new RecordingListener();
                });
        nodes.add(flaky);

        Throwable failure = Await.failure(
                client.transport.connect(flaky.id(), flaky.address(), new RecordingListener()), QuicTestNode.WAIT);
        assertInstanceOf(TransportException.class, failure);

        Connection second = Await.result(
                client.transport.connect(flaky.id(), flaky.address(), new RecordingListener()), QuicTestNode.WAIT);
        assertTrue(second.isOpen());
        assertEquals(2, calls.get());
    }

    @Test
    void framesTheAcceptorSendsWhileAcceptingReachTheDiallerAfterItsAcceptance() throws InterruptedException {
        // The engine does this: a node that was dialling a peer when that peer dialled it flushes the frames it had
        // queued for the peer onto the accepted connection from inside InboundHandler.accepted, on the transport's
        // thread, or from its own threads as soon as it knows the connection. Those frames used to be queued ahead of
        // ACCEPTED, so the dialler read a data frame before the acceptance, closed the connection and lost them.
        QuicTestNode client = node();
        java.util.concurrent.CountDownLatch sentFromElsewhere = new java.util.concurrent.CountDownLatch(1);
        QuicTestNode server = new QuicTestNode(scheduler, Map.of(), NodeCredentials::create, connection -> {
            connection.send(frame(1));
            Thread other = new Thread(() -> {
                connection.send(frame(2));
                sentFromElsewhere.countDown();
            });
            other.start();
            try {
                other.join(QuicTestNode.WAIT.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new RecordingListener();
        });
        nodes.add(server);
        RecordingListener clientSide = new RecordingListener();

        Connection outbound = Await.result(client.transport.connect(server.id(), server.address(), clientSide),
                QuicTestNode.WAIT);

        assertTrue(sentFromElsewhere.await(QuicTestNode.WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS));
        Await.until(QuicTestNode.WAIT, "both frames at the dialler", () -> clientSide.frames.size() == 2);
        assertArrayEquals(bytes(frame(1)), bytes(clientSide.frames.get(0)));
        assertArrayEquals(bytes(frame(2)), bytes(clientSide.frames.get(1)));
        assertTrue(outbound.isOpen());
        assertFalse(clientSide.closed.isDone(), "the dialler's connection stays open");
    }

    @Test
    void simultaneousDialsBetweenTwoPeersBothSucceedAndCarryWhatEachAcceptorSendsAtOnce() {
        // Each side dials the other at the same moment and, like the engine, flushes a frame onto the connection it
        // accepts from inside accepted(). Both dials must succeed and every frame arrive; no connection may close.
        List<RecordingListener> acceptedByA = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<RecordingListener> acceptedByB = new java.util.concurrent.CopyOnWriteArrayList<>();
        QuicTestNode a = new QuicTestNode(scheduler, Map.of(), NodeCredentials::create, connection -> {
            connection.send(frame(10));
            RecordingListener listener = new RecordingListener();
            acceptedByA.add(listener);
            return listener;
        });
        nodes.add(a);
        QuicTestNode b = new QuicTestNode(scheduler, Map.of(), NodeCredentials::create, connection -> {
            connection.send(frame(20));
            RecordingListener listener = new RecordingListener();
            acceptedByB.add(listener);
            return listener;
        });
        nodes.add(b);
        RecordingListener aDialled = new RecordingListener();
        RecordingListener bDialled = new RecordingListener();

        java.util.concurrent.CompletableFuture<Connection> aToB = a.transport.connect(b.id(), b.address(), aDialled);
        java.util.concurrent.CompletableFuture<Connection> bToA = b.transport.connect(a.id(), a.address(), bDialled);
        Connection fromA = Await.result(aToB, QuicTestNode.WAIT);
        Connection fromB = Await.result(bToA, QuicTestNode.WAIT);

        Await.until(QuicTestNode.WAIT, "B's flushed frame at A", () -> aDialled.frames.size() == 1);
        Await.until(QuicTestNode.WAIT, "A's flushed frame at B", () -> bDialled.frames.size() == 1);
        assertArrayEquals(bytes(frame(20)), bytes(aDialled.frames.get(0)));
        assertArrayEquals(bytes(frame(10)), bytes(bDialled.frames.get(0)));
        Await.result(fromA.send(frame(1)), QuicTestNode.WAIT);
        Await.result(fromB.send(frame(2)), QuicTestNode.WAIT);
        Await.until(QuicTestNode.WAIT, "a frame on each accepted connection",
                () -> acceptedByB.size() == 1 && acceptedByB.get(0).frames.size() == 1
                        && acceptedByA.size() == 1 && acceptedByA.get(0).frames.size() == 1);
        assertTrue(fromA.isOpen() && fromB.isOpen(), "both dialled connections stay open");
        assertFalse(aDialled.closed.isDone() || bDialled.closed.isDone());
    }

    static ByteBuffer frame(int i) {
        byte[] bytes = new byte[1 + (i * 37) % 3000];
        for (int k = 0; k < bytes.length; k++) {
            bytes[k] = (byte) (i + k);
        }
        return ByteBuffer.wrap(bytes);
    }

    static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }
}
