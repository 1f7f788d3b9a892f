package io.topictracker.dht.mainline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.api.ConfigTable;
import io.topictracker.api.dht.DhtContext;
import io.topictracker.api.dht.MutableItem;
import io.topictracker.api.dht.PutSummary;
import io.topictracker.api.signing.SigningProvider;
import io.topictracker.dht.mainline.bencode.Bencode;
import io.topictracker.dht.mainline.bencode.BencodeLimits;
import io.topictracker.dht.mainline.node.Bep42;
import io.topictracker.signing.bc.BouncyCastleEd25519Provider;
import io.topictracker.tck.Await;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What issue 14 found between hosts, reproduced on 127.0.0.1 with the provider's defaults: every node here is given a
 * test view in which the peer at 127.0.0.1:P counts as the public address 198.51.P/256.P%256, as nodes on separate
 * hosts see each other (loopback itself is exempt from BEP42, which is why everything worked there). No test here
 * sets {@code enforce_bep42}: the defaults are under test.
 *
 * <p>Before the fix, BEP42 was enforced by default, so a fresh network's nodes, whose random ids match no address
 * (nobody can learn its external IP before others answer it), refused one another: the putter's table stayed empty,
 * its put's lookup found only itself, stored there and said "acknowledged 1/1", and the serving node never had the
 * item.
 */
class OffLoopbackDefaultsTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final SigningProvider SIGNING = new BouncyCastleEd25519Provider();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final List<MainlineDht> started = new ArrayList<>();

    @AfterEach
    void closeAll() {
        started.forEach(MainlineDht::close);
        scheduler.shutdownNow();
    }

    /** The public IP the peer at {@code address} counts as in this test. */
    private static InetAddress publicView(InetSocketAddress address) {
        int port = address.getPort();
        try {
            return InetAddress.getByAddress(new byte[] {(byte) 198, 51, (byte) (port >>> 8), (byte) port});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // four bytes are always an address
        }
    }

    /** A node with the defaults, but for a loopback bind and bootstrap (the test suite's guard wants them). */
    private MainlineDht start(List<String> bootstrap) {
        Map<String, Object> values = Map.of("bind_address", "127.0.0.1", "port", 0L, "bootstrap", bootstrap);
        MainlineDht dht = (MainlineDht) new MainlineDhtProvider().create(new DhtContext(
                ConfigTable.of("dht.mainline", values), SIGNING, Clock.systemUTC(), scheduler));
        started.add(dht);
        dht.viewAddressesForTest(OffLoopbackDefaultsTest::publicView);
        Await.result(dht.start(), WAIT);
        return dht;
    }

    private static String address(MainlineDht dht) {
        return "127.0.0.1:" + dht.localAddress().getPort();
    }

    @Test
    void aPutFromAnotherHostIsStoredOnTheServingNodeAndARawGetThereReturnsIt() throws Exception {
        MainlineDht serving = start(List.of());
        MainlineDht putter = start(List.of(address(serving)));
        assertFalse(Bep42.isValid(serving.nodeId(), publicView(serving.localAddress())),
                "a random id, valid for its address by chance: rerun");

        MutableItem item = MutableItem.sign(SIGNING.generate(), bytes("salt"), 3, bytes("across hosts"));
        PutSummary put = Await.result(putter.putMutable(item), WAIT);
        // the symptom: the put said it was acknowledged, and the serving node answered a get with no v
        Map<?, ?> r = rawGet(serving.localAddress(), item.target());
        assertArrayEquals(bytes("across hosts"), (byte[]) r.get("v"), "the serving node answers with the value; "
                + put + ", response keys " + r.keySet());
        assertEquals(3L, r.get("seq"));
        assertArrayEquals(item.publicKey(), (byte[]) r.get("k"));
        assertEquals(2, put.acknowledged(), "stored on the serving node and, being free there, on the putter itself: "
                + put);
        assertTrue(Await.result(putter.routingTableAddresses(), WAIT).contains(serving.localAddress()),
                "the serving node's unverified id is in the putter's table");
    }

    @Test
    void unverifiedNodesAreAdmittedAndANodeStillTakesAConformingIdOnceItsAddressIsVotedOn() {
        // three voters with random ids: they answer the newcomer's bootstrap queries with the address they see
        List<MainlineDht> voters = new ArrayList<>();
        List<String> addresses = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            MainlineDht voter = start(List.of());
            voters.add(voter);
            addresses.add(address(voter));
        }
        MainlineDht node = start(addresses);
        InetAddress nodeIp = publicView(node.localAddress());

        // libtorrent does this whatever dht_enforce_node_id says: a node verified by its address is preferred by
        // others (ours and libtorrent's) and admitted by those that enforce BEP42
        Await.until(WAIT, "a BEP42 id for " + nodeIp.getHostAddress(), () -> Bep42.isValid(node.nodeId(), nodeIp));
        List<InetSocketAddress> table = Await.result(node.routingTableAddresses(), WAIT);
        for (MainlineDht voter : voters) {
            assertFalse(Bep42.isValid(voter.nodeId(), publicView(voter.localAddress())),
                    "a random id, valid by chance: rerun");
            assertTrue(table.contains(voter.localAddress()), voter + " is unverified, and admitted: " + table);
        }
    }

    /** One KRPC {@code get} (BEP44) from a fresh socket; returns the response's {@code r} (bounded wait). */
    private static Map<?, ?> rawGet(InetSocketAddress to, byte[] target) throws Exception {
        Map<String, Object> a = new TreeMap<>();
        a.put("id", bytes("raw-get-client-00001"));
        a.put("target", target);
        Map<String, Object> query = new TreeMap<>();
        query.put("a", a);
        query.put("q", bytes("get"));
        query.put("t", bytes("gg"));
        query.put("y", bytes("q"));
        byte[] datagram = Bencode.encode(query);
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            socket.setSoTimeout(5000);
            socket.send(new DatagramPacket(datagram, datagram.length, to));
            byte[] buffer = new byte[2048];
            DatagramPacket reply = new DatagramPacket(buffer, buffer.length);
            socket.receive(reply);
            Map<?, ?> response = (Map<?, ?>) Bencode.decode(Arrays.copyOf(buffer, reply.getLength()),
                    BencodeLimits.KRPC);
            assertArrayEquals(bytes("r"), (byte[]) response.get("y"), "a response, not an error: " + response);
            return (Map<?, ?>) response.get("r");
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
