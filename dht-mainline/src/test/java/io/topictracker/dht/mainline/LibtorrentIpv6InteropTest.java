package io.topictracker.dht.mainline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.api.ConfigTable;
import io.topictracker.api.dht.DhtContext;
import io.topictracker.api.dht.MutableItem;
import io.topictracker.api.dht.MutableQuery;
import io.topictracker.api.signing.SigningKeyPair;
import io.topictracker.api.signing.SigningProvider;
import io.topictracker.dht.mainline.krpc.KrpcError;
import io.topictracker.dht.mainline.krpc.Query;
import io.topictracker.dht.mainline.krpc.Response;
import io.topictracker.dht.mainline.node.QueryFailure;
import io.topictracker.dht.mainline.node.ReplyHandler;
import io.topictracker.dht.mainline.routing.NodeInfo;
import io.topictracker.signing.bc.BouncyCastleEd25519Provider;
import io.topictracker.tck.Await;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * BEP32 interop with libtorrent 2.0.8 on ::1: 6 of our nodes bound to {@code ::1} only and 2 libtorrent sessions
 * listening on {@code [::1]} (libtorrent runs one DHT per listen socket, and does run it on a loopback IPv6 socket:
 * its log says "starting ::1 DHT tracker"), plus libtorrent one-shot clients. They learn each other's nodes through
 * {@code nodes6}, BEP44 items and BEP5 peers (18-byte compact values) cross both ways, all over IPv6. Tagged
 * {@code interop} as {@link LibtorrentInteropTest}.
 */
