package io.topictracker.dht.mainline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.api.ConfigException;
import io.topictracker.api.ConfigTable;
import io.topictracker.api.dht.Dht;
import io.topictracker.api.dht.DhtContext;
import io.topictracker.api.dht.DhtException;
import io.topictracker.api.dht.DhtProvider;
import io.topictracker.api.dht.MutableItem;
import io.topictracker.api.dht.MutableQuery;
import io.topictracker.api.signing.SigningKeyPair;
import io.topictracker.api.signing.SigningProvider;
import io.topictracker.dht.mainline.bencode.Bencode;
import io.topictracker.dht.mainline.bencode.BencodeLimits;
import io.topictracker.signing.bc.BouncyCastleEd25519Provider;
import io.topictracker.tck.Await;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import java.util.ServiceLoader;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One real node on 127.0.0.1 fed hostile datagrams, plus provider discovery, config and table persistence. */
class NodeRobustnessTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final SigningProvider SIGNING = new BouncyCastleEd25519Provider();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final List<Dht> started = new ArrayList<>();

    @AfterEach
    void closeAll() {
        started.forEach(Dht::close);
        scheduler.shutdownNow();
    }

    private MainlineDht start(Map<String, Object> settings) {
        Map<String, Object> values = new java.util.HashMap<>(Map.of("bind_address", "127.0.0.1", "port", 0L,
                "bootstrap", List.of(), "enforce_bep42", false));
        values.putAll(settings);
        Dht dht = provider().create(new DhtContext(ConfigTable.of("dht.mainline", values), SIGNING,
                Clock.systemUTC(), scheduler));
        started.add(dht);
        Await.result(dht.start(), WAIT);
        return (MainlineDht) dht;
    }

    private static DhtProvider provider() {
        return ServiceLoader.load(DhtProvider.class).stream().map(ServiceLoader.Provider::get)
                .filter(p -> p.id().equals("mainline")).findFirst().orElseThrow();
    }

    /** Sends one datagram and waits (bounded) for one reply; null if none came within the socket timeout. */
    private static Object exchange(DatagramSocket socket, MainlineDht dht, byte[] datagram) throws Exception {
        socket.send(new DatagramPacket(datagram, datagram.length, dht.localAddress()));
        byte[] buffer = new byte[4096];
        DatagramPacket reply = new DatagramPacket(buffer, buffer.length);
        try {
            socket.receive(reply);
        } catch (SocketTimeoutException e) {
            return null;
        }
        return Bencode.decode(java.util.Arrays.copyOf(buffer, reply.getLength()), BencodeLimits.KRPC);
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void malformedQueriesGetError203AndTheNodeKeepsServing() throws Exception {
        MainlineDht dht = start(Map.of());
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            socket.setSoTimeout(3000);
            // unsorted keys: strict decoding fails, the transaction id can still be read
            Object reply = exchange(socket, dht, b("d1:t2:aa1:y1:q1:q4:ping1:ad2:id20:xxxxxxxxxxxxxxxxxxxxee"));
            Map<?, ?> error = assertInstanceOf(Map.class, reply);
            assertArrayEquals(b("e"), (byte[]) error.get("y"));
            assertArrayEquals(b("aa"), (byte[]) error.get("t"));
            assertEquals(203L, ((List<?>) error.get("e")).get(0));
            // a ping with a 19-byte id: well-formed bencode, bad arguments: also 203
            Object badId = exchange(socket, dht, b("d1:ad2:id19:xxxxxxxxxxxxxxxxxxxe1:q4:ping1:t2:ab1:y1:qe"));
            assertEquals(203L, ((List<?>) ((Map<?, ?>) badId).get("e")).get(0));
            // hostile shapes without a readable transaction id are dropped; each is followed by a valid ping
            Random random = new Random(11);
            List<byte[]> hostile = new ArrayList<>(List.of(b("l".repeat(3000)), b("d99999999999:"), new byte[4500],
                    b("i1e"), b("de"), b("d1:y1:re")));
            for (int i = 0; i < 30; i++) {
                byte[] junk = new byte[1 + random.nextInt(200)];
                random.nextBytes(junk);
                junk[0] = 'x'; // never a dictionary, so never a readable tid
                hostile.add(junk);
            }
            for (byte[] packet : hostile) {
                socket.send(new DatagramPacket(packet, packet.length, dht.localAddress()));
            }
            Object pong = exchange(socket, dht, b("d1:ad2:id20:xxxxxxxxxxxxxxxxxxxxe1:q4:ping1:t2:zz1:y1:qe"));
            Map<?, ?> ok = assertInstanceOf(Map.class, pong, "the node still answers after the junk");
            assertArrayEquals(b("zz"), (byte[]) ok.get("t"));
            assertArrayEquals(b("r"), (byte[]) ok.get("y"));
            assertArrayEquals(new byte[] {127, 0, 0, 1}, java.util.Arrays.copyOf((byte[]) ok.get("ip"), 4),
                    "BEP42: the response tells us our address");
            assertTrue(dht.stats().malformed() >= hostile.size(), "counted: " + dht.stats().malformed());
        }
    }

    @Test
    void floodFromOneIpIsRateLimited() throws Exception {
        // 1 query/s with a burst of 10: however slowly the machine delivers the flood, at most 10 plus one per
        // elapsed second can be answered
        MainlineDht dht = start(Map.of("rate_limit_per_ip", 1L));
        long startNanos = System.nanoTime();
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            byte[] ping = b("d1:ad2:id20:xxxxxxxxxxxxxxxxxxxxe1:q4:ping1:t2:zz1:y1:qe");
            for (int i = 0; i < 200; i++) {
                socket.send(new DatagramPacket(ping, ping.length, dht.localAddress()));
            }
            Await.until(WAIT, "the node saw the flood", () -> dht.stats().queriesReceived() >= 150);
            long elapsedSeconds = (System.nanoTime() - startNanos) / 1_000_000_000L + 1;
            NodeStats stats = dht.stats();
            assertTrue(stats.queriesAnswered() <= 10 + elapsedSeconds, stats + " in " + elapsedSeconds + " s");
            // every query received was answered or dropped (one may be in between when the snapshot is taken)
            assertTrue(stats.dropped() + stats.queriesAnswered() + 1 >= stats.queriesReceived(), stats.toString());
            assertTrue(stats.dropped() >= 100, stats.toString());
        }
    }

    @Test
    void unknownConfigKeyIsRejectedByName() {
        ConfigException e = assertThrows(ConfigException.class, () -> provider().create(new DhtContext(
                ConfigTable.of("dht.mainline", Map.of("prot", 6881L)), SIGNING, Clock.systemUTC(), scheduler)));
        assertTrue(e.getMessage().contains("dht.mainline.prot"), e.getMessage());
    }

    @Test
    void callsBeforeStartAndAfterCloseAreRefused() {
        Dht dht = provider().create(new DhtContext(ConfigTable.of("dht.mainline", Map.of("bind_address",
                "127.0.0.1", "port", 0L, "bootstrap", List.of())), SIGNING, Clock.systemUTC(), scheduler));
        SigningKeyPair key = SIGNING.generate();
        MutableQuery query = MutableQuery.of(key.publicKey(), new byte[0], OptionalLong.empty(), WAIT);
        Throwable before = Await.failure(dht.getMutable(query, i -> { }), WAIT);
        assertEquals(DhtException.Reason.CLOSED, assertInstanceOf(DhtException.class, before).reason());
        Await.result(dht.start(), WAIT);
        dht.close();
        dht.close();
        Throwable after = Await.failure(dht.putMutable(MutableItem.sign(key, new byte[0], 1, b("v"))), WAIT);
        assertEquals(DhtException.Reason.CLOSED, assertInstanceOf(DhtException.class, after).reason());
        assertEquals(DhtException.Reason.CLOSED,
                assertInstanceOf(DhtException.class, Await.failure(dht.start(), WAIT)).reason());
    }

    @Test
    void routingTableIsSavedOnCloseAndLoadedOnStart(@TempDir Path dir) {
        try (LocalTestnet net = LocalTestnet.builder(SIGNING).nodes(6).startTimeout(WAIT).start()) {
            Path file = dir.resolve("table.bencode");
            MainlineDht first = start(Map.of("bootstrap", List.of(net.bootstrapAddress()),
                    "routing_table_file", file.toString()));
            int size = Await.result(first.routingTableSize(), WAIT);
            byte[] id = first.nodeId();
            assertTrue(size >= 3, "joined: " + size);
            first.close();
            assertTrue(Files.isRegularFile(file));
            // restart with no bootstrap at all: the saved table alone gets it back into the network
            MainlineDht again = start(Map.of("routing_table_file", file.toString()));
            assertArrayEquals(id, again.nodeId(), "the same id, for a fast restart");
            assertTrue(Await.result(again.routingTableSize(), WAIT) >= 3);
            SigningKeyPair key = SIGNING.generate();
            MutableItem item = MutableItem.sign(key, new byte[0], 1, b("after restart"));
            Await.result(net.nodes().get(2).putMutable(item), WAIT);
            List<MutableItem> found = new ArrayList<>();
            Await.result(again.getMutable(MutableQuery.of(key.publicKey(), new byte[0], OptionalLong.empty(),
                    Duration.ofSeconds(5)), found::add), WAIT);
            assertEquals(List.of(item), found);
        }
    }
}
