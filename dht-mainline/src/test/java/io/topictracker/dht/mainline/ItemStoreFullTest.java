package io.topictracker.dht.mainline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.topictracker.api.dht.Bep44;
import io.topictracker.api.signing.SigningKeyPair;
import io.topictracker.api.signing.SigningProvider;
import io.topictracker.dht.mainline.krpc.KrpcException;
import io.topictracker.dht.mainline.krpc.KrpcMessage;
import io.topictracker.dht.mainline.krpc.Query;
import io.topictracker.dht.mainline.node.QueryHandler;
import io.topictracker.dht.mainline.routing.RoutingTable;
import io.topictracker.dht.mainline.store.ItemStore;
import io.topictracker.dht.mainline.store.PeerStore;
import io.topictracker.dht.mainline.store.TokenIssuer;
import io.topictracker.signing.bc.BouncyCastleEd25519Provider;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * BEP44 items when the store is full (issue 16), the policy dht-mainline/README.md states: the item stored or re-put
 * longest ago goes to make room; a re-put makes an item young again (a topic's owners re-put their records every
 * minute); one IP holds at most {@code max_items_per_ip} items, so a source can push out at most that many others,
 * and past its bound its puts are refused with 202 and push out nothing.
 */
class ItemStoreFullTest {
    private static final SigningProvider SIGNING = new BouncyCastleEd25519Provider();
    private final InetSocketAddress alice = new InetSocketAddress("127.0.0.1", 4000);
    private final InetSocketAddress bob = new InetSocketAddress("127.0.0.2", 4000);
    private final InetSocketAddress mallory = new InetSocketAddress("127.0.0.3", 4000);
    private final TokenIssuer tokens = new TokenIssuer(0);
    /** Room for 4 items, 2 per IP. */
    private final ItemStore items = new ItemStore(SIGNING, 4, 2);
    private final QueryHandler handler = new QueryHandler(new RoutingTable(new byte[20], 8, 2), tokens, items,
            new PeerStore(10, 10, 10, 4));
    private final SigningKeyPair key = SIGNING.generate();
    private long now = 1000;

    @Test
    void theItemStoredOrReputLongestAgoMakesRoomAndOneSourcePushesOutAtMostItsBound() throws Exception {
        put(alice, "a0");
        now += 1;
        put(alice, "a1");
        now += 1;
        put(bob, "b0");
        now += 1;
        put(bob, "b1");
        long b1StoredAt = now;
        assertEquals(4, items.size(), "full");

        now += 1;
        put(alice, "a0"); // the owner re-puts its record: a0 is now the youngest, a1 the eldest
        now += 1;
        put(mallory, "m0");

        assertNull(stored("a1"), "the item stored longest ago went");
        assertNotNull(stored("a0"), "the re-put item stayed");
        assertNotNull(stored("b0"));
        now += 1;
        put(mallory, "m1");
        assertNull(stored("b0"), "the next eldest went");
        assertEquals(4, items.size());

        // Mallory is at its bound: further puts are refused and push out nobody.
        for (int i = 2; i < 20; i++) {
            now += 1;
            int index = i;
            assertEquals(202, assertThrows(KrpcException.class, () -> put(mallory, "m" + index)).code());
        }
        assertNotNull(stored("a0"));
        assertNotNull(stored("b1"));
        assertEquals(4, items.size());

        // Room made by expiry (two hours) is taken without evicting anyone.
        now = b1StoredAt + ItemStore.EXPIRY_MILLIS;
        items.expire(now);
        assertEquals(3, items.size(), "b1, the eldest, expired");
        put(bob, "b2");
        assertNotNull(stored("a0"));
        assertNotNull(stored("m0"));
        assertNotNull(stored("m1"));
        assertNotNull(stored("b2"));
    }

    private StoredView stored(String salt) {
        byte[] target = Bep44.target(key.publicKey(), salt.getBytes(StandardCharsets.UTF_8));
        return items.get(target, now) == null ? null : new StoredView();
    }

    /** A non-null marker: the item is held. */
    private record StoredView() {}

    private void put(InetSocketAddress from, String salt) throws KrpcException {
        byte[] saltBytes = salt.getBytes(StandardCharsets.UTF_8);
        byte[] value = "v".getBytes(StandardCharsets.UTF_8);
        Map<String, Object> a = new TreeMap<>();
        a.put("token", token(from));
        a.put("k", key.publicKey());
        a.put("salt", saltBytes);
        a.put("seq", 1L);
        a.put("v", value);
        a.put("sig", key.sign(Bep44.signable(saltBytes, 1, value)));
        answer(from, "put", a);
    }

    private byte[] token(InetSocketAddress from) throws KrpcException {
        Map<String, Object> a = new TreeMap<>();
        a.put("target", new byte[20]);
        return (byte[]) answer(from, "get", a).get("token");
    }

    private Map<String, Object> answer(InetSocketAddress from, String method, Map<String, Object> args)
            throws KrpcException {
        args.put("id", new byte[20]);
        KrpcMessage.id20(args, "id");
        return handler.answer(Query.parse(method, args), from, now).values();
    }
}
