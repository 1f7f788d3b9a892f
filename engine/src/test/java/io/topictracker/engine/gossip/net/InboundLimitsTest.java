package io.topictracker.engine.gossip.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.api.PeerId;
import io.topictracker.api.TopicId;
import io.topictracker.api.transport.Connection;
import io.topictracker.engine.gossip.GossipConfig;
import io.topictracker.engine.gossip.proto.Message;
import io.topictracker.tck.Await;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Connections others open to us are bounded, and one that serves no topic of ours is closed (issue 16). */
class InboundLimitsTest {
    private static final Duration WAIT = RawPeerFixture.WAIT;
    private static final TopicId JOINED = RawPeerFixture.JOINED;
    private static final TopicId NEVER_JOINED = TopicId.fromName("never-joined");

    private final RawPeerFixture fixture = new RawPeerFixture("limits");

    @AfterEach
    void tearDown() throws Exception {
        fixture.close();
    }

    @Test
    void eachBoundRefusesOnlyWhatIsOverIt() {
        InboundLimits limits = new InboundLimits(3, 2, 1);
        PeerId a = PeerId.of(RawPeerFixture.filled(1));
        PeerId b = PeerId.of(RawPeerFixture.filled(2));
        PeerId c = PeerId.of(RawPeerFixture.filled(3));
        PeerId d = PeerId.of(RawPeerFixture.filled(4));
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
        Connection rogue = fixture.dial(node, 50);
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
        Connection rogue = fixture.dial(node, 51);
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
        Connection first = fixture.dial(node, 60);
        Connection second = fixture.dial(node, 60);
        Await.result(second.closeFuture(), WAIT);
        assertTrue(first.isOpen(), "the connection within the bound stays");
    }

    private GossipNode node(Map<String, Object> gossip) {
        return fixture.node(gossip);
    }

}
