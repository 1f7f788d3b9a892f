package io.topictracker.dht.mainline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.api.ConfigTable;
import io.topictracker.api.dht.Bep44;
import io.topictracker.api.dht.MutableItem;
import io.topictracker.api.dht.MutableQuery;
import io.topictracker.api.signing.SigningKeyPair;
import io.topictracker.api.signing.SigningProvider;
import io.topictracker.dht.mainline.krpc.KrpcError;
import io.topictracker.dht.mainline.krpc.Query;
import io.topictracker.dht.mainline.krpc.Response;
import io.topictracker.dht.mainline.node.DhtNode;
import io.topictracker.dht.mainline.node.QueryFailure;
import io.topictracker.dht.mainline.node.ReplyHandler;
import io.topictracker.signing.bc.BouncyCastleEd25519Provider;
import io.topictracker.tck.Await;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Interop with libtorrent 2.0.8 (Debian's python3-libtorrent, driven by this module's src/test/python/lt_node.py) in
 * one mixed loopback testnet: 8 of our nodes and 2 libtorrent nodes, plus libtorrent one-shot clients. Tagged
 * {@code interop}: the default build leaves it out, {@code mvn -B verify -Pinterop} runs it, and there it fails, with
 * what to install, when libtorrent is missing (never skips). CI ({@code .ci/run}) installs it.
 */
