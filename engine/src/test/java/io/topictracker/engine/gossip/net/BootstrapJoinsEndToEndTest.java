package io.topictracker.engine.gossip.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.api.ConfigTable;
import io.topictracker.api.PeerAddress;
import io.topictracker.api.PeerId;
import io.topictracker.api.PeerInfo;
import io.topictracker.api.TopicId;
import io.topictracker.api.signing.SigningKeyPair;
import io.topictracker.api.transport.InboundHandler;
import io.topictracker.api.transport.TransportContext;
import io.topictracker.engine.ScriptedTransport;
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
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A node joins two contacts: one answers at once, the other's dial is held until the first has accepted. Whether the
 * held Join still goes depends on who asked for it ({@link BootstrapJoins}).
 */
class BootstrapJoinsEndToEndTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final TopicId TOPIC = TopicId.fromName("bootstrap-joins");
    private static final byte[] SECRET = filled(32, 5);
    private static final PeerAddress SLOW_ADDRESS = PeerAddress.parse("tcp://198.51.100.7:9");

    private final BouncyCastleEd25519Provider ed25519 = new BouncyCastleEd25519Provider();
    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
    private final InMemoryHub hub = new InMemoryHub("bootstrap-joins");
    private final ScriptedTransport slowDials = ScriptedTransport.holding("tcp");
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

    private GossipNode node(int index, boolean withSlowDials) {
        SigningKeyPair keys = ed25519.fromSeed(filled(32, 60 + index));
        GossipNode node = new GossipNode(GossipConfig.defaults(), keys, ed25519, scheduler, inbound -> {
            InMemoryTransport inMemory = new InMemoryTransport(hub, "node-" + index, context(keys, inbound), 1 << 20,
                    4 << 20);
            return withSlowDials ? List.of(inMemory, slowDials) : List.of(inMemory);
        });
        nodes.add(node);
        Await.result(node.start(), WAIT);
        return node;
    }

    private TransportContext context(SigningKeyPair keys, InboundHandler inbound) {
        return new TransportContext(ConfigTable.empty("transport.inmemory"), keys, ed25519, Clock.systemUTC(),
                scheduler, inbound);
    }

    /** @return the frames the joiner sent to the slow contact once its dial was answered after the fast one's ACCEPT */
    private List<Byte> framesToTheSlowContactAfterAFastAccept(boolean untilJoined) {
        GossipNode fastContact = node(1, false);
        fastContact.join(TOPIC, SECRET, List.of(), event -> { });
        GossipNode joiner = node(2, true);
        Set<PeerId> neighbours = ConcurrentHashMap.newKeySet();
        GossipDriver topic = joiner.join(TOPIC, SECRET, List.of(), event -> {
            if (event instanceof GossipEvent.NeighborUp up) {
                neighbours.add(up.peer());
            }
        });
        PeerId slowId = PeerId.of(ed25519.fromSeed(filled(32, 99)).publicKey());
        PeerInfo slowContact = new PeerInfo(slowId, List.of(SLOW_ADDRESS));
        Await.result(topic.joinPeers(List.of(slowContact, fastContact.self()), untilJoined), WAIT);
        Await.until(WAIT, "the fast contact accepted", () -> neighbours.contains(fastContact.self().id()));
        Await.until(WAIT, "the slow contact's dial under way", () -> slowDials.heldCount() == 1);

        RecordingConnection slow = new RecordingConnection(slowId, SLOW_ADDRESS, Optional.empty());
        slowDials.answer(0, slow::listenedBy);
        return slow.sent;
    }

    @Test
    void aBootstrapJoinBehindASlowDialIsDroppedOnceAnotherContactAccepted() {
        assertEquals(List.of(), framesToTheSlowContactAfterAFastAccept(true),
                "the joiner is a member already: the held Join would only start the slow contact's walks");
    }

    @Test
    void anyOtherJoinBehindASlowDialStillGoes() {
        List<Byte> sent = framesToTheSlowContactAfterAFastAccept(false);
        assertEquals(1, sent.size(), "a merge's or the application's Join goes whatever the topic has: " + sent);
        assertTrue(nodes.get(1).openConnections() >= 2, "both contacts are connected");
    }
}
