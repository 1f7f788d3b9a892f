package io.topictracker.dht.mainline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.api.ConfigTable;
import io.topictracker.api.dht.Dht;
import io.topictracker.api.dht.DhtContext;
import io.topictracker.api.signing.SigningProvider;
import io.topictracker.dht.mainline.bencode.Bencode;
import io.topictracker.dht.mainline.bencode.BencodeLimits;
import io.topictracker.dht.mainline.node.Bep42;
import io.topictracker.signing.bc.BouncyCastleEd25519Provider;
import io.topictracker.tck.Await;
import java.io.ByteArrayOutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * BEP42 enforced between several nodes on 127.0.0.1, through the real receive path. Loopback is exempt from BEP42,
 * so every node here is given a test view in which the peer at 127.0.0.1:P counts as the public address
 * 203.0.(P / 256).(P % 256) (TEST-NET-3 style, one address per port): the ids checked, the {@code ip} reported in
 * responses and the votes on a node's own address all use it.
 */
class Bep42EnforcementTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final SigningProvider SIGNING = new BouncyCastleEd25519Provider();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final List<Dht> started = new ArrayList<>();
    private final Random random = new SecureRandom();

    @AfterEach
    void closeAll() {
        started.forEach(Dht::close);
        scheduler.shutdownNow();
    }

    /** The public IP the peer at {@code address} counts as in this test. */
    private static InetAddress publicView(InetSocketAddress address) {
        int port = address.getPort();
        try {
            return InetAddress.getByAddress(new byte[] {(byte) 203, 0, (byte) (port >>> 8), (byte) port});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // four bytes are always an address
        }
    }

    private MainlineDht start(List<String> bootstrap) {
        Map<String, Object> values = new HashMap<>(Map.of("bind_address", "127.0.0.1", "port", 0L,
                "bootstrap", bootstrap, "enforce_bep42", true, "rate_limit_per_ip", 0L));
        MainlineDht dht = (MainlineDht) new MainlineDhtProvider().create(new DhtContext(
                ConfigTable.of("dht.mainline", values), SIGNING, Clock.systemUTC(), scheduler));
        started.add(dht);
        dht.viewAddressesForTest(Bep42EnforcementTest::publicView);
        Await.result(dht.start(), WAIT);
        return dht;
    }

    @Test
    void aNodeLearnsItsAddressByVoteTakesAConformingIdAndAdmitsOnlyConformingNodes() throws Exception {
        // three voters with random ids: they answer the newcomer's bootstrap queries with the address they see
        List<MainlineDht> voters = new ArrayList<>();
        List<String> addresses = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            MainlineDht voter = start(List.of());
            voters.add(voter);
            addresses.add("127.0.0.1:" + voter.localAddress().getPort());
        }
        MainlineDht node = start(addresses);
        InetAddress nodeIp = publicView(node.localAddress());

        // three distinct voters agreed on its address: it switched to an id derived from that address (BEP42)
        Await.until(WAIT, "a BEP42 id for " + nodeIp.getHostAddress(), () -> Bep42.isValid(node.nodeId(), nodeIp));
        // the voters' random ids do not match their addresses: their answers were used, their ids kept out
        List<InetSocketAddress> table = Await.result(node.routingTableAddresses(), WAIT);
        for (MainlineDht voter : voters) {
            assertFalse(Bep42.isValid(voter.nodeId(), publicView(voter.localAddress())),
                    "a random id, valid by chance");
            assertFalse(table.contains(voter.localAddress()), voter + " has a non-conforming id yet is in " + table);
        }

        try (DatagramSocket conforming = socket(); DatagramSocket nonConforming = socket()) {
            InetSocketAddress conformingAddress = (InetSocketAddress) conforming.getLocalSocketAddress();
            InetSocketAddress nonConformingAddress = (InetSocketAddress) nonConforming.getLocalSocketAddress();
            byte[] goodId = Bep42.idFor(publicView(conformingAddress), random);
            byte[] badId = Bep42.idFor(publicView(conformingAddress), random); // valid for another address only
            assertFalse(Bep42.isValid(badId, publicView(nonConformingAddress)));

            // both ping the node; it answers both, and tells each the address it sees (BEP42's ip field)
            assertArrayEquals(compact(publicView(conformingAddress), conformingAddress.getPort()),
                    ping(conforming, node, goodId));
            assertArrayEquals(compact(publicView(nonConformingAddress), nonConformingAddress.getPort()),
                    ping(nonConforming, node, badId));

            // the answers were sent after the queries were handled, so the table already shows the outcome
            List<InetSocketAddress> after = Await.result(node.routingTableAddresses(), WAIT);
            assertTrue(after.contains(conformingAddress), "the conforming node is admitted: " + after);
            assertFalse(after.contains(nonConformingAddress), "the non-conforming node is kept out: " + after);
        }
    }

    private static DatagramSocket socket() throws Exception {
        DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        socket.setSoTimeout(5000);
        return socket;
    }

    /** Sends a KRPC ping with {@code id} and returns the {@code ip} field of the response (bounded wait). */
    private static byte[] ping(DatagramSocket socket, MainlineDht node, byte[] id) throws Exception {
        ByteArrayOutputStream query = new ByteArrayOutputStream();
        query.writeBytes(bytes("d1:ad2:id20:"));
        query.writeBytes(id);
        query.writeBytes(bytes("e1:q4:ping1:t2:pp1:y1:qe"));
        byte[] datagram = query.toByteArray();
        socket.send(new DatagramPacket(datagram, datagram.length, node.localAddress()));
        byte[] buffer = new byte[2048];
        DatagramPacket reply = new DatagramPacket(buffer, buffer.length);
        socket.receive(reply);
        Map<?, ?> response = (Map<?, ?>) Bencode.decode(Arrays.copyOf(buffer, reply.getLength()), BencodeLimits.KRPC);
        assertArrayEquals(bytes("r"), (byte[]) response.get("y"), "a response, not an error");
        byte[] ip = (byte[]) response.get("ip");
        assertNotNull(ip, "BEP42: the response carries the requester's address");
        return ip;
    }

    private static byte[] compact(InetAddress ip, int port) {
        byte[] a = ip.getAddress();
        return new byte[] {a[0], a[1], a[2], a[3], (byte) (port >>> 8), (byte) port};
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
