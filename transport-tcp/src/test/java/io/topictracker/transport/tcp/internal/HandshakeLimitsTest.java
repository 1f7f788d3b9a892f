package io.topictracker.transport.tcp.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.api.ConfigTable;
import io.topictracker.api.PeerAddress;
import io.topictracker.api.PeerId;
import io.topictracker.api.signing.SigningKeyPair;
import io.topictracker.api.signing.SigningProvider;
import io.topictracker.api.transport.Connection;
import io.topictracker.api.transport.ConnectionListener;
import io.topictracker.api.transport.TransportContext;
import io.topictracker.signing.bc.BouncyCastleEd25519Provider;
import io.topictracker.tck.Await;
import io.topictracker.tck.CountingMetrics;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Handshakes in flight (issue 16): an attacker's raw TCP connections that never start TLS fill their address's share
 * or the total, further ones are reset at once and counted, and a real peer still connects. The attacker binds
 * 127.0.0.2 and up (all of 127/8 is loopback on Linux), so the per-IP bound separates it from the real peer on
 * 127.0.0.1 as it would separate two hosts.
 */
class HandshakeLimitsTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final SigningProvider SIGNING = new BouncyCastleEd25519Provider();
    private static final String REFUSED = "topictracker.transport.handshakes.refused";

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final List<TcpTransport> transports = new ArrayList<>();
    private final List<Socket> attackers = new ArrayList<>();
    private final CountingMetrics metrics = new CountingMetrics();
    private final Map<TcpTransport, PeerId> ids = new HashMap<>();

    @AfterEach
    void close() throws IOException {
        for (Socket socket : attackers) {
            socket.close();
        }
        transports.forEach(TcpTransport::close);
        scheduler.shutdownNow();
    }

    @Test
    void oneAddressGetsItsShareOfHandshakesAndARealPeerStillConnects() throws Exception {
        TcpTransport server = start(Map.of("max_handshakes_in_flight", 8L, "max_handshakes_in_flight_per_ip", 3L,
                "handshake_timeout", "1m"), metrics);
        for (int i = 0; i < 3; i++) {
            attack("127.0.0.2", server);
        }
        Await.until(WAIT, "the server counts the 3 connections in its handshake",
                () -> server.handshakes().inFlight() == 3);

        assertRefused("127.0.0.2", server);

        assertEquals(1, metrics.count(REFUSED, "transport", "tcp", "limit", "per_ip"));
        assertEquals(0, metrics.count(REFUSED, "transport", "tcp", "limit", "total"));
        TcpTransport peer = start(Map.of(), io.topictracker.api.metrics.Metrics.none());
        Await.result(peer.connect(ids.get(server), address(server), new Ignore()), WAIT);
        assertEquals(3, server.handshakes().inFlight(), "the attacker still holds its share; the peer's ended");
    }

    @Test
    void theTotalBoundHoldsAcrossAddressesUntilTheHandshakeTimeoutFreesIt() throws Exception {
        TcpTransport server = start(Map.of("max_handshakes_in_flight", 4L, "max_handshakes_in_flight_per_ip", 2L,
                "handshake_timeout", "5s"), metrics);
        List<Socket> held = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            held.add(attack("127.0.0." + (2 + i / 2), server));
        }
        Await.until(WAIT, "the server counts 4 connections in their handshake",
                () -> server.handshakes().inFlight() == 4);

        assertRefused("127.0.0.4", server);
        assertEquals(1, metrics.count(REFUSED, "transport", "tcp", "limit", "total"));

        // Unauthenticated connections last at most the handshake timeout; then the places are free again.
        for (Socket socket : held) {
            assertClosedByTheServer(socket);
        }
        Await.until(WAIT, "every place is free once the attackers are cut", () -> server.handshakes().inFlight() == 0);
        TcpTransport peer = start(Map.of(), io.topictracker.api.metrics.Metrics.none());
        Await.result(peer.connect(ids.get(server), address(server), new Ignore()), WAIT);
    }

    /** A raw TCP connection from {@code sourceIp} that never sends a byte. */
    private Socket attack(String sourceIp, TcpTransport server) throws IOException {
        Socket socket = new Socket();
        attackers.add(socket);
        socket.bind(new InetSocketAddress(sourceIp, 0));
        PeerAddress target = address(server);
        socket.connect(new InetSocketAddress(target.host(), target.port()), (int) WAIT.toMillis());
        return socket;
    }

    /**
     * Opens a connection from {@code sourceIp} and checks the server resets it at once. The reset may already reach
     * {@code connect} (the server accepts and resets within the client's connect call), or the first read.
     */
    private void assertRefused(String sourceIp, TcpTransport server) throws IOException {
        Socket socket;
        try {
            socket = attack(sourceIp, server);
        } catch (SocketException reset) {
            assertTrue(String.valueOf(reset.getMessage()).contains("reset"), reset.toString());
            return;
        }
        assertClosedByTheServer(socket);
    }

    /** Reads until the server closes or resets the connection, bounded by {@link #WAIT}. */
    private static void assertClosedByTheServer(Socket socket) throws IOException {
        socket.setSoTimeout((int) WAIT.toMillis());
        try {
            int read = socket.getInputStream().read();
            assertEquals(-1, read, "the server sends nothing to a connection it refuses or times out");
        } catch (SocketException reset) {
            assertTrue(String.valueOf(reset.getMessage()).contains("reset"), reset.toString());
        }
    }

    private static PeerAddress address(TcpTransport transport) {
        return transport.localAddresses().get(0);
    }

    private TcpTransport start(Map<String, Object> extra, io.topictracker.api.metrics.Metrics meters) {
        SigningKeyPair keys = SIGNING.generate();
        Map<String, Object> values = new HashMap<>(Map.of("io_threads", 1L, "bind_address", "127.0.0.1"));
        values.putAll(extra);
        ConfigTable table = ConfigTable.of("transport.tcp", values);
        TransportContext context = new TransportContext(table, keys, SIGNING, Clock.systemUTC(), scheduler,
                connection -> new Ignore(), meters);
        TcpTransport transport = new TcpTransport(context, TcpSettings.from(table));
        transports.add(transport);
        ids.put(transport, keys.peerId());
        Await.result(transport.start(), WAIT);
        return transport;
    }

    private static final class Ignore implements ConnectionListener {
        @Override
        public void onFrame(Connection connection, ByteBuffer frame) {}

        @Override
        public void onClosed(Connection connection, Throwable cause) {}
    }
}
