package io.topictracker.engine.gossip.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.api.PeerAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Happy Eyeballs order of one dial (RFC 8305 §5), and the failed-lately ordering of routes. */
class DialRaceTest {
    @Test
    void startsOneRouteThenTheNextOnAFailureOrAStagger() {
        DialRace<String> race = new DialRace<>(List.of("a", "b", "c"));
        assertEquals("a", race.first());
        assertEquals("b", race.staggerElapsed(), "a slow first attempt lets the second start");
        assertEquals("c", race.failed(), "a failure starts the next at once");
        assertNull(race.staggerElapsed(), "nothing left to start");
        assertFalse(race.lost(), "c is still under way");
        assertTrue(race.connected("c"));
        assertFalse(race.connected("b"), "a later connection loses and is to be closed");
        assertTrue(race.won());
    }

    @Test
    void afterAWinNothingMoreStarts() {
        DialRace<String> race = new DialRace<>(List.of("a", "b", "c"));
        race.first();
        assertTrue(race.connected("a"));
        assertNull(race.staggerElapsed());
        assertNull(race.failed());
    }

    @Test
    void theRaceIsLostOnlyWhenEveryRouteFailed() {
        DialRace<String> race = new DialRace<>(List.of("a", "b"));
        race.first();
        assertEquals("b", race.failed());
        assertFalse(race.lost());
        assertNull(race.failed());
        assertTrue(race.lost());
        assertTrue(new DialRace<String>(List.of()).lost(), "no route at all is a lost race");
    }

    @Test
    void addressesThatFailedLatelyAreTriedLastInTheirOrder() {
        RecentDialFailures failures = new RecentDialFailures();
        PeerAddress a = PeerAddress.parse("tcp://198.51.100.1:1");
        PeerAddress b = PeerAddress.parse("tcp://198.51.100.2:1");
        PeerAddress c = PeerAddress.parse("tcp://198.51.100.3:1");
        PeerAddress d = PeerAddress.parse("tcp://198.51.100.4:1");
        failures.failed(a, 1000);
        failures.failed(c, 1000);
        assertEquals(List.of(b, d, a, c), failures.lastIfFailed(List.of(a, b, c, d), x -> x, 2000));
        failures.succeeded(a);
        assertEquals(List.of(a, b, d, c), failures.lastIfFailed(List.of(a, b, c, d), x -> x, 2000));
        long later = 1000 + RecentDialFailures.REMEMBERED_MILLIS;
        assertEquals(List.of(a, b, c, d), failures.lastIfFailed(List.of(a, b, c, d), x -> x, later),
                "a failure is forgotten after a while");
    }
}
