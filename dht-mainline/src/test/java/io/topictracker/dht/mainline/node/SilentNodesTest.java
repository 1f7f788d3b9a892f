package io.topictracker.dht.mainline.node;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class SilentNodesTest {
    private static final long SECOND = 1_000_000_000L;
    private final SilentNodes silent = new SilentNodes();
    private final InetSocketAddress natted = new InetSocketAddress("198.51.100.2", 40_001);
    private final InetSocketAddress other = new InetSocketAddress("198.51.100.10", 6881);

    @Test
    void aNodeThatTimesOutInTwoEpisodesIsLeftOutForAWhileThenAskedOnceMore() {
        long t = 5 * SECOND;
        silent.timedOut(natted, t);
        assertFalse(silent.isSilent(natted, t), "one timeout may be a lost datagram");
        silent.timedOut(natted, t + SECOND);
        assertTrue(silent.isSilent(natted, t + SECOND));
        assertFalse(silent.isSilent(other, t + SECOND));
        long expired = t + SECOND + SilentNodes.SILENCE_NANOS;
        assertTrue(silent.isSilent(natted, expired - 1));
        assertFalse(silent.isSilent(natted, expired), "asked again after the silence");
        silent.timedOut(natted, expired + 250_000_000L);
        assertTrue(silent.isSilent(natted, expired + 250_000_000L), "and silent again at its next timeout");
    }

    @Test
    void timeoutsCloseTogetherAreOneEpisode() {
        // a node stalled for a moment loses the queries of two lookups at once: not silent
        silent.timedOut(other, 0);
        silent.timedOut(other, 5_000_000L);
        silent.timedOut(other, SilentNodes.EPISODE_GAP_NANOS - 1);
        assertFalse(silent.isSilent(other, SilentNodes.EPISODE_GAP_NANOS));
    }

    @Test
    void anythingHeardFromTheAddressClearsIt() {
        silent.timedOut(natted, 0);
        silent.timedOut(natted, 2 * SECOND);
        assertTrue(silent.isSilent(natted, 2 * SECOND));
        silent.heardFrom(natted);
        assertFalse(silent.isSilent(natted, 2 * SECOND));
        silent.timedOut(natted, 3 * SECOND);
        assertFalse(silent.isSilent(natted, 3 * SECOND), "counting starts afresh");
    }

    @Test
    void remembersABoundedNumberOfAddressesTheLeastRecentlyTouchedGoFirst() {
        silent.timedOut(natted, 0);
        silent.timedOut(natted, 2 * SECOND);
        for (int i = 0; i < SilentNodes.MAX_ADDRESSES; i++) {
            silent.timedOut(new InetSocketAddress("203.0.113.7", 10_000 + i), 3 * SECOND);
        }
        assertFalse(silent.isSilent(natted, 3 * SECOND), "forgotten: the bound held");
    }
}
