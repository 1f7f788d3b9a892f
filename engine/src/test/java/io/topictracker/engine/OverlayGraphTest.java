package io.topictracker.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.api.PeerId;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Mutual links only: what the demo, the tests and the benchmark mean by "one connected overlay". */
class OverlayGraphTest {
    private static PeerId peer(int i) {
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) i);
        return PeerId.of(key);
    }

    private final PeerId a = peer(1);
    private final PeerId b = peer(2);
    private final PeerId c = peer(3);

    @Test
    void aChainOfMutualLinksIsConnectedWithItsHopDistances() {
        OverlayGraph graph = OverlayGraph.of(Map.of(a, Set.of(b), b, Set.of(a, c), c, Set.of(b)));
        assertTrue(graph.isConnected());
        assertTrue(graph.allLinksMutual());
        assertEquals(Map.of(a, 0, b, 1, c, 2), graph.hopsFrom(a));
    }

    @Test
    void aLinkOnlyOneSideHoldsDoesNotConnect() {
        // c lists b, but b has dropped c: the one-sided count used to call this connected
        OverlayGraph graph = OverlayGraph.of(Map.of(a, Set.of(b), b, Set.of(a), c, Set.of(b)));
        assertFalse(graph.isConnected());
        assertFalse(graph.allLinksMutual());
        assertEquals(Set.of(), graph.mutualNeighbours(c));
    }

    @Test
    void aNeighbourOutsideTheMembersAddsNoLinkAndNoGraphIsConnectedWithoutMembers() {
        OverlayGraph graph = OverlayGraph.of(Map.of(a, Set.of(peer(9))));
        assertTrue(graph.isConnected(), "one member alone reaches every member");
        assertFalse(graph.allLinksMutual());
        assertFalse(OverlayGraph.of(Map.of()).isConnected());
        assertEquals(Map.of(), graph.hopsFrom(peer(9)));
    }
}
