package io.topictracker.engine.gossip.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.api.ConfigTable;
import io.topictracker.api.PeerAddress;
import io.topictracker.api.PeerId;
import io.topictracker.api.PeerInfo;
import io.topictracker.api.TopicId;
import io.topictracker.api.signing.SigningKeyPair;
import io.topictracker.api.transport.Connection;
import io.topictracker.api.transport.ConnectionListener;
import io.topictracker.api.transport.Transport;
import io.topictracker.api.transport.TransportContext;
import io.topictracker.engine.gossip.GossipConfig;
import io.topictracker.engine.gossip.GossipEvent;
import io.topictracker.signing.bc.BouncyCastleEd25519Provider;
import io.topictracker.tck.Await;
import io.topictracker.transport.inmemory.InMemoryHub;
import io.topictracker.transport.inmemory.InMemoryTransport;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 15, "a public node reaches a NATed one": over the in-process transport with a fake NAT (dials to the NATed
 * node's addresses never answer, as a NAT that drops unsolicited packets; its own dials go out), the public node that
 * wants the NATed one gets it by a connection request through their common neighbour, and the connection is the
 * NATed node's dial.
 */
class ReverseConnectTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final TopicId TOPIC = TopicId.fromName("reverse");
    private static final byte[] SECRET = filled(32, 5);

    private final BouncyCastleEd25519Provider ed25519 = new BouncyCastleEd25519Provider();
    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
    private final InMemoryHub hub = new InMemoryHub("reverse");
    /** The addresses behind the fake NAT: dials to them never complete. */
    private final Set<PeerAddress> natted = ConcurrentHashMap.newKeySet();
    /** Whether a dial to them fails at once (as to a private address with no route) rather than never answering. */
    private volatile boolean failFast;
    private final List<GossipNode> nodes = new ArrayList<>();

    private record Member(GossipNode node, GossipDriver topic, Set<PeerId> neighbors, NatFilter transport) {}

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

    private Member member(int index, List<PeerInfo> bootstrap, boolean behindNat) {
        SigningKeyPair keys = ed25519.fromSeed(filled(32, 40 + index));
        NatFilter[] transport = new NatFilter[1];
        GossipNode node = new GossipNode(GossipConfig.defaults(), keys, ed25519, scheduler, inbound -> {
            transport[0] = new NatFilter(new InMemoryTransport(hub, "node-" + index, new TransportContext(
                    ConfigTable.empty("transport.inmemory"), keys, ed25519, Clock.systemUTC(), scheduler, inbound),
                    1 << 20, 4 << 20), natted, () -> failFast);
            return List.of(transport[0]);
        });
        nodes.add(node);
        Await.result(node.start(), WAIT);
        if (behindNat) {
            natted.addAll(node.self().addresses());
        }
        Set<PeerId> neighbors = ConcurrentHashMap.newKeySet();
        GossipDriver topic = node.join(TOPIC, SECRET, bootstrap, event -> {
            if (event instanceof GossipEvent.NeighborUp up) {
                neighbors.add(up.peer());
            } else if (event instanceof GossipEvent.NeighborDown down) {
                neighbors.remove(down.peer());
            }
        });
        return new Member(node, topic, neighbors, transport[0]);
    }

    @Test
    void aPublicNodeThatWantsANattedOneIsDialledBackThroughTheirCommonNeighbour() {
        publicNodeReachesNattedOne();
    }

    @Test
    void aDialThatFailsAtOnceWaitsForTheDialBackWithItsFrames() {
        failFast = true;
        publicNodeReachesNattedOne();
    }

    private void publicNodeReachesNattedOne() {
        Member contact = member(0, List.of(), false);
        Member wanting = member(1, List.of(contact.node().self()), false);
        PeerId contactId = contact.node().self().id();
        Await.until(WAIT, "the public node joined through the contact", () -> wanting.neighbors().contains(contactId));
        // The NATed node joins through the contact, which sends a ForwardJoin to its other neighbour, the public
        // node: with one neighbour only, it takes the joiner and dials it with its ACCEPT. The fake NAT swallows that
        // dial; only a dial from the NATed side can connect the two.
        Member natted = member(2, List.of(contact.node().self()), true);
        PeerId nattedId = natted.node().self().id();
        PeerId wantingId = wanting.node().self().id();

        Await.until(WAIT, "the NATed node has the public one as a neighbour",
                () -> natted.neighbors().contains(wantingId));
        Await.until(WAIT, "the public node has the NATed one", () -> wanting.neighbors().contains(nattedId));
        assertTrue(wanting.node().isConnected(nattedId));
        assertTrue(wanting.transport().swallowed().stream().anyMatch(natted.node().self().addresses()::contains),
                "the public node's own dial went unanswered: " + wanting.transport().swallowed());
        assertTrue(wanting.node().reverseConnectCounts().requestsSent() >= 1, "it asked its neighbours");
        assertEquals(1, contact.node().reverseConnectCounts().forwarded(), "the common neighbour forwarded once");
        assertEquals(1, natted.node().reverseConnectCounts().dialledBack(), "the NATed node dialled back");
    }

    @Test
    void aNeighbourDoesNotForwardForAPeerOutsideItsTopic() {
        Member contact = member(0, List.of(), false);
        Member natted = member(2, List.of(contact.node().self()), true);
        PeerId contactId = contact.node().self().id();
        Await.until(WAIT, "the NATed node joined", () -> natted.neighbors().contains(contactId));
        // A node of another topic that happens to hold a connection to the contact asks it to reach the NATed node.
        Member stranger = member(1, List.of(), false);
        stranger.topic().close();
        TopicId other = TopicId.fromName("reverse-other");
        stranger.node().join(other, SECRET, List.of(), event -> { });
        GossipDriver contactOther = contact.node().join(other, SECRET, List.of(stranger.node().self()), e -> { });
        Await.until(WAIT, "the stranger and the contact share the other topic",
                () -> contactOther.liveNeighbors().contains(stranger.node().self().id()));
        CompletableFuture<Void> sent = new CompletableFuture<>();
        Connection toContact = stranger.node().links().openConnection(contactId);
        assertTrue(toContact != null, "connected through the other topic");
        toContact.send(ConnectFrames.encodeRequest(TOPIC, natted.node().self().id(), stranger.node().self()))
                .whenComplete((ok, e) -> sent.complete(null));
        Await.result(sent, WAIT);
        // the contact handles frames in arrival order on one connection: a later frame's effect proves the first was
        // read; here, the request for our topic must have been refused (the stranger is not its neighbour in it)
        toContact.send(ConnectFrames.encodeRequest(other, natted.node().self().id(), stranger.node().self()));
        Await.until(WAIT, "both requests read", () -> contact.node().reverseConnectCounts().refused() >= 2);
        assertEquals(0, contact.node().reverseConnectCounts().forwarded());
        assertEquals(0, natted.node().reverseConnectCounts().dialledBack());
    }

    /** A transport whose dials to the NATed addresses never complete, as behind a NAT that drops unsolicited packets. */
    private static final class NatFilter implements Transport {
        private final Transport inner;
        private final Set<PeerAddress> natted;
        private final List<PeerAddress> swallowed = new CopyOnWriteArrayList<>();

        private final java.util.function.BooleanSupplier failFast;

        NatFilter(Transport inner, Set<PeerAddress> natted, java.util.function.BooleanSupplier failFast) {
            this.inner = inner;
            this.natted = natted;
            this.failFast = failFast;
        }

        List<PeerAddress> swallowed() {
            return swallowed;
        }

        @Override
        public String id() {
            return inner.id();
        }

        @Override
        public CompletableFuture<Void> start() {
            return inner.start();
        }

        @Override
        public List<PeerAddress> localAddresses() {
            return inner.localAddresses();
        }

        @Override
        public boolean handles(PeerAddress address) {
            return inner.handles(address);
        }

        @Override
        public CompletableFuture<Connection> connect(PeerId expected, PeerAddress address,
                ConnectionListener listener) {
            if (natted.contains(address)) {
                swallowed.add(address);
                return failFast.getAsBoolean()
                        ? CompletableFuture.failedFuture(new java.net.NoRouteToHostException("no route to " + address))
                        : new CompletableFuture<>();
            }
            return inner.connect(expected, address, listener);
        }

        @Override
        public void close() {
            inner.close();
        }
    }
}
