package io.topictracker.dht.mainline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.api.ConfigTable;
import io.topictracker.api.dht.BitTorrentDht;
import io.topictracker.api.dht.DhtException;
import io.topictracker.api.dht.LookupSummary;
import io.topictracker.api.dht.MutableItem;
import io.topictracker.api.dht.MutableQuery;
import io.topictracker.api.dht.PutSummary;
import io.topictracker.api.signing.SigningKeyPair;
import io.topictracker.api.signing.SigningProvider;
import io.topictracker.signing.bc.BouncyCastleEd25519Provider;
import io.topictracker.tck.Await;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A 16-node loopback testnet: BEP44 and BEP5 operations between different nodes. */
class TestnetEndToEndTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration LOOKUP = Duration.ofSeconds(5);
    private static final SigningProvider SIGNING = new BouncyCastleEd25519Provider();
    private static LocalTestnet net;

    @BeforeAll
    static void startTestnet() {
        net = LocalTestnet.builder(SIGNING).nodes(16).startTimeout(WAIT).start();
    }

    @AfterAll
    static void stopTestnet() {
        if (net != null) {
            net.close();
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static MainlineDht node(int i) {
        return net.nodes().get(i);
    }

    private static List<MutableItem> getAll(MainlineDht dht, SigningKeyPair key, byte[] salt) {
        List<MutableItem> items = new CopyOnWriteArrayList<>();
        LookupSummary summary = Await.result(dht.getMutable(
                MutableQuery.of(key.publicKey(), salt, OptionalLong.empty(), LOOKUP), items::add), WAIT);
        assertEquals(items.size(), summary.itemsDelivered());
        assertTrue(summary.queriesSent() > 0 && summary.nodesResponded() > 0, summary.toString());
        return items;
    }

    @Test
    void everyNodeJoinedAndKnowsOthers() {
        for (MainlineDht dht : net.nodes()) {
            assertTrue(Await.result(dht.routingTableSize(), WAIT) >= 3, dht + " has a routing table");
        }
    }

    /**
     * The testnet's nodes share one signature verdict cache: an item stored on the 8 closest nodes and read from
     * another node is verified once in all, not once per storing node and again by the getter. Once per event-loop
     * thread at most: the cache holds no lock while it verifies, so two storing nodes on the testnet's two threads
     * can both miss it at the same moment.
     */
    @Test
    void aPutAndAGetVerifyTheItemOnceInTheWholeTestnet() {
        SigningKeyPair key = SIGNING.generate();
        MutableItem item = MutableItem.sign(key, bytes("verify once"), 1, bytes("verified by one node"));
        long before = node(0).signatureVerifications();
        PutSummary put = Await.result(node(5).putMutable(item), WAIT);
        assertTrue(put.acknowledged() >= 1, put.toString());
        assertEquals(List.of(item), getAll(node(11), key, bytes("verify once")));
        long verified = node(0).signatureVerifications() - before;
        assertTrue(verified >= 1 && verified <= 2, "verified " + verified + " times by a testnet of 2 threads");
    }

    @Test
    void putOnOneNodeIsFoundFromAnother() {
        SigningKeyPair key = SIGNING.generate();
        MutableItem item = MutableItem.sign(key, bytes("salt"), 7, bytes("hello from node 3"));
        PutSummary put = Await.result(node(3).putMutable(item), WAIT);
        assertTrue(put.acknowledged() >= 1 && put.acknowledged() <= 8 && put.attempted() <= 8, put.toString());
        assertEquals(List.of(item), getAll(node(12), key, bytes("salt")));
        assertEquals(List.of(), getAll(node(12), key, bytes("other salt")));
    }

    @Test
    void severalWritersOfOneSlotAreAllVisible() {
        SigningKeyPair slot = SIGNING.generate();
        Set<MutableItem> written = new HashSet<>();
        for (int i = 0; i < 4; i++) {
            MutableItem item = MutableItem.sign(slot, bytes("minute"), 0, bytes("writer " + i));
            Await.result(node(1 + i * 3).putMutable(item), WAIT);
            written.add(item);
        }
        assertEquals(written, new HashSet<>(getAll(node(15), slot, bytes("minute"))));
    }

    @Test
    void olderSeqIsRefusedWith302AndCasIsChecked() {
        SigningKeyPair key = SIGNING.generate();
        Await.result(node(2).putMutable(MutableItem.sign(key, new byte[0], 5, bytes("five"))), WAIT);
        Throwable old = Await.failure(node(5).putMutable(MutableItem.sign(key, new byte[0], 4, bytes("four"))), WAIT);
        assertEquals(DhtException.Reason.SEQ_TOO_OLD, assertInstanceOf(DhtException.class, old).reason());
        Throwable cas = Await.failure(node(6).putMutable(MutableItem.sign(key, new byte[0], 6, bytes("six")),
                OptionalLong.of(4)), WAIT);
        assertEquals(DhtException.Reason.CAS_MISMATCH, assertInstanceOf(DhtException.class, cas).reason());
        MutableItem six = MutableItem.sign(key, new byte[0], 6, bytes("six"));
        Await.result(node(6).putMutable(six, OptionalLong.of(5)), WAIT);
        assertEquals(List.of(six), getAll(node(9), key, new byte[0]));
    }

    @Test
    void anItemSignedHereIsNotCheckedBeforeThePutButTheStoringNodesRefuseABadSignersItem() {
        SigningKeyPair key = SIGNING.generate();
        SigningKeyPair badSigner = new SigningKeyPair() {
            @Override
            public byte[] publicKey() {
                return key.publicKey();
            }

            @Override
            public byte[] seed() {
                return key.seed();
            }

            @Override
            public byte[] sign(byte[] message) {
                byte[] signature = key.sign(message);
                signature[3] ^= 1;
                return signature;
            }
        };
        MutableItem item = MutableItem.sign(badSigner, bytes("bad signer"), 1, bytes("value"));
        assertTrue(item.signedHere());
        assertFalse(MutableItem.of(item.publicKey(), item.salt(), 1, item.value(), item.signature()).signedHere());
        assertEquals(item, MutableItem.of(item.publicKey(), item.salt(), 1, item.value(), item.signature()),
                "where an item was signed is not part of its value");

        Throwable e = Await.failure(node(5).putMutable(item), WAIT);

        DhtException refusal = assertInstanceOf(DhtException.class, e);
        assertEquals(DhtException.Reason.INVALID_SIGNATURE, refusal.reason());
        // the storing nodes' refusal, not a local check
        assertTrue(refusal.getMessage().contains("answered): 206 invalid signature"), refusal.getMessage());
        assertEquals(List.of(), getAll(node(9), key, bytes("bad signer")));
    }

    @Test
    void invalidSignatureIsNeverSentNorStored() {
        SigningKeyPair key = SIGNING.generate();
        MutableItem good = MutableItem.sign(key, bytes("s"), 1, bytes("value"));
        MutableItem forged = MutableItem.of(key.publicKey(), bytes("s"), 1, bytes("forged"), good.signature());
        Throwable e = Await.failure(node(4).putMutable(forged), WAIT);
        assertEquals(DhtException.Reason.INVALID_SIGNATURE, assertInstanceOf(DhtException.class, e).reason());
        assertEquals(List.of(), getAll(node(8), key, bytes("s")));
    }

    @Test
    void largestItemRoundTrips() {
        SigningKeyPair key = SIGNING.generate();
        byte[] value = new byte[996];
        value[0] = 9;
        byte[] salt = new byte[64];
        MutableItem item = MutableItem.sign(key, salt, 1, value);
        Await.result(node(7).putMutable(item), WAIT);
        List<MutableItem> found = getAll(node(10), key, salt);
        assertEquals(1, found.size());
        assertArrayEquals(value, found.get(0).value());
    }

    @Test
    void immutableItemsRoundTrip() {
        byte[] value = bytes("an immutable value");
        assertTrue(Await.result(node(1).putImmutable(value), WAIT).acknowledged() >= 1);
        Optional<byte[]> found = Await.result(node(14).getImmutable(BitTorrentDht.immutableTarget(value), LOOKUP),
                WAIT);
        assertArrayEquals(value, found.orElseThrow());
        assertTrue(Await.result(node(14).getImmutable(BitTorrentDht.immutableTarget(bytes("absent")), LOOKUP), WAIT)
                .isEmpty());
    }

    @Test
    void announcedPeersAreFound() {
        byte[] infoHash = new byte[20];
        infoHash[0] = 42;
        assertTrue(Await.result(node(2).announcePeer(infoHash, 51413), WAIT).acknowledged() >= 1);
        assertTrue(Await.result(node(11).announcePeer(infoHash, 0), WAIT).acknowledged() >= 1);
        List<InetSocketAddress> peers = Await.result(node(13).getPeers(infoHash, LOOKUP), WAIT);
        assertTrue(peers.contains(new InetSocketAddress("127.0.0.1", 51413)), peers.toString());
        assertTrue(peers.contains(node(11).localAddress()), "implied port is the UDP port: " + peers);
    }

    @Test
    void readOnlyNodeCanGetButIsNotAddedToTables() {
        SigningKeyPair key = SIGNING.generate();
        MutableItem item = MutableItem.sign(key, new byte[0], 1, bytes("for a read-only reader"));
        Await.result(node(0).putMutable(item), WAIT);
        MainlineDht readOnly = net.addNode(ConfigTable.of("x", Map.of("read_only", true)), WAIT);
        assertEquals(List.of(item), getAll(readOnly, key, new byte[0]));
        for (MainlineDht dht : net.nodes()) {
            if (dht != readOnly) {
                assertTrue(!Await.result(dht.routingTableAddresses(), WAIT).contains(readOnly.localAddress()),
                        "BEP43: read-only node not in " + dht + "'s table");
            }
        }
    }
}
