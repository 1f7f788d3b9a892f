package io.topictracker.engine.gossip.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.api.ConfigTable;
import io.topictracker.api.PeerId;
import io.topictracker.api.PeerInfo;
import io.topictracker.api.TopicId;
import io.topictracker.api.signing.SigningKeyPair;
import io.topictracker.api.transport.Connection;
import io.topictracker.api.transport.ConnectionListener;
import io.topictracker.api.transport.Transport;
import io.topictracker.api.transport.TransportContext;
import io.topictracker.engine.gossip.GossipConfig;
import io.topictracker.engine.gossip.proto.Message;
import io.topictracker.signing.bc.BouncyCastleEd25519Provider;
import io.topictracker.tck.Await;
import io.topictracker.transport.inmemory.InMemoryHub;
import io.topictracker.transport.inmemory.InMemoryTransport;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Connections others open to us are bounded, and one that serves no topic of ours is closed (issue 16). */
class InboundLimitsTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final TopicId JOINED = TopicId.fromName("joined");
    private static final TopicId NEVER_JOINED = TopicId.fromName("never-joined");

    private final BouncyCastleEd25519Provider ed25519 = new BouncyCastleEd25519Provider();
    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
    private final InMemoryHub hub = new InMemoryHub("limits");
    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
        scheduler.shutdownNow();
    }

    @Test
    void eachBoundRefusesOnlyWhatIsOverIt() {
        InboundLimits limits = new InboundLimits(3, 2, 1);
        PeerId a = PeerId.of(filled(1));
        PeerId b = PeerId.of(filled(2));
        PeerId c = PeerId.of(filled(3));
        PeerId d = PeerId.of(filled(4));
        assertNull(limits.admit(a, "198.51.100.1"));
        assertTrue(limits.admit(a, "198.51.100.2").contains("max_inbound_connections_per_peer"));
        assertNull(limits.admit(b, "198.51.100.1"));
        assertTrue(limits.admit(c, "198.51.100.1").contains("max_inbound_connections_per_ip"));
        assertNull(limits.admit(c, "198.51.100.3"));
        assertTrue(limits.admit(d, "198.51.100.4").contains("max_inbound_connections)"));
        limits.release(a, "198.51.100.1");
        assertNull(limits.admit(d, "198.51.100.4"), "a closed connection makes room");
        assertEquals(3, limits.total());
    }

    @Test
    void aConnectionCarryingOnlyFramesForTopicsWeNeverJoinedIsClosedAtTheDeadline() {
        GossipNode node = node(Map.of("join_deadline", "300ms"));
        Connection rogue = dial(node, 50);
        FrameCodec codec = new FrameCodec(GossipConfig.defaults().maxMessageSize());
        // well-formed frames for a topic the node never joined, as fast as the link takes them: they used to keep
        // the connection in use for ever
        Await.until(WAIT, "the node closed the rogue connection", () -> {
            rogue.send(codec.encode(NEVER_JOINED, new Message.Prune()));
            return !rogue.isOpen();
        });
        assertFalse(rogue.isOpen());
    }

    @Test
    void aConnectionCarryingFramesForOurTopicButNeverAdmittedIsClosedAtTheDeadline() {
        GossipNode node = node(Map.of("join_deadline", "300ms"));
        Connection rogue = dial(node, 51);
        FrameCodec codec = new FrameCodec(GossipConfig.defaults().maxMessageSize());
        // anyone who knows the topic's name can send well-formed frames for it; only the secret makes a neighbour
        Await.until(WAIT, "the node closed the connection of a peer that is no neighbour", () -> {
            rogue.send(codec.encode(JOINED, new Message.Prune()));
            return !rogue.isOpen();
        });
        assertFalse(rogue.isOpen());
    }

    @Test
    void aSecondConnectionFromOneIdentityOverItsBoundIsClosedAndTheFirstKept() {
        GossipNode node = node(Map.of("max_inbound_connections_per_peer", 1L));
        Connection first = dial(node, 60);
        Connection second = dial(node, 60);
        Await.result(second.closeFuture(), WAIT);
        assertTrue(first.isOpen(), "the connection within the bound stays");
    }

    private GossipNode node(Map<String, Object> gossip) {
        SigningKeyPair keys = ed25519.fromSeed(filled(9));
        GossipNode node = new GossipNode(GossipConfig.from(ConfigTable.of("gossip", gossip)), keys, ed25519,
                scheduler, inbound -> List.of(new InMemoryTransport(hub, "target", context(keys, inbound), 1 << 20,
                        4 << 20)));
        closing.add(node::close);
        Await.result(node.start(), WAIT);
        node.join(JOINED, filled(7), List.of(), event -> { });
        return node;
    }

    /** @return a raw connection to {@code node} from an identity made of {@code seed} */
    private Connection dial(GossipNode node, int seed) {
        SigningKeyPair keys = ed25519.fromSeed(filled(seed));
        Transport raw = new InMemoryTransport(hub, "raw-" + seed + "-" + closing.size(), context(keys, c -> IGNORE),
                1 << 20, 4 << 20);
        closing.add(raw::close);
        Await.result(raw.start(), WAIT);
        PeerInfo target = node.self();
        return Await.result(raw.connect(target.id(), target.addresses().get(0), IGNORE), WAIT);
    }

    private TransportContext context(SigningKeyPair keys, io.topictracker.api.transport.InboundHandler inbound) {
        return new TransportContext(ConfigTable.empty("transport.inmemory"), keys, ed25519, Clock.systemUTC(),
                scheduler, inbound);
    }

    private static final ConnectionListener IGNORE = new ConnectionListener() {
        @Override
        public void onFrame(Connection connection, ByteBuffer frame) {
        }

        @Override
        public void onClosed(Connection connection, Throwable cause) {
        }
    };

    private static byte[] filled(int value) {
        byte[] bytes = new byte[32];
        Arrays.fill(bytes, (byte) value);
        return bytes;
    }
}
