package io.topictracker.transport.relay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.api.ConfigTable;
import io.topictracker.api.PeerAddress;
import io.topictracker.api.PeerId;
import io.topictracker.api.PeerInfo;
import io.topictracker.api.signing.SigningKeyPair;
import io.topictracker.api.signing.SigningProvider;
import io.topictracker.api.transport.Connection;
import io.topictracker.api.transport.ConnectionListener;
import io.topictracker.api.transport.NodeView;
import io.topictracker.api.transport.TransportContext;
import io.topictracker.api.transport.TransportException;
import io.topictracker.tck.Await;
import io.topictracker.tck.TestSigning;
import io.topictracker.transport.relay.internal.RelaySettings;
import io.topictracker.transport.relay.internal.RelayTransport;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Circuits through a relay on 127.0.0.1: a relay R serving, peers reserving there and dialling each other through it.
 * Membership is a test stand-in for the engine's topic proofs (SHA-256 of a topic secret and both ids), so a peer
 * with another secret is not a member.
 */
class RelayCircuitTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final SigningProvider SIGNING = TestSigning.provider();

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final List<Node> nodes = new ArrayList<>();

    /** One transport with its inbound connections and the frames they bring. */
    private final class Node implements ConnectionListener {
        final SigningKeyPair keys;
        final RelayTransport transport;
        final BlockingQueue<Connection> accepted = new LinkedBlockingQueue<>();
        final BlockingQueue<byte[]> frames = new LinkedBlockingQueue<>();
        final CompletableFuture<Throwable> closed = new CompletableFuture<>();
        final SecretView view;

        Node(SigningKeyPair keys, String secret, Map<String, Object> settings) {
            this.keys = keys;
            Map<String, Object> table = new HashMap<>(Map.of("bind_address", "127.0.0.1", "port", 0L,
                    "check_interval", "100ms"));
            table.putAll(settings);
            TransportContext context = new TransportContext(ConfigTable.of("transport.relay", table), keys, SIGNING,
                    Clock.systemUTC(), scheduler, connection -> {
                        accepted.add(connection);
                        return this;
                    });
            transport = new RelayTransport(context, RelaySettings.from(context.settings()));
            view = new SecretView(keys.peerId(), secret);
            transport.attach(view);
            nodes.add(this);
            Await.result(transport.start(), WAIT);
        }

        PeerId id() {
            return keys.peerId();
        }

        PeerAddress relayAddress() {
            return transport.localAddresses().get(0);
        }

        @Override
        public void onFrame(Connection connection, ByteBuffer frame) {
            byte[] bytes = new byte[frame.remaining()];
            frame.get(bytes);
            frames.add(bytes);
        }

        @Override
        public void onClosed(Connection connection, Throwable cause) {
            closed.complete(cause);
        }
    }

    /** Topic membership as a shared secret; the relay's reachability as given. */
    private static final class SecretView implements NodeView {
        private final PeerId self;
        private final String secret;
        volatile boolean reachable;

        SecretView(PeerId self, String secret) {
            this.self = self;
            this.secret = secret;
        }

        static byte[] proof(String secret, PeerId claimant, PeerId verifier) {
            try {
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                sha.update(secret.getBytes(StandardCharsets.UTF_8));
                sha.update(claimant.toBytes());
                sha.update(verifier.toBytes());
                return sha.digest();
            } catch (NoSuchAlgorithmException e) {
                throw new AssertionError(e);
            }
        }

        @Override
        public boolean reachable() {
            return reachable;
        }

        @Override
        public List<PeerInfo> knownPeers() {
            return List.of();
        }

        @Override
        public List<byte[]> membershipProofs(PeerId verifier) {
            return List.of(proof(secret, self, verifier));
        }

        @Override
        public boolean isMember(PeerId claimant, List<byte[]> proofs) {
            byte[] wanted = proof(secret, claimant, self);
            return proofs.stream().anyMatch(p -> MessageDigest.isEqual(p, wanted));
        }

        @Override
        public List<PeerAddress> confirmedAddresses() {
            return List.of();
        }
    }

    private static final ConnectionListener IGNORE = new ConnectionListener() {
        @Override
        public void onFrame(Connection connection, ByteBuffer frame) {
        }

        @Override
        public void onClosed(Connection connection, Throwable cause) {
        }
    };

    @AfterEach
    void closeAll() {
        nodes.forEach(node -> node.transport.close());
        scheduler.shutdownNow();
    }

    private Node relay(Map<String, Object> limits) {
        Map<String, Object> settings = new HashMap<>(Map.of("serve", "always", "reserve", "off"));
        settings.putAll(limits);
        return new Node(SIGNING.generate(), "topic", settings);
    }

    private Node reserving(Node relay, SigningKeyPair keys, String secret) {
        return new Node(keys, secret, Map.of("reserve", "always", "relays", List.of(relay.relayAddress().toString())));
    }

    private static void awaitReserved(Node node, Node relay) {
        Await.until(WAIT, node.id().shortText() + " reserved at the relay",
                () -> node.transport.reservedAt().contains(relay.relayAddress()));
    }

    @Test
    void peersMeetThroughTheRelayAndTheConnectionSaysSo() throws Exception {
        Node relay = relay(Map.of());
        Node target = reserving(relay, SIGNING.generate(), "topic");
        Node dialler = new Node(SIGNING.generate(), "topic", Map.of("reserve", "off"));
        awaitReserved(target, relay);
        assertTrue(target.transport.localAddresses().contains(relay.relayAddress()),
                "a reserved peer advertises the relay's address: " + target.transport.localAddresses());

        Connection connection = Await.result(dialler.transport.connect(target.id(), relay.relayAddress(), dialler),
                WAIT);
        assertEquals(target.id(), connection.remote());
        assertEquals(Optional.of(relay.id()), connection.relayedVia());
        Connection inbound = target.accepted.poll(30, TimeUnit.SECONDS);
        assertEquals(dialler.id(), inbound.remote(), "the target learns the dialler's id end to end");
        assertEquals(Optional.of(relay.id()), inbound.relayedVia());

        Await.result(connection.send(ByteBuffer.wrap("hello".getBytes(StandardCharsets.UTF_8))), WAIT);
        assertArrayEquals("hello".getBytes(StandardCharsets.UTF_8), target.frames.poll(30, TimeUnit.SECONDS));
        Await.result(inbound.send(ByteBuffer.wrap("back".getBytes(StandardCharsets.UTF_8))), WAIT);
        assertArrayEquals("back".getBytes(StandardCharsets.UTF_8), dialler.frames.poll(30, TimeUnit.SECONDS));
        assertEquals(1, relay.transport.servedCounts()[1], "one circuit open at the relay");
    }

    @Test
    void anAutoRelayOffersItselfOnlyOnceReachable() {
        // serve = auto on 127.0.0.1: loopback is not a global address, so only the engine's word makes it reachable
        Node relay = new Node(SIGNING.generate(), "topic", Map.of("serve", "auto", "reserve", "off"));
        assertTrue(relay.transport.localAddresses().isEmpty(), "not advertised while unconfirmed: "
                + relay.transport.localAddresses());
        PeerAddress listener = PeerAddress.of("relay", "127.0.0.1", relayPort(relay));
        Node early = new Node(SIGNING.generate(), "topic", Map.of("reserve", "always", "relays",
                List.of(listener.toString())));
        Await.until(WAIT, "the early reservation refused", () -> relay.transport.servedCounts()[2] >= 1);
        assertEquals(0, relay.transport.servedCounts()[0], "no reservation while unconfirmed");
        assertTrue(early.transport.reservedAt().isEmpty());
        relay.view.reachable = true;
        Await.until(WAIT, "the relay advertised once reachable", () -> relay.transport.localAddresses()
                .contains(listener));
        Node late = new Node(SIGNING.generate(), "topic", Map.of("reserve", "always", "relays",
                List.of(listener.toString())));
        Await.until(WAIT, "a reservation once reachable", () -> late.transport.reservedAt().contains(listener));
    }

    /** @return the port of a serving transport's listener, known before it is advertised (for tests) */
    private static int relayPort(Node relay) {
        return relay.transport.listeningPort();
    }

    @Test
    void aDirectDialOfTheRelayItselfIsNotRelayed() {
        Node relay = relay(Map.of());
        Node dialler = new Node(SIGNING.generate(), "other", Map.of("reserve", "off"));
        Connection connection = Await.result(dialler.transport.connect(relay.id(), relay.relayAddress(), IGNORE),
                WAIT);
        assertEquals(Optional.empty(), connection.relayedVia());
        assertEquals(relay.id(), connection.remote());
    }

    @Test
    void nonMembersGetNeitherReservationNorCircuit() {
        Node relay = relay(Map.of());
        Node member = reserving(relay, SIGNING.generate(), "topic");
        awaitReserved(member, relay);
        Node outsider = reserving(relay, SIGNING.generate(), "another secret");
        Throwable refused = Await.failure(outsider.transport.connect(member.id(), relay.relayAddress(), IGNORE),
                WAIT);
        assertInstanceOf(TransportException.class, refused);
        assertEquals(TransportException.Reason.CONNECT_FAILED, ((TransportException) refused).reason());
        assertTrue(refused.getMessage().contains("membership"), refused.getMessage());
        assertTrue(outsider.transport.reservedAt().isEmpty(), "no reservation for a non-member");
    }

    @Test
    void aPeerWithoutReservationIsAnIdentityMismatchAtThatAddress() {
        Node relay = relay(Map.of());
        Node dialler = new Node(SIGNING.generate(), "topic", Map.of("reserve", "off"));
        PeerId nobody = SIGNING.generate().peerId();
        Throwable failed = Await.failure(dialler.transport.connect(nobody, relay.relayAddress(), IGNORE), WAIT);
        assertEquals(TransportException.Reason.IDENTITY_MISMATCH, ((TransportException) failed).reason());
        assertTrue(failed.getMessage().contains(nobody.toString()) && failed.getMessage().contains(
                relay.id().toString()), failed.getMessage());
    }

    @Test
    void abuseIsRefusedAndOtherMembersKeepTheirCircuits() throws Exception {
        Node relay = relay(Map.of("max_reservations_per_ip", 2L, "circuit_bytes", 64L * 1024));
        Node target = reserving(relay, SIGNING.generate(), "topic");
        awaitReserved(target, relay);
        Node honest = new Node(SIGNING.generate(), "topic", Map.of("reserve", "off"));
        Connection kept = Await.result(honest.transport.connect(target.id(), relay.relayAddress(), honest), WAIT);
        Connection keptInbound = target.accepted.poll(30, TimeUnit.SECONDS);

        // a second reservation under the same identity is refused while the first is held
        Node twin = reserving(relay, target.keys, "topic");
        Node second = reserving(relay, SIGNING.generate(), "topic");
        awaitReserved(second, relay);
        // a third identity from the same IP is over max_reservations_per_ip
        Node third = reserving(relay, SIGNING.generate(), "topic");
        Await.until(WAIT, "the relay's reservations settle", () -> relay.transport.servedCounts()[0] == 2);
        assertTrue(twin.transport.reservedAt().isEmpty(), "one reservation per peer");
        assertTrue(third.transport.reservedAt().isEmpty(), "max_reservations_per_ip");

        // a member sending more than circuit_bytes loses its circuit
        Node flooder = new Node(SIGNING.generate(), "topic", Map.of("reserve", "off"));
        Connection flood = Await.result(flooder.transport.connect(target.id(), relay.relayAddress(), flooder),
                WAIT);
        byte[] chunk = new byte[16 * 1024];
        for (int i = 0; i < 8 && flood.isOpen(); i++) {
            flood.send(ByteBuffer.wrap(chunk));
        }
        Await.result(flood.closeFuture(), WAIT);

        // the honest circuit still carries frames both ways
        Await.result(kept.send(ByteBuffer.wrap(new byte[] {42})), WAIT);
        Await.until(WAIT, "the honest frame arrives", () -> target.frames.stream().anyMatch(
                f -> f.length == 1 && f[0] == 42));
        Await.result(keptInbound.send(ByteBuffer.wrap(new byte[] {7})), WAIT);
        assertArrayEquals(new byte[] {7}, honest.frames.poll(30, TimeUnit.SECONDS));
        assertTrue(kept.isOpen());
    }

    @Test
    void withTheRelayGoneTheDialSaysWhy() {
        Node relay = relay(Map.of());
        Node target = reserving(relay, SIGNING.generate(), "topic");
        awaitReserved(target, relay);
        PeerAddress address = relay.relayAddress();
        relay.transport.close();
        Await.until(WAIT, "the reservation ends", () -> target.transport.reservedAt().isEmpty());
        Node dialler = new Node(SIGNING.generate(), "topic", Map.of("reserve", "off"));
        Throwable failed = Await.failure(dialler.transport.connect(target.id(), address, IGNORE), WAIT);
        assertEquals(TransportException.Reason.CONNECT_FAILED, ((TransportException) failed).reason());
        assertTrue(failed.getMessage().contains("could not reach relay " + address), failed.getMessage());
    }
}
