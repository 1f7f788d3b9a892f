package io.topictracker.engine.gossip.net;

import io.topictracker.api.ConfigTable;
import io.topictracker.api.PeerInfo;
import io.topictracker.api.TopicId;
import io.topictracker.api.signing.SigningKeyPair;
import io.topictracker.api.transport.Connection;
import io.topictracker.api.transport.ConnectionListener;
import io.topictracker.api.transport.InboundHandler;
import io.topictracker.api.transport.Transport;
import io.topictracker.api.transport.TransportContext;
import io.topictracker.engine.gossip.GossipConfig;
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

/**
 * One gossip node under test on an in-memory hub, and raw connections to it from identities the test makes up (an
 * attacker's view: frames written by hand, nothing of a node behind them). {@link #close()} closes the node, every
 * raw transport and the scheduler. Not thread-safe: one test drives it.
 */
final class RawPeerFixture implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(30);
    /** The topic the node under test joins (secret {@code filled(7)}). */
    static final TopicId JOINED = TopicId.fromName("joined");

    /** Ignores every frame and close. */
    static final ConnectionListener IGNORE = new ConnectionListener() {
        @Override
        public void onFrame(Connection connection, ByteBuffer frame) {
        }

        @Override
        public void onClosed(Connection connection, Throwable cause) {
        }
    };

    private final BouncyCastleEd25519Provider ed25519 = new BouncyCastleEd25519Provider();
    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
    private final InMemoryHub hub;
    private final List<AutoCloseable> closing = new ArrayList<>();

    /** @param hubName the in-memory hub's name, not null */
    RawPeerFixture(String hubName) {
        hub = new InMemoryHub(hubName);
    }

    /**
     * Starts the node under test (identity {@code filled(9)}) with these {@code [gossip]} settings and joins
     * {@link #JOINED}.
     */
    GossipNode node(Map<String, Object> gossip) {
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
    Connection dial(GossipNode node, int seed) {
        SigningKeyPair keys = ed25519.fromSeed(filled(seed));
        Transport raw = new InMemoryTransport(hub, "raw-" + seed + "-" + closing.size(), context(keys, c -> IGNORE),
                1 << 20, 4 << 20);
        closing.add(raw::close);
        Await.result(raw.start(), WAIT);
        PeerInfo target = node.self();
        return Await.result(raw.connect(target.id(), target.addresses().get(0), IGNORE), WAIT);
    }

    /** @return 32 bytes of {@code value}: a seed, a secret or an id */
    static byte[] filled(int value) {
        byte[] bytes = new byte[32];
        Arrays.fill(bytes, (byte) value);
        return bytes;
    }

    private TransportContext context(SigningKeyPair keys, InboundHandler inbound) {
        return new TransportContext(ConfigTable.empty("transport.inmemory"), keys, ed25519, Clock.systemUTC(),
                scheduler, inbound);
    }

    @Override
    public void close() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
        scheduler.shutdownNow();
    }
}