@Tag("interop")
class LibtorrentIpv6InteropTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Duration LOOKUP = Duration.ofSeconds(8);
    private static final SigningProvider SIGNING = new BouncyCastleEd25519Provider();
    private static final HexFormat HEX = HexFormat.of();
    private static final ScheduledExecutorService SCHEDULER = Executors.newSingleThreadScheduledExecutor();
    private static final List<MainlineDht> OURS = new ArrayList<>();
    private static Path dir;
    private static LtNode ltA;
    private static LtNode ltB;
    private static int clientPort;

    @BeforeAll
    static void startMixedIpv6Network() throws Exception {
        LtNode.requireLibtorrent();
        dir = Files.createTempDirectory("lt-interop6");
        for (int i = 0; i < 6; i++) {
            OURS.add(ours(i == 0 ? List.of() : List.of(bracketed(OURS.get(0)))));
        }
        ltA = LtNode.serve(LtNode.freePort6(), List.of(bracketed(OURS.get(0))), 300, dir, true);
        ltB = LtNode.serve(LtNode.freePort6(), List.of(bracketed(OURS.get(3)), "[::1]:" + ltA.port), 300, dir,
                true);
        clientPort = LtNode.freePort6();
        Await.until(WAIT, "a libtorrent node in our IPv6 routing tables", () -> OURS.stream().anyMatch(n ->
                Await.result(n.routingTableAddresses(), WAIT).stream().anyMatch(a -> a.getPort() == ltA.port)));
    }

    private static MainlineDht ours(List<String> bootstrap) {
        MainlineDht dht = (MainlineDht) new MainlineDhtProvider().create(new DhtContext(ConfigTable.of(
                "dht.mainline", Map.of("bind_address", "::1", "port", 0L, "bootstrap", bootstrap)), SIGNING,
                Clock.systemUTC(), SCHEDULER));
        Await.result(dht.start(), WAIT);
        return dht;
    }

    private static String bracketed(MainlineDht dht) {
        return "[::1]:" + dht.localAddress().getPort();
    }

    @AfterAll
    static void stopAll() {
        try {
            if (ltA != null) {
                ltA.close();
            }
            if (ltB != null) {
                ltB.close();
            }
        } finally {
            OURS.forEach(MainlineDht::close);
            SCHEDULER.shutdownNow();
        }
    }

    private static String lt(String command, String bootstrap, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of(command, "--ipv6", "--port", Integer.toString(clientPort),
                "--bootstrap", bootstrap, "--timeout=20"));
        args.addAll(List.of(extra));
        return LtNode.run(dir, WAIT, args.toArray(String[]::new));
    }

    @Test
    void libtorrentAnswersFindNodeOnIpv6WithNodes6() {
        // libtorrent's IPv6 DHT answers a find_node without want in nodes6 (the socket's family, BEP32)
        InetSocketAddress lt = new InetSocketAddress("::1", ltB.port);
        List<NodeInfo> nodes = findNode(OURS.get(5), lt);
        assertTrue(!nodes.isEmpty() && nodes.stream().allMatch(n -> n.address().getAddress() instanceof Inet6Address),
                "IPv6 nodes, read from nodes6: " + nodes);
        List<InetSocketAddress> known = new ArrayList<>();
        OURS.forEach(o -> known.add(o.localAddress()));
        known.add(new InetSocketAddress("::1", ltA.port));
        assertTrue(nodes.stream().anyMatch(n -> known.contains(n.address())),
                "libtorrent names nodes it learnt from our nodes6 or its own: " + nodes);
    }

    @Test
    void libtorrentPutsOverIpv6AndWeGetIt() throws Exception {
        byte[] seed = new byte[32];
        new Random().nextBytes(seed);
        SigningKeyPair key = SIGNING.fromSeed(seed);
        String json = lt("put", "[::1]:" + ltA.port, "--seed", HEX.formatHex(seed), "--salt", "v6-salt",
                "--value", "hello over IPv6");
        assertEquals("true", LtNode.field(json, "ok"), json);
        List<MutableItem> found = new CopyOnWriteArrayList<>();
        Await.result(OURS.get(4).getMutable(MutableQuery.of(key.publicKey(), bytes("v6-salt"), OptionalLong.empty(),
                LOOKUP), found::add), WAIT);
        assertTrue(!found.isEmpty(), "our get found libtorrent's item: " + json);
        assertArrayEquals(bytes("hello over IPv6"), found.get(0).value());
        assertTrue(found.get(0).verify(SIGNING));
    }

    @Test
    void wePutOverIpv6AndLibtorrentGetsIt() throws Exception {
        SigningKeyPair key = SIGNING.generate();
        MutableItem item = MutableItem.sign(key, bytes("our-v6"), 7, bytes("hello from Java over IPv6"));
        assertTrue(Await.result(OURS.get(2).putMutable(item), WAIT).acknowledged() >= 1);
        // the client's only way in is a libtorrent node: it must read our nodes via libtorrent's nodes6
        String json = lt("get", "[::1]:" + ltB.port, "--pubkey", HEX.formatHex(key.publicKey()), "--salt",
                "our-v6");
        assertEquals("true", LtNode.field(json, "found"), json);
        assertEquals("hello from Java over IPv6", LtNode.field(json, "value"));
        assertEquals("7", LtNode.field(json, "seq"));
        assertEquals("true", LtNode.field(json, "sig_valid"));
    }

    @Test
    void announceAndGetPeersOverIpv6BothWays() throws Exception {
        byte[] ltHash = new byte[20];
        new Random().nextBytes(ltHash);
        String announced = lt("announce", bracketed(OURS.get(1)), "--infohash", HEX.formatHex(ltHash));
        assertEquals("true", LtNode.field(announced, "ok"), announced);
        List<InetSocketAddress> peers = Await.result(OURS.get(5).getPeers(ltHash, LOOKUP), WAIT);
        assertTrue(peers.contains(new InetSocketAddress("::1", clientPort)),
                "libtorrent's IPv6 announce (implied port " + clientPort + ") found by us: " + peers);

        byte[] ourHash = new byte[20];
        new Random().nextBytes(ourHash);
        assertTrue(Await.result(OURS.get(3).announcePeer(ourHash, 40123), WAIT).acknowledged() >= 1);
        String json = lt("get-peers", "[::1]:" + ltA.port, "--infohash", HEX.formatHex(ourHash));
        assertTrue(LtNode.list(json, "peers").contains("[::1]:40123"), "18-byte peer values read by libtorrent: "
                + json);
    }

    private static List<NodeInfo> findNode(MainlineDht from, InetSocketAddress to) {
        CompletableFuture<List<NodeInfo>> nodes = new CompletableFuture<>();
        from.node().query(to, new Query.FindNode(new byte[20]), new ReplyHandler<>() {
            @Override
            public void onResponse(Response.NodesFound response) {
                nodes.complete(response.nodes());
            }

            @Override
            public void onError(KrpcError error) {
                nodes.completeExceptionally(new AssertionError(error.toString()));
            }

            @Override
            public void onFailure(QueryFailure failure) {
                nodes.completeExceptionally(new AssertionError("find_node to " + to + ": " + failure));
            }
        });
        return Await.result(nodes, WAIT);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
