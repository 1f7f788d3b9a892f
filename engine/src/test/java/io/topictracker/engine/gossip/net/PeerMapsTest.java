package io.topictracker.engine.gossip.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.topictracker.api.PeerId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PeerMapsTest {
    private static PeerId peer(int n) {
        byte[] id = new byte[32];
        id[0] = (byte) n;
        return PeerId.of(id);
    }

    /** @return the keys left after putting peers 1 and 2, reading 1, and putting 3 into a map bounded at 2 */
    private static List<PeerId> afterPutPutReadPut(Map<PeerId, Integer> map) {
        map.put(peer(1), 1);
        map.put(peer(2), 2);
        map.get(peer(1));
        map.put(peer(3), 3);
        return List.copyOf(map.keySet());
    }

    @Test
    void newestDropsTheFirstPutPastTheBoundWhateverWasRead() {
        assertEquals(List.of(peer(2), peer(3)), afterPutPutReadPut(PeerMaps.newest(2)));
    }

    @Test
    void leastRecentlyUsedDropsTheOneLeastRecentlyReadOrPut() {
        assertEquals(List.of(peer(1), peer(3)), afterPutPutReadPut(PeerMaps.leastRecentlyUsed(2)));
    }

    @Test
    void aBoundBelowOneIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> PeerMaps.newest(0));
    }
}
