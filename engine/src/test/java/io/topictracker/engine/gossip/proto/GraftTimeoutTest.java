package io.topictracker.engine.gossip.proto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The learnt graft wait: RFC 6298's estimator on IHave-to-eager-copy delays, kept within its bounds. */
class GraftTimeoutTest {
    @Test
    void beforeAnySampleTheWaitIsTheConfiguredOne() {
        GraftTimeout timeout = new GraftTimeout(80, 20, 80);
        assertEquals(80, timeout.firstMillis());
        assertEquals(40, timeout.nextMillis(80, 40));
    }

    @Test
    void copiesCloseBehindTheirAnnouncementShortenTheWaitDownToTheFloor() {
        GraftTimeout timeout = new GraftTimeout(80, 20, 80);
        timeout.sample(10);
        // RFC 6298 §2.2: mean 10, deviation 5: 10 + 4 * 5 = 30.
        assertEquals(30, timeout.firstMillis());
        assertEquals(15, timeout.nextMillis(80, 40), "the second wait keeps the configured ratio");
        for (int i = 0; i < 50; i++) {
            timeout.sample(2);
        }
        assertEquals(20, timeout.firstMillis(), "never under the floor");
    }

    @Test
    void lateCopiesLengthenTheWaitUpToTheCeiling() {
        GraftTimeout timeout = new GraftTimeout(80, 20, 80);
        timeout.sample(10);
        for (int i = 0; i < 50; i++) {
            timeout.sample(500);
        }
        assertEquals(80, timeout.firstMillis(), "never over the ceiling");
        assertEquals(40, timeout.nextMillis(80, 40));
    }

    @Test
    void theWaitFollowsTheSpreadOfTheDelaysNotOnlyTheirMean() {
        GraftTimeout steady = new GraftTimeout(80, 1, 1000);
        GraftTimeout jittery = new GraftTimeout(80, 1, 1000);
        for (int i = 0; i < 100; i++) {
            steady.sample(30);
            jittery.sample(i % 2 == 0 ? 5 : 55);
        }
        assertTrue(steady.firstMillis() < 40, "steady delays: close to their mean, got " + steady.firstMillis());
        assertTrue(jittery.firstMillis() > 100, "spread delays: mean plus four deviations, got " + jittery.firstMillis());
    }

    @Test
    void boundsThatContradictEachOtherAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new GraftTimeout(80, 0, 80));
        assertThrows(IllegalArgumentException.class, () -> new GraftTimeout(80, 90, 100));
        assertThrows(IllegalArgumentException.class, () -> new GraftTimeout(80, 20, 60));
    }
}
