package io.topictracker.engine.gossip.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.api.ConfigTable;
import io.topictracker.api.MessageTooLargeException;
import io.topictracker.api.PeerAddress;
import io.topictracker.api.PeerId;
import io.topictracker.api.PeerInfo;
import io.topictracker.api.TopicId;
import io.topictracker.api.signing.SigningKeyPair;
import io.topictracker.api.transport.Connection;
import io.topictracker.api.transport.ConnectionListener;
import io.topictracker.api.transport.Transport;
import io.topictracker.api.transport.TransportContext;
import io.topictracker.engine.ScriptedTransport;
import io.topictracker.engine.gossip.GossipConfig;
import io.topictracker.engine.gossip.GossipEvent;
import io.topictracker.engine.gossip.proto.Admission;
import io.topictracker.engine.gossip.proto.Message;
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
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The IO driver end to end over the in-process transport, with real Ed25519 signatures and admission MACs. */
class GossipNodeEndToEndTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final TopicId TOPIC = TopicId.fromName("e2e");
    private static final byte[] SECRET = filled(32, 3);

    private final BouncyCastleEd25519Provider ed25519 = new BouncyCastleEd25519Provider();
    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
    private final InMemoryHub hub = new InMemoryHub("e2e");
    private final List<GossipNode> nodes = new ArrayList<>();
    private final List<Transport> extraTransports = new ArrayList<>();

    /** One node's view of the test: its node, topic handle and what it received. */
    private record Member(GossipNode node, GossipDriver topic, Map<String, PeerId> received, Set<PeerId> neighbors) {}

    private static byte[] filled(int n, int v) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) v);
        return b;
    }

    @AfterEach
    void tearDown() {
        nodes.forEach(GossipNode::close);
        extraTransports.forEach(Transport::close);
        scheduler.shutdownNow();
    }

    private TransportContext context(SigningKeyPair keys, io.topictracker.api.transport.InboundHandler inbound) {
        return new TransportContext(ConfigTable.empty("transport.inmemory"), keys, ed25519, Clock.systemUTC(),
                scheduler, inbound);
    }

    private Member member(int index, byte[] secret, List<PeerInfo> bootstrap) {
        SigningKeyPair keys = ed25519.fromSeed(filled(32, 100 + index));
        GossipNode node = new GossipNode(GossipConfig.defaults(), keys, ed25519, scheduler,
                inbound -> List.of(new InMemoryTransport(hub, "node-" + index, context(keys, inbound), 1 << 20,
                        4 << 20)));
        nodes.add(node);
        Await.result(node.start(), WAIT);
        Map<String, PeerId> received = new ConcurrentHashMap<>();
        Set<PeerId> neighbors = ConcurrentHashMap.newKeySet();
        GossipDriver topic = node.join(TOPIC, secret, bootstrap, event -> {
            if (event instanceof GossipEvent.Received r) {
                received.put(new String(r.payload(), StandardCharsets.UTF_8), r.author());
            } else if (event instanceof GossipEvent.NeighborUp up) {
                neighbors.add(up.peer());
            } else if (event instanceof GossipEvent.NeighborDown down) {
                neighbors.remove(down.peer());
            }
        });
        return new Member(node, topic, received, neighbors);
    }

    private List<Member> swarm(int size) {
        List<Member> members = new ArrayList<>();
        members.add(member(0, SECRET, List.of()));
        for (int i = 1; i < size; i++) {
            PeerInfo contact = members.get((i * 7) % i).node().self();
            Member m = member(i, SECRET, List.of(contact));
            members.add(m);
            Await.until(WAIT, "node " + i + " has a neighbour", () -> !m.neighbors().isEmpty());
        }
        return members;
    }

    @Test
    void twentyNodesEachBroadcastAndEveryoneReceivesEverything() {
        List<Member> members = swarm(20);
        // Deliberately no wait for the overlay to settle: every node joined through node 0, which evicts a random
        // neighbour on each join, so active views still change while these broadcasts flow and a node can be cut off
        // for a moment (even broadcast with an empty active view). PlumTree alone never re-announces a message, so
        // under CPU load one was lost for good; a new neighbour now announces its cached payloads (PlumTree.neighborUp)
        // and the node grafts them. Waiting for a "settled" overlay here would only hide that.
        for (int i = 0; i < members.size(); i++) {
            Await.result(members.get(i).topic().broadcast(("from " + i).getBytes(StandardCharsets.UTF_8)), WAIT);
        }
        for (int i = 0; i < members.size(); i++) {
            Member m = members.get(i);
            int self = i;
            Await.until(WAIT, "node " + i + " received the 19 other broadcasts", () -> m.received().size() == 19);
            for (int j = 0; j < members.size(); j++) {
                if (j != self) {
                    assertEquals(members.get(j).node().self().id(), m.received().get("from " + j),
                            "author of message " + j + " at node " + i);
                }
            }
        }
        // Connections are shared: no node holds more than its active view plus a few short-lived ones.
        for (Member m : members) {
            assertTrue(m.node().openConnections() <= 20, "bounded connections");
        }
    }

    @Test
    void twoTopicsShareOneConnectionBetweenTwoPeers() {
        List<Member> members = swarm(2);
        TopicId second = TopicId.fromName("e2e-second");
        Map<String, PeerId> gotA = new ConcurrentHashMap<>();
        Set<PeerId> upB = ConcurrentHashMap.newKeySet();
        GossipNode a = members.get(0).node();
        GossipNode b = members.get(1).node();
        GossipDriver topicA = a.join(second, SECRET, List.of(), event -> {
            if (event instanceof GossipEvent.Received r) {
                gotA.put(new String(r.payload(), StandardCharsets.UTF_8), r.author());
            }
        });
        GossipDriver topicB = b.join(second, SECRET, List.of(a.self()), event -> {
            if (event instanceof GossipEvent.NeighborUp up) {
                upB.add(up.peer());
            }
        });
        Await.until(WAIT, "second topic joined", () -> upB.contains(a.self().id()));
        Await.result(topicB.broadcast("second topic".getBytes(StandardCharsets.UTF_8)), WAIT);
        Await.until(WAIT, "second topic message arrives", () -> gotA.containsKey("second topic"));
        assertEquals(1, a.openConnections(), "both topics use the one connection");
        assertEquals(1, b.openConnections(), "both topics use the one connection");
        topicA.close();
        topicB.close();
    }

    @Test
    void aClosedTopicCanBeJoinedAgainAtOnce() {
        List<Member> members = swarm(2);
        GossipNode a = members.get(0).node();
        members.get(0).topic().close();
        // The old runner may still be saying goodbye; the topic id must be free as soon as close() returns.
        Set<PeerId> upAgain = ConcurrentHashMap.newKeySet();
        GossipDriver again = a.join(TOPIC, SECRET, List.of(members.get(1).node().self()), event -> {
            if (event instanceof GossipEvent.NeighborUp up) {
                upAgain.add(up.peer());
            }
        });
        Await.until(WAIT, "the re-joined topic has a neighbour", () -> !upAgain.isEmpty());
        again.close();
    }

    @Test
    void anOverSizeBroadcastFailsForTheCaller() {
        List<Member> members = swarm(2);
        Throwable failure = Await.failure(members.get(0).topic().broadcast(new byte[4097]), WAIT);
        assertInstanceOf(MessageTooLargeException.class, failure);
    }

    @Test
    void aNodeWithoutTheSecretCannotJoin() {
        List<Member> members = swarm(3);
        Member outsider = member(50, filled(32, 9), List.of(members.get(0).node().self()));
        Await.until(WAIT, "the contact refused the outsider's Join",
                () -> Await.result(members.get(0).topic().snapshot(), WAIT).refusedAdmissions() >= 1);
        assertTrue(outsider.neighbors().isEmpty());
        assertTrue(!Await.result(members.get(0).topic().neighbors(), WAIT).contains(outsider.node().self().id()));
    }

    @Test
    void aMalformedFrameClosesOnlyThatConnection() {
        List<Member> members = swarm(3);
        SigningKeyPair keys = ed25519.fromSeed(filled(32, 77));
        InMemoryTransport raw = new InMemoryTransport(hub, "raw", context(keys, c -> new ConnectionListener() {
            @Override
            public void onFrame(Connection connection, ByteBuffer frame) {}

            @Override
            public void onClosed(Connection connection, Throwable cause) {}
        }), 1 << 20, 4 << 20);
        extraTransports.add(raw);
        Await.result(raw.start(), WAIT);
        PeerInfo target = members.get(0).node().self();
        Connection connection = Await.result(raw.connect(target.id(), target.addresses().get(0),
                new ConnectionListener() {
                    @Override
                    public void onFrame(Connection c, ByteBuffer frame) {}

                    @Override
                    public void onClosed(Connection c, Throwable cause) {}
                }), WAIT);
        connection.send(ByteBuffer.wrap(new byte[] {9, 9, 9}));
        Await.result(connection.closeFuture(), WAIT);
        // the node keeps working
        Await.result(members.get(1).topic().broadcast("still alive".getBytes(StandardCharsets.UTF_8)), WAIT);
        Await.until(WAIT, "node 0 still receives", () -> members.get(0).received().containsKey("still alive"));
    }

    /** A peer at an address only the held-dial transport handles; no node answers for it. */
    private final PeerInfo slowContact = new PeerInfo(PeerId.of(ed25519.fromSeed(filled(32, 99)).publicKey()),
            List.of(PeerAddress.parse("tcp://198.51.100.7:9")));

    /**
     * Joins the topic on {@code node} with no bootstrap, keeping in {@code now} the neighbours its events report and
     * in {@code ever} every neighbour it had.
     */
    private static GossipDriver joinWatchingNeighbours(GossipNode node, Set<PeerId> now, Set<PeerId> ever) {
        return node.join(TOPIC, SECRET, List.of(), event -> {
            if (event instanceof GossipEvent.NeighborUp up) {
                now.add(up.peer());
                ever.add(up.peer());
            } else if (event instanceof GossipEvent.NeighborDown down) {
                now.remove(down.peer());
            }
        });
    }

    /** A node dialling in-process peers, and over {@code slowDials} the addresses of its scheme, held until answered. */
    private GossipNode nodeWithSlowDials(int index, ScriptedTransport slowDials) {
        SigningKeyPair keys = ed25519.fromSeed(filled(32, 100 + index));
        GossipNode node = new GossipNode(GossipConfig.defaults(), keys, ed25519, scheduler,
                inbound -> List.of(new InMemoryTransport(hub, "node-" + index, context(keys, inbound), 1 << 20,
                        4 << 20), slowDials));
        nodes.add(node);
        Await.result(node.start(), WAIT);
        return node;
    }

    /**
     * A node joins two contacts: one answers at once, the other's dial is held until the first has accepted.
     *
     * @return the frames the joiner sent to the slow contact once its dial was answered
     */
    private List<Byte> framesToASlowContactAfterAFastAccept(boolean untilJoined) {
        Member fastContact = member(0, SECRET, List.of());
        ScriptedTransport slowDials = ScriptedTransport.holding("tcp");
        GossipNode joiner = nodeWithSlowDials(1, slowDials);
        Set<PeerId> neighbours = ConcurrentHashMap.newKeySet();
        GossipDriver topic = joinWatchingNeighbours(joiner, neighbours, ConcurrentHashMap.newKeySet());
        PeerId fastId = fastContact.node().self().id();
        Await.result(topic.joinPeers(List.of(slowContact, fastContact.node().self()), untilJoined), WAIT);
        Await.until(WAIT, "the fast contact accepted", () -> neighbours.contains(fastId));
        Await.until(WAIT, "the slow contact's dial under way", () -> slowDials.heldCount() == 1);

        RecordingConnection slow = new RecordingConnection(slowContact.id(), slowContact.addresses().get(0),
                Optional.empty());
        slowDials.answer(0, slow::listenedBy);
        return slow.sent;
    }

    @Test
    void aBootstrapJoinBehindASlowDialIsDroppedOnceAnotherContactAccepted() {
        assertEquals(List.of(), framesToASlowContactAfterAFastAccept(true),
                "the joiner is a member already: the held Join would only start the slow contact's walks");
    }

    @Test
    void anyOtherJoinBehindASlowDialStillGoes() {
        assertEquals(1, framesToASlowContactAfterAFastAccept(false).size(),
                "a merge's or the application's Join goes whatever the topic has meanwhile");
    }

    @Test
    void anAcceptStillQueuedWhenItsConnectionClosesLeavesNoNeighbourWithoutAConnection() throws InterruptedException {
        ScriptedTransport slowDials = ScriptedTransport.holding("tcp");
        GossipNode joiner = nodeWithSlowDials(1, slowDials);
        Set<PeerId> neighbours = ConcurrentHashMap.newKeySet();
        Set<PeerId> everUp = ConcurrentHashMap.newKeySet();
        GossipDriver topic = joinWatchingNeighbours(joiner, neighbours, everUp);
        PeerId contactId = slowContact.id();
        Await.result(topic.joinPeers(List.of(slowContact), false), WAIT);
        Await.until(WAIT, "the contact's dial under way", () -> slowDials.heldCount() == 1);
        RecordingConnection connection = new RecordingConnection(contactId, slowContact.addresses().get(0),
                Optional.empty());
        slowDials.answer(0, connection::listenedBy);
        Await.until(WAIT, "the Join went", () -> connection.sent.size() == 1);
        ByteBuffer accept = new FrameCodec(GossipConfig.defaults().maxMessageSize()).encode(TOPIC,
                new Message.Neighbor(slowContact, Message.NeighborKind.ACCEPT,
                        new Admission(TOPIC, SECRET).sign(contactId, joiner.self().id())));

        // The contact's ACCEPT arrives and its connection closes while the topic's executor is busy (both scheduler
        // threads held), so the close is heard before the ACCEPT is handled.
        CountDownLatch busy = new CountDownLatch(2);
        CountDownLatch release = new CountDownLatch(1);
        for (int i = 0; i < 2; i++) {
            scheduler.execute(() -> {
                busy.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        busy.await();
        connection.listener.onFrame(connection, accept);
        connection.close();
        release.countDown();

        Await.until(WAIT, "the ACCEPT made the contact a neighbour", () -> everUp.contains(contactId));
        Await.until(WAIT, "and the closed connection dropped it again", () -> !neighbours.contains(contactId));
        assertTrue(topic.liveNeighbors().isEmpty(), "no neighbour without a connection: " + topic.liveNeighbors());
    }
}
