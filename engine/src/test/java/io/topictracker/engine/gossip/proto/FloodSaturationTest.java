package io.topictracker.engine.gossip.proto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FloodSaturationTest {
    private final FloodSaturation saturation = new FloodSaturation(3);

    private void record(int round, int pushes, int prunes) {
        for (int i = 0; i < pushes; i++) {
            saturation.pushed(round);
        }
        for (int i = 0; i < prunes; i++) {
            saturation.pruned(round);
        }
    }

    @Test
    void pushesUntilEnoughPushesWereMeasured() {
        record(1, FloodSaturation.MIN_PUSHES - 1, FloodSaturation.MIN_PUSHES - 1);
        assertTrue(saturation.shouldPush(1), "three pushes, all pruned, are too few to judge");
    }

    @Test
    void aHopCountWhoseShareOfPrunesIsBelowTheThresholdIsPushed() {
        record(2, 100, FloodSaturation.SATURATED_PERCENT - 1);
        for (int i = 0; i < 20; i++) {
            assertTrue(saturation.shouldPush(2));
        }
    }

    @Test
    void aSaturatedHopCountIsPushedForOneCopyInEightOnly() {
        record(2, 100, FloodSaturation.SATURATED_PERCENT);
        int pushes = 0;
        for (int i = 0; i < 8 * FloodSaturation.EXPLORE_EVERY; i++) {
            if (saturation.shouldPush(2)) {
                pushes++;
            }
        }
        assertEquals(8, pushes);
        assertTrue(saturation.shouldPush(1) && saturation.shouldPush(0), "nearer hop counts are measured apart");
    }

    @Test
    void aSaturatedHopCountMakesTheFartherOnesSaturatedToo() {
        record(1, 10, 10);
        assertFalse(saturation.shouldPush(2), "nothing measured at hop 2 yet, but hop 1 already finds most have it");
        assertTrue(saturation.shouldPush(0));
    }

    @Test
    void theShareFollowsRecentPushes() {
        record(1, 200, 200);
        assertFalse(saturation.shouldPush(1));
        // Halved at 256 pushes, then diluted by pushes nobody pruned: the hop count is pushed again.
        record(1, 400, 0);
        assertTrue(saturation.shouldPush(1));
    }
}
