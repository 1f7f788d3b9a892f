package io.topictracker.dht.mainline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.api.dht.Bep44;
import io.topictracker.api.signing.SigningKeyPair;
import io.topictracker.api.signing.SigningProvider;
import io.topictracker.dht.mainline.krpc.KrpcException;
import io.topictracker.dht.mainline.krpc.KrpcMessage;
import io.topictracker.dht.mainline.krpc.Query;
import io.topictracker.dht.mainline.node.QueryHandler;
import io.topictracker.dht.mainline.routing.NodeInfo;
import io.topictracker.dht.mainline.routing.RoutingTable;
import io.topictracker.dht.mainline.store.ItemStore;
import io.topictracker.dht.mainline.store.PeerStore;
import io.topictracker.dht.mainline.store.TokenIssuer;
import io.topictracker.signing.bc.BouncyCastleEd25519Provider;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The server side of BEP5 and BEP44 without any network: tokens, storage rules and their error codes. */
class QueryHandlerTest {
    private static final SigningProvider SIGNING = new BouncyCastleEd25519Provider();
    private final InetSocketAddress alice = new InetSocketAddress("127.0.0.1", 4000);
    private final InetSocketAddress bob = new InetSocketAddress("127.0.0.2", 4000);
    private final TokenIssuer tokens = new TokenIssuer(0);
    private final ItemStore items = new ItemStore(SIGNING, 100, 3);
    private final QueryHandler handler = new QueryHandler(new RoutingTable(new byte[20], 8, 2), tokens, items,
            new PeerStore(10, 10, 10, 4));
    private final SigningKeyPair key = SIGNING.generate();
    private long now = 1000;

    private Map<String, Object> call(InetSocketAddress from, String method, Map<String, Object> args)
            throws KrpcException {
        Map<String, Object> a = new TreeMap<>(args);
        a.put("id", new byte[20]);
        return answer(handler, from, method, a);
    }

    /** Parses the query as the socket does (the sender's id first) and answers it; returns the {@code r} sent. */
    private Map<String, Object> answer(QueryHandler on, InetSocketAddress from, String method, Map<String, Object> a)
            throws KrpcException {
        KrpcMessage.id20(a, "id");
        return on.answer(Query.parse(method, a), from, now).values();
    }

    private byte[] token(InetSocketAddress from) throws KrpcException {
        return (byte[]) call(from, "get", Map.of("target", new byte[20])).get("token");
    }

    private Map<String, Object> putArgs(byte[] salt, long seq, byte[] value, InetSocketAddress from)
            throws KrpcException {
        Map<String, Object> a = new TreeMap<>();
        a.put("token", token(from));
        a.put("k", key.publicKey());
        if (salt.length > 0) {
            a.put("salt", salt);
        }
        a.put("seq", seq);
        a.put("v", value);
        a.put("sig", key.sign(Bep44.signable(salt, seq, value)));
        return a;
    }

