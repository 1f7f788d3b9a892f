package io.topictracker.engine.topic;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.topictracker.api.PeerId;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which connection requests our records carry, and for how long. */
class RequestedPeersTest {
    private static final long LIFETIME = RequestedPeers.LIFETIME.toMillis();
    private final PeerId a = peer(1);
    private final PeerId b = peer(2);
    private final PeerId c = peer(3);
    private final RequestedPeers requests = new RequestedPeers();

    private static PeerId peer(int seed) {
        byte[] key = new byte[PeerId.LENGTH];
        key[0] = (byte) seed;
        return PeerId.of(key);
    }

    @Test
    void aRequestStandsForItsLifetimeNewestFirst() {
        requests.ask(List.of(a), 1_000);
        requests.ask(List.of(b), 2_000);
        assertEquals(List.of(b, a), requests.standing(Set.of(), 2_000));
        assertEquals(List.of(b, a), requests.standing(Set.of(), 1_000 + LIFETIME - 1));
        assertEquals(List.of(b), requests.standing(Set.of(), 1_000 + LIFETIME), "a's ended");
        assertEquals(List.of(), requests.standing(Set.of(), 2_000 + LIFETIME));
    }

    @Test
    void onlyTheNewestTwoAreKeptAndAskingAgainRenews() {
        requests.ask(List.of(a, b), 0);
        requests.ask(List.of(c), 10);
        assertEquals(List.of(c, b), requests.standing(Set.of(), 10), "a, the oldest, made room");
        requests.ask(List.of(b), LIFETIME - 1);
        assertEquals(List.of(b, c), requests.standing(Set.of(), LIFETIME - 1));
        assertEquals(List.of(b), requests.standing(Set.of(), LIFETIME + 10), "b's renewed, c's ended");
    }

    @Test
    void aNeighbourIsNotAskedButItsRequestStandsIfTheLinkDrops() {
        requests.ask(List.of(a, b), 0);
        assertEquals(List.of(b), requests.standing(Set.of(a), 5));
        assertEquals(List.of(b, a), requests.standing(Set.of(), 6));
    }
}
