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

    @Test
    void newestDropsTheFirstPutPastTheBoundWhateverWasRead() {
        Map<PeerId, Integer> map = PeerMaps.newest(2);
        map.put(peer(1), 1);
        map.put(peer(2), 2);
        map.get(peer(1));
        map.put(peer(3), 3);
        assertEquals(List.of(peer(2), peer(3)), List.copyOf(map.keySet()));
    }

    @Test
    void leastRecentlyUsedDropsTheOneLeastRecentlyReadOrPut() {
        Map<PeerId, Integer> map = PeerMaps.leastRecentlyUsed(2);
        map.put(peer(1), 1);
        map.put(peer(2), 2);
        map.get(peer(1));
        map.put(peer(3), 3);
        assertEquals(List.of(peer(1), peer(3)), List.copyOf(map.keySet()));
    }

    @Test
    void aBoundBelowOneIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> PeerMaps.newest(0));
    }
}
