package io.topictracker.engine.gossip.net;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.api.PeerAddress;
import io.topictracker.api.PeerId;
import io.topictracker.api.PeerInfo;
import io.topictracker.api.TopicId;
import io.topictracker.api.transport.Connection;
import io.topictracker.engine.gossip.GossipConfig;
import io.topictracker.engine.gossip.proto.Message;
import io.topictracker.tck.Await;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The flood guard wired into the node (issue 16): a neighbour that floods ForwardJoins or Shuffles for a topic we
 * joined is disconnected and, banned, cannot connect again; one that stays within the rates is kept.
 */
class FloodDisconnectTest {
    private static final Duration WAIT = RawPeerFixture.WAIT;
    private static final TopicId JOINED = RawPeerFixture.JOINED;

    private final RawPeerFixture fixture = new RawPeerFixture("flood");
    private final FrameCodec codec = new FrameCodec(GossipConfig.defaults().maxMessageSize());

    @AfterEach
    void tearDown() throws Exception {
        fixture.close();
    }

    @Test
    void aNeighbourFloodingForwardJoinsIsDisconnectedAndRefusedAfterwards() {
        GossipNode node = node();
        floodUntilClosed(node, 50, i -> codec.encode(JOINED, new Message.ForwardJoin(stranger(i), 0)));
        Connection again = fixture.dial(node, 50);
        Await.result(again.closeFuture(), WAIT);
        assertFalse(again.isOpen(), "the banned identity is refused");
    }

    @Test
    void aNeighbourFloodingShufflesIsDisconnectedWhileOneWithinTheRateIsKept() {
        GossipNode node = node();
        Connection honest = fixture.dial(node, 61);
        for (int i = 0; i < 3; i++) {
            honest.send(codec.encode(JOINED, new Message.Shuffle(stranger(1000 + i), List.of(), 0)));
        }
        floodUntilClosed(node, 51, i -> codec.encode(JOINED, new Message.Shuffle(stranger(i), List.of(), 0)));
        assertTrue(honest.isOpen(), "a neighbour within its rates keeps its connection");
    }

    /** Sends frames from a fresh identity made of {@code seed} until the node closes the connection (bounded). */
    private void floodUntilClosed(GossipNode node, int seed, IntFunction<ByteBuffer> frames) {
        Connection rogue = fixture.dial(node, seed);
        int[] sent = {0};
        Await.until(WAIT, "the node disconnected the flooder", () -> {
            for (int i = 0; i < 50 && rogue.isOpen(); i++) {
                rogue.send(frames.apply(sent[0]++));
            }
            return !rogue.isOpen();
        });
        assertTrue(sent[0] > 20, "disconnected only past its rate: after " + sent[0] + " frames");
    }

    private GossipNode node() {
        Map<String, Object> gossip = new HashMap<>();
        gossip.put("max_joins_per_second_per_peer", 5L);
        gossip.put("max_shuffles_per_second_per_peer", 5L);
        gossip.put("flood_disconnect_after", 20L);
        return fixture.node(gossip);
    }

    /** A peer nobody runs, with an address nobody listens at. */
    private static PeerInfo stranger(int i) {
        byte[] id = RawPeerFixture.filled(100);
        id[0] = (byte) i;
        id[1] = (byte) (i >> 8);
        return new PeerInfo(PeerId.of(id), List.of(PeerAddress.of("inmemory", "nobody-" + i, 1)));
    }

}
