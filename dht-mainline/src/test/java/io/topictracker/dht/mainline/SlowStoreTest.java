package io.topictracker.dht.mainline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.topictracker.api.ConfigTable;
import io.topictracker.api.dht.DhtContext;
import io.topictracker.api.dht.MutableItem;
import io.topictracker.api.dht.PutSummary;
import io.topictracker.api.signing.SigningProvider;
import io.topictracker.dht.mainline.bencode.Bencode;
import io.topictracker.dht.mainline.bencode.BencodeLimits;
import io.topictracker.signing.bc.BouncyCastleEd25519Provider;
import io.topictracker.tck.Await;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A storing node that answers a put late is still an acknowledgement. Seen in the full build under load once the
 * command's clients stopped storing on themselves (issue 14): a serve node's first put, with its signature check on a
 * cold JVM, answered after the putter's adaptive timeout (250 ms after loopback samples), so a put it had stored
 * failed as "1 asked, 0 answered". A store now waits up to {@code max_query_timeout} for its answers.
 */
class SlowStoreTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final long PUT_ANSWER_DELAY_MILLIS = 800;
    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(3); // the storing node, its late answers, the DHT
    private MainlineDht dht;

    @AfterEach
    void close() {
        if (dht != null) {
            dht.close();
        }
        scheduler.shutdownNow();
    }

    @Test
    void aPutAnsweredAfterTheAdaptiveTimeoutButWithinTheMaximumIsAcknowledged() throws Exception {
        SigningProvider signing = new BouncyCastleEd25519Provider();
        AtomicInteger puts = new AtomicInteger();
        try (DatagramSocket storingNode = new DatagramSocket(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            storingNode.setSoTimeout((int) WAIT.toMillis());
            scheduler.execute(() -> answer(storingNode, puts));
            // read-only: it stores nothing on itself, so the storing node's answer is the only acknowledgement
            Map<String, Object> values = Map.of("bind_address", "127.0.0.1", "port", 0L, "read_only", true,
                    "bootstrap", List.of("127.0.0.1:" + storingNode.getLocalPort()),
                    "min_query_timeout", "250ms", "max_query_timeout", "2s");
            dht = (MainlineDht) new MainlineDhtProvider().create(new DhtContext(ConfigTable.of("dht.mainline",
                    values), signing, Clock.systemUTC(), scheduler));
            Await.result(dht.start(), WAIT);
            assertEquals(1, Await.result(dht.routingTableSize(), WAIT));

            MutableItem item = MutableItem.sign(signing.generate(), new byte[0], 1, bytes("late but stored"));
            PutSummary put = Await.result(dht.putMutable(item), WAIT);
            assertEquals(1, puts.get(), "one put reached the storing node");
            assertEquals(1, put.acknowledged(), put.toString());
            assertEquals(1, put.attempted(), put.toString());
        }
    }

    /**
     * The storing node: answers find_node and get at once (a token, no nodes, no value) and put after
     * {@link #PUT_ANSWER_DELAY_MILLIS}; ends when the socket closes or stays silent for its timeout.
     */
    private void answer(DatagramSocket socket, AtomicInteger puts) {
        byte[] buffer = new byte[2048];
        for (int i = 0; i < 100; i++) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            Map<?, ?> query;
            try {
                socket.receive(packet);
                query = (Map<?, ?>) Bencode.decode(Arrays.copyOf(buffer, packet.getLength()), BencodeLimits.KRPC);
            } catch (SocketTimeoutException e) {
                return;
            } catch (Exception e) {
                return; // closed at the end of the test
            }
            String method = new String((byte[]) query.get("q"), StandardCharsets.US_ASCII);
            Map<String, Object> r = new TreeMap<>();
            r.put("id", bytes("slow-storing-node-01"));
            r.put("nodes", new byte[0]);
            r.put("token", bytes("tok"));
            Map<String, Object> response = new TreeMap<>();
            response.put("r", r);
            response.put("t", query.get("t"));
            response.put("y", bytes("r"));
            byte[] datagram = Bencode.encode(response);
            SocketAddress to = packet.getSocketAddress();
            if (method.equals("put")) {
                puts.incrementAndGet();
                scheduler.schedule(() -> send(socket, datagram, to), PUT_ANSWER_DELAY_MILLIS, TimeUnit.MILLISECONDS);
            } else {
                send(socket, datagram, to);
            }
        }
    }

    private static void send(DatagramSocket socket, byte[] datagram, SocketAddress to) {
        try {
            socket.send(new DatagramPacket(datagram, datagram.length, to));
        } catch (java.io.IOException e) {
            // the test has ended and closed the socket
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
