package io.topictracker.engine.gossip.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.api.ConfigTable;
import io.topictracker.api.PeerAddress;
import io.topictracker.api.PeerId;
import io.topictracker.api.PeerInfo;
import io.topictracker.api.TopicId;
import io.topictracker.api.signing.SigningKeyPair;
import io.topictracker.api.transport.Connection;
import io.topictracker.api.transport.ConnectionListener;
import io.topictracker.api.transport.InboundHandler;
import io.topictracker.api.transport.Transport;
import io.topictracker.api.transport.TransportContext;
import io.topictracker.api.transport.TransportException;
import io.topictracker.engine.gossip.GossipConfig;
import io.topictracker.engine.gossip.GossipEvent;
import io.topictracker.signing.bc.BouncyCastleEd25519Provider;
import io.topictracker.tck.Await;
import io.topictracker.transport.inmemory.InMemoryHub;
import io.topictracker.transport.inmemory.InMemoryTransport;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The direct connection upgrade end to end (issue 15, PROTOCOL.md §9) between two gossip nodes over in-process
 * stand-ins: a "relay" transport whose connections say they pass through a relay, and a "quic" transport (the
 * punching transport) that can be told to refuse every dial. A joins B at B's relay address only, so they meet
 * relayed; the Connect/Sync exchange over that connection then dials over "quic".
 */
class GossipNodeUpgradeTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final TopicId TOPIC = TopicId.fromName("upgrade");
    private static final byte[] SECRET = filled(32, 4);
    private static final PeerId RELAY = PeerId.of(filled(32, 0x55));

    private final BouncyCastleEd25519Provider ed25519 = new BouncyCastleEd25519Provider();
    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
    private final InMemoryHub directHub = new InMemoryHub("upgrade-direct");
    private final InMemoryHub relayHub = new InMemoryHub("upgrade-relay");
    private final List<GossipNode> nodes = new ArrayList<>();

    private static byte[] filled(int n, int v) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) v);
        return b;
    }

    @AfterEach
    void tearDown() {
        nodes.forEach(GossipNode::close);
        scheduler.shutdownNow();
    }

    /** A connection as another, marked relayed (or not). */
    private static final class Marked implements Connection {
        final Connection inner;
        final Optional<PeerId> via;

        Marked(Connection inner, Optional<PeerId> via) {
            this.inner = inner;
            this.via = via;
        }

        @Override
        public PeerId remote() {
            return inner.remote();
        }

        @Override
        public PeerAddress remoteAddress() {
            return inner.remoteAddress();
        }

        @Override
        public CompletableFuture<Void> send(ByteBuffer frame) {
            return inner.send(frame);
        }

        @Override
        public boolean isWritable() {
            return inner.isWritable();
        }

        @Override
        public CompletableFuture<Void> whenWritable() {
            return inner.whenWritable();
        }

        @Override
        public boolean isOpen() {
            return inner.isOpen();
        }

        @Override
        public void close() {
            inner.close();
        }

        @Override
        public CompletableFuture<Void> closeFuture() {
            return inner.closeFuture();
        }

        @Override
        public Optional<PeerId> relayedVia() {
            return via;
        }
    }

    /** An in-process transport under another scheme, its connections marked relayed or direct. */
    private final class Renamed implements Transport {
        final String scheme;
        final Optional<PeerId> via;
        final InMemoryTransport inner;
        volatile boolean refuse;
        final AtomicInteger dials = new AtomicInteger();
        /** Every connection made or accepted, to see which are still open. */
        final List<Connection> connections = new CopyOnWriteArrayList<>();

        Renamed(String scheme, Optional<PeerId> via, InMemoryHub hub, String name, SigningKeyPair keys,
                InboundHandler inbound) {
            this.scheme = scheme;
            this.via = via;
            this.inner = new InMemoryTransport(hub, name, new TransportContext(ConfigTable.empty("transport.x"), keys,
                    ed25519, Clock.systemUTC(), scheduler, raw -> {
                        Marked marked = new Marked(raw, via);
                        connections.add(marked);
                        return relay(marked, inbound.accepted(marked));
                    }), 1 << 20, 4 << 20);
        }

        private ConnectionListener relay(Marked marked, ConnectionListener listener) {
            return new ConnectionListener() {
                @Override
                public void onFrame(Connection c, ByteBuffer frame) {
                    listener.onFrame(marked, frame);
                }

                @Override
                public void onClosed(Connection c, Throwable cause) {
                    listener.onClosed(marked, cause);
                }
            };
        }

        @Override
        public String id() {
            return scheme;
        }

        @Override
        public CompletableFuture<Void> start() {
            return inner.start();
        }

        @Override
        public List<PeerAddress> localAddresses() {
            return inner.localAddresses().stream().map(a -> PeerAddress.parse(a.toString().replace("inmemory://",
                    scheme + "://"))).toList();
        }

        @Override
        public boolean handles(PeerAddress address) {
            return address.transport().equals(scheme);
        }

        @Override
        public CompletableFuture<Connection> connect(PeerId expected, PeerAddress address,
                ConnectionListener listener) {
            dials.incrementAndGet();
            if (refuse) {
                return CompletableFuture.failedFuture(new TransportException(
                        TransportException.Reason.CONNECT_FAILED, "no hole punched (test)"));
            }
            PeerAddress raw = PeerAddress.parse(address.toString().replace(scheme + "://", "inmemory://"));
            CompletableFuture<Marked> marked = new CompletableFuture<>();
            return inner.connect(expected, raw, new ConnectionListener() {
                @Override
                public void onFrame(Connection c, ByteBuffer frame) {
                    listener.onFrame(marked.join(), frame);
                }

                @Override
                public void onClosed(Connection c, Throwable cause) {
                    listener.onClosed(marked.getNow(new Marked(c, via)), cause);
                }
            }).thenApply(c -> {
                Marked m = new Marked(c, via);
                connections.add(m);
                marked.complete(m);
                return m;
            });
        }

        @Override
        public void close() {
            inner.close();
        }
    }

    private record Member(GossipNode node, Renamed quic, Renamed relay, GossipDriver topic,
            List<GossipEvent> events) {
        boolean saw(GossipEvent event) {
            return events.contains(event);
        }
    }

    private Member member(int seed, List<PeerInfo> bootstrap) {
        SigningKeyPair keys = ed25519.fromSeed(filled(32, seed));
        Renamed[] made = new Renamed[2];
        GossipNode node = new GossipNode(GossipConfig.defaults(), keys, ed25519, scheduler, inbound -> {
            made[0] = new Renamed("quic", Optional.empty(), directHub, "q" + seed, keys, inbound);
            made[1] = new Renamed("relay", Optional.of(RELAY), relayHub, "r" + seed, keys, inbound);
            return List.of(made[0], made[1]);
        });
        nodes.add(node);
        Await.result(node.start(), WAIT);
        List<GossipEvent> events = new CopyOnWriteArrayList<>();
        GossipDriver topic = node.join(TOPIC, SECRET, bootstrap, events::add);
        return new Member(node, made[0], made[1], topic, events);
    }

    /** @return {@code member}'s record with its relay addresses only: whoever joins it meets it relayed */
    private static PeerInfo relayedOnly(Member member) {
        PeerInfo self = member.node().self();
        return new PeerInfo(self.id(), self.addresses().stream().filter(a -> a.transport().equals("relay")).toList());
    }

    @Test
    void aRelayedNeighbourBecomesDirectWithoutGoingDown() {
        Member b = member(2, List.of());
        Member a = member(1, List.of(relayedOnly(b)));
        PeerId aId = a.node().self().id();
        PeerId bId = b.node().self().id();
        Await.until(WAIT, "the upgrade at A", () -> a.saw(new GossipEvent.NeighborDirect(bId)));
        Await.until(WAIT, "the upgrade at B", () -> b.saw(new GossipEvent.NeighborDirect(aId)));
        assertTrue(a.events().indexOf(new GossipEvent.NeighborUp(bId))
                < a.events().indexOf(new GossipEvent.NeighborDirect(bId)), "up (relayed) first, then direct");
        assertEquals(Optional.empty(), a.node().relayedVia(bId));
        assertEquals(Optional.empty(), b.node().relayedVia(aId));
        Await.until(WAIT, "the relayed connections closed", () -> a.relay().connections.stream()
                .noneMatch(Connection::isOpen) && b.relay().connections.stream().noneMatch(Connection::isOpen));
        assertFalse(a.relay().connections.isEmpty(), "they met relayed");
        assertTrue(a.node().isConnected(bId));
        assertFalse(a.saw(new GossipEvent.NeighborDown(bId)));
        assertFalse(b.saw(new GossipEvent.NeighborDown(aId)));
        assertEquals(1, a.events().stream().filter(e -> e instanceof GossipEvent.NeighborDirect).count());

        a.topic().broadcast("over the direct path".getBytes(StandardCharsets.UTF_8));
        Await.until(WAIT, "A's broadcast at B", () -> b.events().stream().anyMatch(e ->
                e instanceof GossipEvent.Received r && new String(r.payload(), StandardCharsets.UTF_8)
                        .equals("over the direct path")));
    }

    @Test
    void withNoHolePunchedTheNeighbourStaysRelayedAfterTheRoundOfThreeAttempts() {
        Member b = member(2, List.of());
        Member a = member(1, List.of(relayedOnly(b)));
        a.quic().refuse = true;
        b.quic().refuse = true;
        PeerId bId = b.node().self().id();
        Await.until(WAIT, "A meets B relayed", () -> a.saw(new GossipEvent.NeighborUp(bId)));
        // the initiator dials once per attempt, the responder once per Sync: six dials in a round
        Await.until(WAIT, "three attempts dialled on each side", () -> a.quic().dials.get() >= 3
                && b.quic().dials.get() >= 3);
        assertEquals(Optional.of(RELAY), a.node().relayedVia(bId));
        assertFalse(a.events().stream().anyMatch(e -> e instanceof GossipEvent.NeighborDirect));
        assertFalse(a.saw(new GossipEvent.NeighborDown(bId)), "failed upgrade dials do not lose the peer");
    }
}
