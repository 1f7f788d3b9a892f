package io.topictracker.dht.mainline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.dht.mainline.krpc.KrpcException;
import io.topictracker.dht.mainline.routing.NodeInfo;
import io.topictracker.dht.mainline.store.PeerStore;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The attacks of issue 16 on the peer store: one source announcing many ports on a victim's info-hash, then many
 * other info-hashes. Neither may push out another source's announcement.
 */
class PeerStoreFairnessTest {
    private static final InetSocketAddress VICTIM = new InetSocketAddress("198.51.100.7", 6881);
    private static final String ATTACKER = "203.0.113.66";
    private final byte[] victimHash = hash(1);
    private long now = 1_000;

    @Test
    void manyPortsFromOneIpReplaceOnlyThatIpsOwnAnnouncements() throws KrpcException {
        PeerStore store = new PeerStore(2000, 100, 100, 4);
        store.announce(victimHash, VICTIM, now);
        for (int port = 1; port <= 120; port++) {
            store.announce(victimHash, new InetSocketAddress(ATTACKER, port), now++);
        }
        List<byte[]> peers = store.peers(victimHash, now);
        assertTrue(containsVictim(peers), "the victim is still announced");
        assertEquals(5, peers.size(), "the victim and the attacker's 4 newest ports");
    }

    @Test
    void manyInfoHashesFromOneIpCannotEvictAnotherSourcesInfoHash() throws KrpcException {
        PeerStore store = new PeerStore(50, 100, 100, 4);
        store.announce(victimHash, VICTIM, now);
        int refused = 0;
        for (int i = 2; i <= 2100; i++) {
            try {
                store.announce(hash(i), new InetSocketAddress(ATTACKER, 1), now++);
            } catch (KrpcException full) {
                assertEquals(KrpcException.SERVER, full.code());
                refused++;
            }
        }
        assertTrue(containsVictim(store.peers(victimHash, now)), "the victim's info-hash is still there");
        assertTrue(store.size() <= 50, "bounded: " + store.size());
        assertTrue(refused == 0, "over its own quota the attacker replaces its own eldest, never refused here");
    }

    @Test
    void aFullInfoHashRefusesANewSourceRatherThanEvictAnother() throws KrpcException {
        PeerStore store = new PeerStore(10, 3, 100, 4);
        for (int i = 1; i <= 3; i++) {
            store.announce(victimHash, new InetSocketAddress("198.51.100." + i, 6881), now);
        }
        KrpcException full = assertThrows(KrpcException.class,
                () -> store.announce(victimHash, new InetSocketAddress(ATTACKER, 1), now));
        assertEquals(KrpcException.SERVER, full.code());
        assertEquals(3, store.peers(victimHash, now).size());
    }

    @Test
    void aFullTableRefusesANewInfoHashUnlessTheAnnouncerHoldsOneAlone() throws KrpcException {
        PeerStore store = new PeerStore(2, 10, 100, 4);
        store.announce(victimHash, VICTIM, now);
        store.announce(hash(2), new InetSocketAddress(ATTACKER, 1), now);
        assertThrows(KrpcException.class, () -> store.announce(hash(3), new InetSocketAddress("198.51.100.9", 1), now));
        store.announce(hash(4), new InetSocketAddress(ATTACKER, 1), now); // replaces the attacker's own info-hash
        assertTrue(containsVictim(store.peers(victimHash, now)));
        assertEquals(List.of(), store.peers(hash(2), now));
    }

    @Test
    void expiredAnnouncementsMakeRoomAgain() throws KrpcException {
        PeerStore store = new PeerStore(1, 10, 100, 4);
        store.announce(hash(2), new InetSocketAddress(ATTACKER, 1), now);
        now += PeerStore.EXPIRY_MILLIS;
        store.announce(victimHash, VICTIM, now);
        assertTrue(containsVictim(store.peers(victimHash, now)));
    }

    private static boolean containsVictim(List<byte[]> peers) {
        return peers.stream().anyMatch(compact -> VICTIM.equals(NodeInfo.decodeAddress(compact, 0)));
    }

    private static byte[] hash(int i) {
        byte[] hash = new byte[20];
        hash[0] = (byte) (i >>> 8);
        hash[1] = (byte) i;
        return hash;
    }
}
