package io.topictracker.e2e;

import static io.topictracker.e2e.Swarm.SECRET;
import static io.topictracker.e2e.Swarm.TOPIC;
import static io.topictracker.e2e.Swarm.WAIT;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.api.PeerAddress;
import io.topictracker.engine.Node;
import io.topictracker.engine.Topic;
import io.topictracker.engine.config.NodeConfig;
import io.topictracker.tck.Await;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Nodes configured with several transports: each listens on all and advertises all its addresses, and dials a peer
 * over its first transport that handles one of the peer's addresses, falling back to the next when that dial fails.
 * The transports are wrapped (never cut) so the test can count the dials each one was asked for.
 */
class SeveralTransportsTest {
    private final TransportPartition network = new TransportPartition();

    private Swarm swarm() {
        return new Swarm().with(PartitionableTransportProvider.registry(network, "tcp", "inmemory"), "inmemory");
    }

    /** In-process first, TCP second, the in-process transport on the given hub. */
    private static UnaryOperator<NodeConfig.Builder> inMemoryThenTcp(String hub) {
        return b -> b.transports(List.of("inmemory", "tcp")).set("transport.inmemory.hub", hub);
    }

    private static List<String> schemes(Node node) {
        return node.self().addresses().stream().map(PeerAddress::transport).toList();
    }

    /** Both join, become neighbours, and each gets the other's broadcast. */
    private static void talk(Node a, Node b) {
        Topic ta = a.joinNoWait(TOPIC, SECRET);
        Topic tb = Await.result(b.join(TOPIC, SECRET), WAIT);
        Await.result(ta.joined(), WAIT);
        Await.until(WAIT, "neighbours both ways",
                () -> ta.neighbors().contains(b.id()) && tb.neighbors().contains(a.id()));
        Await.result(ta.sender().broadcast("from a".getBytes(UTF_8)), WAIT);
        Await.result(tb.sender().broadcast("from b".getBytes(UTF_8)), WAIT);
        List<String> atA = new ArrayList<>();
        List<String> atB = new ArrayList<>();
        Await.until(WAIT, "each gets the other's broadcast", () -> {
            Swarm.drain(ta, atA);
            Swarm.drain(tb, atB);
            return atA.contains("from b") && atB.contains("from a");
        });
    }

    @Test
    void aNodeOnTcpAloneAndANodeOnInMemoryAndTcpTalkOverTcp() {
        try (Swarm swarm = swarm()) {
            Node tcpOnly = swarm.start("tcp-only");
            Node both = swarm.start("both", inMemoryThenTcp(swarm.network));
            assertEquals(List.of("tcp"), schemes(tcpOnly));
            assertEquals(List.of("inmemory", "tcp"), schemes(both), "every transport listens, preferred first");

            talk(tcpOnly, both);
            assertEquals(0, network.dials("inmemory"), "no one dialled the transport the tcp-only node lacks");
            assertTrue(network.dials("tcp") > 0);
        }
    }

    @Test
    void twoNodesWithInMemoryAndTcpDialThePreferredOne() {
        try (Swarm swarm = swarm()) {
            Node a = swarm.start("a", inMemoryThenTcp(swarm.network));
            Node b = swarm.start("b", inMemoryThenTcp(swarm.network));

            talk(a, b);
            assertTrue(network.dials("inmemory") > 0);
            assertEquals(0, network.dials("tcp"), "the first transport both support carried everything");
        }
    }

    @Test
    void whenTheDialOverThePreferredTransportFailsTheNextIsTried() {
        try (Swarm swarm = swarm()) {
            // Separate in-process hubs: each advertises an in-memory address the other cannot reach.
            Node a = swarm.start("a", inMemoryThenTcp(swarm.network + "-a"));
            Node b = swarm.start("b", inMemoryThenTcp(swarm.network + "-b"));

            talk(a, b);
            assertTrue(network.dials("inmemory") > 0, "the preferred transport was tried first");
            assertTrue(network.dials("tcp") > 0, "and TCP after it failed");
        }
    }
}