@Tag("interop")
class LibtorrentInteropTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Duration LOOKUP = Duration.ofSeconds(8);
    private static final SigningProvider SIGNING = new BouncyCastleEd25519Provider();
    private static final HexFormat HEX = HexFormat.of();
    private static Path dir;
    private static LocalTestnet net;
    private static LtNode ltA;
    private static LtNode ltB;
    private static int clientPort;
    private static String clientNodeId;

    @BeforeAll
    static void startMixedTestnet() throws Exception {
        LtNode.requireLibtorrent();
        dir = Files.createTempDirectory("lt-interop");
        net = LocalTestnet.builder(SIGNING).nodes(8).startTimeout(WAIT).start();
        ltA = LtNode.serve(LtNode.freePort(), List.of(net.bootstrapAddress()), 300, dir);
        ltB = LtNode.serve(LtNode.freePort(), List.of("127.0.0.1:" + net.nodes().get(4).localAddress().getPort(),
                "127.0.0.1:" + ltA.port), 300, dir);
        clientPort = LtNode.freePort();
        byte[] id = new byte[20];
        new Random().nextBytes(id);
        clientNodeId = HEX.formatHex(id);
        // our nodes learn the libtorrent nodes as those bootstrap through them
        Await.until(WAIT, "a libtorrent node in our routing tables", () -> net.nodes().stream().anyMatch(n ->
                Await.result(n.routingTableAddresses(), WAIT).stream().anyMatch(a -> a.getPort() == ltA.port)));
    }

    @AfterAll
    static void stopAll() throws Exception {
        try {
            if (ltA != null) {
                ltA.close();
            }
            if (ltB != null) {
                ltB.close();
            }
        } finally {
            if (net != null) {
                net.close();
            }
        }
    }

    private static String lt(String command, String bootstrap, String... extra) throws Exception {
        String[] args = new String[8 + extra.length];
        args[0] = command;
        args[1] = "--port";
        args[2] = Integer.toString(clientPort);
        args[3] = "--bootstrap";
        args[4] = bootstrap;
        args[5] = "--node-id";
        args[6] = clientNodeId;
        args[7] = "--timeout=20";
        System.arraycopy(extra, 0, args, 8, extra.length);
        return LtNode.run(dir, WAIT, args);
    }

    private static byte[] seed() {
        byte[] seed = new byte[32];
        new Random().nextBytes(seed);
        return seed;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static List<MutableItem> ourGet(MainlineDht dht, byte[] key, byte[] salt) {
        List<MutableItem> items = new CopyOnWriteArrayList<>();
        Await.result(dht.getMutable(MutableQuery.of(key, salt, OptionalLong.empty(), LOOKUP), items::add), WAIT);
        return items;
    }

    @Test
    void libtorrentPutsASaltedItemAndWeGetIt() throws Exception {
        byte[] seed = seed();
        SigningKeyPair key = SIGNING.fromSeed(seed);
        String json = lt("put", net.bootstrapAddress(), "--seed", HEX.formatHex(seed), "--salt", "lt-salt",
                "--value", "hello from libtorrent");
        assertEquals("true", LtNode.field(json, "ok"), json);
        long seq = Long.parseLong(LtNode.field(json, "seq"));
        List<MutableItem> found = ourGet(net.nodes().get(6), key.publicKey(), bytes("lt-salt"));
        assertTrue(!found.isEmpty(), "our get found libtorrent's item: " + json);
        MutableItem item = found.get(0);
        assertArrayEquals(bytes("hello from libtorrent"), item.value());
        assertEquals(seq, item.seq());
        assertArrayEquals(HEX.parseHex(LtNode.field(json, "sig")), item.signature());
        assertTrue(item.verify(SIGNING), "valid signature");
    }

    @Test
    void wePutAndLibtorrentGetsIt() throws Exception {
        byte[] seed = seed();
        SigningKeyPair key = SIGNING.fromSeed(seed);
        MutableItem item = MutableItem.sign(key, bytes("our-salt"), 3, bytes("hello from Java"));
        assertTrue(Await.result(net.nodes().get(2).putMutable(item), WAIT).acknowledged() >= 1);
        String json = lt("get", net.bootstrapAddress(), "--pubkey", HEX.formatHex(key.publicKey()), "--salt",
                "our-salt");
        assertEquals("true", LtNode.field(json, "found"), json);
        assertEquals("hello from Java", LtNode.field(json, "value"));
        assertEquals("3", LtNode.field(json, "seq"));
        assertEquals("true", LtNode.field(json, "sig_valid"));
    }

    @Test
    void libtorrentRefusesAnOlderSeqWith302() throws Exception {
        SigningKeyPair key = SIGNING.generate();
        byte[] salt = bytes("seq-test");
        DhtNode ours = net.nodes().get(1).node();
        InetSocketAddress lt = new InetSocketAddress("127.0.0.1", ltA.port);
        Response.ItemFound got = assertInstanceOf(Response.ItemFound.class,
                ask(ours, lt, new Query.GetItem(Bep44.target(key.publicKey(), salt), null)));
        assertInstanceOf(Response.Stored.class, ask(ours, lt, put(key, salt, 5, got.token())));
        KrpcError older = assertInstanceOf(KrpcError.class, ask(ours, lt, put(key, salt, 4, got.token())));
        assertEquals(302, older.code(), older.message());
        // and ours answers the same way to the same put
        InetSocketAddress our = net.nodes().get(5).localAddress();
        byte[] ourToken = assertInstanceOf(Response.ItemFound.class,
                ask(ours, our, new Query.GetItem(new byte[20], null))).token();
        assertInstanceOf(Response.Stored.class, ask(ours, our, put(key, salt, 5, ourToken)));
        assertEquals(302, assertInstanceOf(KrpcError.class, ask(ours, our, put(key, salt, 4, ourToken))).code());
    }

    @Test
    void announceAndGetPeersBothWays() throws Exception {
        byte[] ltHash = new byte[20];
        new Random().nextBytes(ltHash);
        String announced = lt("announce", net.bootstrapAddress(), "--infohash", HEX.formatHex(ltHash));
        assertEquals("true", LtNode.field(announced, "ok"), announced);
        List<InetSocketAddress> peers = Await.result(net.nodes().get(7).getPeers(ltHash, LOOKUP), WAIT);
        assertTrue(peers.contains(new InetSocketAddress("127.0.0.1", clientPort)),
                "libtorrent's announce (implied port " + clientPort + ") found by us: " + peers);

        byte[] ourHash = new byte[20];
        new Random().nextBytes(ourHash);
        assertTrue(Await.result(net.nodes().get(3).announcePeer(ourHash, 40123), WAIT).acknowledged() >= 1);
        String json = lt("get-peers", net.bootstrapAddress(), "--infohash", HEX.formatHex(ourHash));
        assertTrue(LtNode.list(json, "peers").contains("127.0.0.1:40123"), json);
    }

    @Test
    void libtorrentAndOurNodesRouteEachOthersLookups() throws Exception {
        SigningKeyPair key = SIGNING.generate();
        MutableItem item = MutableItem.sign(key, new byte[0], 1, bytes("routed"));
        Await.result(net.nodes().get(0).putMutable(item), WAIT);
        // one of ours whose only way in is a libtorrent node
        MainlineDht viaLibtorrent = net.addNode(ConfigTable.of("x", Map.of("bootstrap",
                List.of("127.0.0.1:" + ltB.port))), WAIT);
        // The table fills from libtorrent's answers to the bootstrap's lookups, some of which may still be on their way
        // when start() completes: wait for it, bounded.
        Await.until(WAIT, "libtorrent told us about the other nodes",
                () -> Await.result(viaLibtorrent.routingTableSize(), WAIT) >= 4);
        assertEquals(List.of(item), ourGet(viaLibtorrent, key.publicKey(), new byte[0]));
        // a libtorrent client whose only way in is the other libtorrent node finds what we stored
        String json = lt("get", "127.0.0.1:" + ltB.port, "--pubkey", HEX.formatHex(key.publicKey()), "--salt", "");
        assertEquals("true", LtNode.field(json, "found"), json);
        assertEquals("routed", LtNode.field(json, "value"));
    }

    private static Query.PutItem put(SigningKeyPair key, byte[] salt, long seq, byte[] token) {
        byte[] value = bytes("seq " + seq);
        return new Query.PutItem(value, key.publicKey(), salt, seq, key.sign(Bep44.signable(salt, seq, value)), null,
                token);
    }

    /** @return the remote's {@link Response} or {@link KrpcError} */
    private static <R extends Response> Object ask(DhtNode node, InetSocketAddress to, Query<R> query) {
        CompletableFuture<Object> reply = new CompletableFuture<>();
        node.query(to, query, new ReplyHandler<R>() {
            @Override
            public void onResponse(R response) {
                reply.complete(response);
            }

            @Override
            public void onError(KrpcError error) {
                reply.complete(error);
            }

            @Override
            public void onFailure(QueryFailure failure) {
                reply.completeExceptionally(new AssertionError(query.method() + " to " + to + ": " + failure));
            }
        });
        return Await.result(reply, WAIT);
    }
}