    private int errorCode(InetSocketAddress from, String method, Map<String, Object> args) {
        return assertThrows(KrpcException.class, () -> call(from, method, args)).code();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void putThenGetReturnsTheSignedItem() throws Exception {
        call(alice, "put", putArgs(bytes("salt"), 3, bytes("value"), alice));
        Map<String, Object> r = call(bob, "get", Map.of("target", Bep44.target(key.publicKey(), bytes("salt"))));
        assertArrayEquals(bytes("value"), (byte[]) r.get("v"));
        assertEquals(3L, r.get("seq"));
        assertArrayEquals(key.publicKey(), (byte[]) r.get("k"));
        // BEP44: with seq given, v only comes back when the stored seq is greater
        Map<String, Object> upToDate = call(bob, "get",
                Map.of("target", Bep44.target(key.publicKey(), bytes("salt")), "seq", 3L));
        assertNull(upToDate.get("v"));
        assertEquals(3L, upToDate.get("seq"));
    }

    @Test
    void bep44ErrorCodes() throws Exception {
        Map<String, Object> tooBig = putArgs(new byte[0], 1, new byte[997], alice);
        assertEquals(205, errorCode(alice, "put", tooBig));
        Map<String, Object> badSig = putArgs(new byte[0], 1, bytes("v"), alice);
        ((byte[]) badSig.get("sig"))[0] ^= 1;
        assertEquals(206, errorCode(alice, "put", badSig));
        assertEquals(207, errorCode(alice, "put", putArgs(new byte[65], 1, bytes("v"), alice)));
        call(alice, "put", putArgs(new byte[0], 5, bytes("five"), alice));
        assertEquals(302, errorCode(alice, "put", putArgs(new byte[0], 4, bytes("four"), alice)));
        Map<String, Object> cas = putArgs(new byte[0], 6, bytes("six"), alice);
        cas.put("cas", 4L);
        assertEquals(301, errorCode(alice, "put", cas));
        cas.put("cas", 5L);
        call(alice, "put", cas);
        assertEquals(1, items.size());
    }

    @Test
    void tokensAreBoundToTheRequesterIpAndExpireAfterTwoRotations() throws Exception {
        Map<String, Object> fromBobToken = putArgs(new byte[0], 1, bytes("v"), bob);
        assertEquals(203, errorCode(alice, "put", fromBobToken));
        Map<String, Object> a = putArgs(new byte[0], 1, bytes("v"), alice);
        now += TokenIssuer.ROTATE_MILLIS + 1; // previous secret: still accepted
        call(alice, "put", a);
        Map<String, Object> b = putArgs(new byte[0], 2, bytes("w"), alice);
        now += 2 * TokenIssuer.ROTATE_MILLIS + 1;
        assertEquals(203, errorCode(alice, "put", b));
    }

    @Test
    void itemsArePerIpBoundedAndExpireAfterTwoHours() throws Exception {
        for (int i = 0; i < 3; i++) {
            call(alice, "put", putArgs(bytes("s" + i), 1, bytes("v"), alice));
        }
        assertEquals(202, errorCode(alice, "put", putArgs(bytes("s3"), 1, bytes("v"), alice)));
        call(bob, "put", putArgs(bytes("s3"), 1, bytes("v"), bob));
        assertEquals(4, items.size());
        now += ItemStore.EXPIRY_MILLIS;
        items.expire(now);
        assertEquals(0, items.size());
    }

    @Test
    void anIdenticalRePutIsNotVerifiedAgain() throws Exception {
        int[] verifications = {0};
        SigningProvider counting = new SigningProvider() {
            @Override
            public String id() {
                return "counting";
            }

            @Override
            public io.topictracker.api.signing.SigningKeyPair generate() {
                return SIGNING.generate();
            }

            @Override
            public io.topictracker.api.signing.SigningKeyPair fromSeed(byte[] seed32) {
                return SIGNING.fromSeed(seed32);
            }

            @Override
            public boolean verify(byte[] publicKey, byte[] message, byte[] signature) {
                verifications[0]++;
                return SIGNING.verify(publicKey, message, signature);
            }
        };
        QueryHandler counted = new QueryHandler(new RoutingTable(new byte[20], 8, 2), tokens,
                new ItemStore(counting, 10, 10), new PeerStore(1, 1, 1, 1));
        Map<String, Object> args = putArgs(new byte[0], 1, bytes("v"), alice);
        args.put("id", new byte[20]);
        answer(counted, alice, "put", args);
        answer(counted, alice, "put", args);
        assertEquals(1, verifications[0]);
        Map<String, Object> forged = new TreeMap<>(args);
        forged.put("v", bytes("w"));
        assertEquals(206, assertThrows(KrpcException.class,
                () -> answer(counted, alice, "put", forged)).code());
    }

    @Test
    void immutableItemsAreStoredUnderTheHashOfV() throws Exception {
        Map<String, Object> a = new TreeMap<>();
        a.put("token", token(alice));
        a.put("v", bytes("immutable"));
        call(alice, "put", a);
        Map<String, Object> r = call(bob, "get",
                Map.of("target", io.topictracker.api.dht.BitTorrentDht.immutableTarget(bytes("immutable"))));
        assertArrayEquals(bytes("immutable"), (byte[]) r.get("v"));
        assertNull(r.get("k"));
    }

    @Test
    void announcePeerNeedsATokenAndGetPeersReturnsPeers() throws Exception {
        byte[] infoHash = new byte[20];
        infoHash[3] = 7;
        Map<String, Object> gp = call(alice, "get_peers", Map.of("info_hash", infoHash));
        assertNull(gp.get("values"));
        assertEquals(203, errorCode(alice, "announce_peer",
                Map.of("info_hash", infoHash, "port", 6881L, "token", new byte[8])));
        call(alice, "announce_peer", Map.of("info_hash", infoHash, "port", 6881L, "token", gp.get("token")));
        call(alice, "announce_peer", Map.of("info_hash", infoHash, "port", 1L, "implied_port", 1L,
                "token", gp.get("token")));
        List<?> values = (List<?>) call(bob, "get_peers", Map.of("info_hash", infoHash)).get("values");
        assertEquals(2, values.size());
        assertTrue(values.stream().anyMatch(v -> NodeInfo.decodeAddress((byte[]) v, 0)
                .equals(new InetSocketAddress("127.0.0.1", 6881))));
    }

    @Test
    void badArgumentsAre203AndUnknownMethods204() throws Exception {
        assertEquals(203, errorCode(alice, "find_node", Map.of("target", new byte[19])));
        assertEquals(204, errorCode(alice, "frobnicate", Map.of()));
        Map<String, Object> noId = Map.of("target", new byte[20]);
        assertEquals(203, assertThrows(KrpcException.class,
                () -> answer(handler, alice, "find_node", noId))
                .code());
        assertNotNull(call(alice, "find_node", Map.of("target", new byte[20])).get("nodes"));
        assertFalse(call(alice, "ping", Map.of()).isEmpty());
    }
}
