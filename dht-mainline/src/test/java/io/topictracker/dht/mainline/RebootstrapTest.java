package io.topictracker.dht.mainline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.api.ConfigTable;
import io.topictracker.api.dht.DhtContext;
import io.topictracker.dht.mainline.bencode.Bencode;
import io.topictracker.dht.mainline.bencode.BencodeLimits;
import io.topictracker.signing.bc.BouncyCastleEd25519Provider;
import io.topictracker.tck.Await;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A node whose bootstrap got no answer tries again while its table is empty. Found between hosts (issue 14): a lost
 * datagram, or a bootstrap node that came up later, left a node alone for good, since BEP5's refresh lookups start
 * from the table's own nodes. Here the bootstrap "node" is a socket of the test that ignores the first query and
 * answers the next.
 */
class RebootstrapTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private MainlineDht dht;

    @AfterEach
    void close() {
        if (dht != null) {
            dht.close();
        }
        scheduler.shutdownNow();
    }

    @Test
    void aNodeWhoseBootstrapWentUnansweredJoinsWhenTheBootstrapNodeAnswersLater() throws Exception {
        try (DatagramSocket bootstrapNode = new DatagramSocket(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            startAloneWith(bootstrapNode); // the bootstrap is over, unanswered

            Map<?, ?> first = receiveQuery(bootstrapNode);
            assertArrayEquals(bytes("find_node"), (byte[]) first.get("q"));
            assertEquals(0, Await.result(dht.routingTableSize(), WAIT), "nobody answered: alone");

            // the next query is the node trying again; this time it gets an answer
            DatagramPacket[] from = new DatagramPacket[1];
            Map<?, ?> again = receiveQuery(bootstrapNode, from);
            assertArrayEquals(bytes("find_node"), (byte[]) again.get("q"), "bootstrapping again: " + again);
            Map<String, Object> r = new TreeMap<>();
            r.put("id", bytes("late-bootstrap-node1"));
            r.put("nodes", new byte[0]);
            Map<String, Object> response = new TreeMap<>();
            response.put("r", r);
            response.put("t", again.get("t"));
            response.put("y", bytes("r"));
            byte[] datagram = Bencode.encode(response);
            bootstrapNode.send(new DatagramPacket(datagram, datagram.length, from[0].getSocketAddress()));

            Await.until(WAIT, "the late bootstrap node in the table",
                    () -> Await.result(dht.routingTableAddresses(), WAIT)
                            .contains(bootstrapNode.getLocalSocketAddress()));
        }
    }

    @Test
    void aLookupOnAnEmptyTableAsksTheBootstrapNodes() throws Exception {
        try (DatagramSocket bootstrapNode = new DatagramSocket(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            startAloneWith(bootstrapNode); // the bootstrap is over, unanswered
            assertEquals(0, Await.result(dht.routingTableSize(), WAIT), "nobody answered: alone");

            byte[] infoHash = new byte[20];
            Arrays.fill(infoHash, (byte) 0x5a);
            dht.getPeers(infoHash, Duration.ofSeconds(5));
            // the node's own re-bootstraps look up its own id; the lookup's query looks up the info-hash
            boolean askedForTarget = false;
            for (int i = 0; i < 20 && !askedForTarget; i++) {
                Map<?, ?> query = receiveQuery(bootstrapNode);
                Map<?, ?> arguments = (Map<?, ?>) query.get("a");
                askedForTarget = Arrays.equals(bytes("find_node"), (byte[]) query.get("q"))
                        && Arrays.equals(infoHash, (byte[]) arguments.get("target"));
            }
            assertTrue(askedForTarget,
                    "the lookup on an empty table asked the bootstrap node for its target");
        }
    }

    /** Starts {@link #dht} bootstrapping from {@code bootstrapNode}, a socket of the test that answers nothing. */
    private void startAloneWith(DatagramSocket bootstrapNode) throws Exception {
        bootstrapNode.setSoTimeout((int) WAIT.toMillis());
        Map<String, Object> values = Map.of("bind_address", "127.0.0.1", "port", 0L, "bootstrap",
                List.of("127.0.0.1:" + bootstrapNode.getLocalPort()), "max_query_timeout", "500ms");
        dht = (MainlineDht) new MainlineDhtProvider().create(new DhtContext(ConfigTable.of("dht.mainline",
                values), new BouncyCastleEd25519Provider(), Clock.systemUTC(), scheduler));
        Await.result(dht.start(), WAIT);
    }

    private static Map<?, ?> receiveQuery(DatagramSocket socket) throws Exception {
        return receiveQuery(socket, new DatagramPacket[1]);
    }

    /** Waits (bounded by the socket's timeout) for one KRPC query; {@code packet[0]} is set to the datagram. */
    private static Map<?, ?> receiveQuery(DatagramSocket socket, DatagramPacket[] packet) throws Exception {
        byte[] buffer = new byte[2048];
        packet[0] = new DatagramPacket(buffer, buffer.length);
        socket.receive(packet[0]);
        Map<?, ?> message = (Map<?, ?>) Bencode.decode(Arrays.copyOf(buffer, packet[0].getLength()),
                BencodeLimits.KRPC);
        assertArrayEquals(bytes("q"), (byte[]) message.get("y"), "a query: " + message);
        return message;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
