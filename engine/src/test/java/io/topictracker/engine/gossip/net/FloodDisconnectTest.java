package io.topictracker.engine.gossip.net;

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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The flood guard wired into the node (issue 16): a neighbour that floods ForwardJoins or Shuffles for a topic we
 * joined is disconnected and, banned, cannot connect again; one that stays within the rates is kept.
 */
class FloodDisconnectTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final TopicId JOINED = TopicId.fromName("joined");

    private final BouncyCastleEd25519Provider ed25519 = new BouncyCastleEd25519Provider();
    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
    private final InMemoryHub hub = new InMemoryHub("flood");
    private final List<AutoCloseable> closing = new ArrayList<>();
    private final FrameCodec codec = new FrameCodec(GossipConfig.defaults().maxMessageSize());

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
        scheduler.shutdownNow();
    }

    @Test
    void aNeighbourFloodingForwardJoinsIsDisconnectedAndRefusedAfterwards() {
        GossipNode node = node();
        floodUntilClosed(node, 50, i -> codec.encode(JOINED, new Message.ForwardJoin(stranger(i), 0)));
        Connection again = dial(node, 50);
        Await.result(again.closeFuture(), WAIT);
        assertFalse(again.isOpen(), "the banned identity is refused");
    }

    @Test
    void aNeighbourFloodingShufflesIsDisconnectedWhileOneWithinTheRateIsKept() {
        GossipNode node = node();
        Connection honest = dial(node, 61);
        for (int i = 0; i < 3; i++) {
            honest.send(codec.encode(JOINED, new Message.Shuffle(stranger(1000 + i), List.of(), 0)));
        }
        floodUntilClosed(node, 51, i -> codec.encode(JOINED, new Message.Shuffle(stranger(i), List.of(), 0)));
        assertTrue(honest.isOpen(), "a neighbour within its rates keeps its connection");
    }

    /** Sends frames from a fresh identity made of {@code seed} until the node closes the connection (bounded). */
    private void floodUntilClosed(GossipNode node, int seed, IntFunction<ByteBuffer> frames) {
        Connection rogue = dial(node, seed);
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
        SigningKeyPair keys = ed25519.fromSeed(filled(9));
        GossipNode node = new GossipNode(GossipConfig.from(ConfigTable.of("gossip", gossip)), keys, ed25519,
                scheduler, inbound -> List.of(new InMemoryTransport(hub, "target", context(keys, inbound), 1 << 20,
                        4 << 20)));
        closing.add(node::close);
        Await.result(node.start(), WAIT);
        node.join(JOINED, filled(7), List.of(), event -> { });
        return node;
    }

    /** A peer nobody runs, with an address nobody listens at. */
    private static PeerInfo stranger(int i) {
        byte[] id = filled(100);
        id[0] = (byte) i;
        id[1] = (byte) (i >> 8);
        return new PeerInfo(PeerId.of(id), List.of(PeerAddress.of("inmemory", "nobody-" + i, 1)));
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
