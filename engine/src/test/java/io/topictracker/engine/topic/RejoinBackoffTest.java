package io.topictracker.engine.topic;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The wait before a rejoin: doubling while the link flaps, back to the first delay once it held. */
class RejoinBackoffTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void doublesWhileRejoinsFollowEachOtherAndStopsAtTheMaximum() {
        RejoinBackoff backoff = new RejoinBackoff(Duration.ofSeconds(1), Duration.ofSeconds(5));
        long now = 100 * SECOND;
        assertEquals(Duration.ofSeconds(1), backoff.lost(now));
        backoff.rejoined(now + SECOND);
        assertEquals(Duration.ofSeconds(2), backoff.lost(now + 2 * SECOND));
        backoff.rejoined(now + 3 * SECOND);
        assertEquals(Duration.ofSeconds(4), backoff.lost(now + 4 * SECOND));
        backoff.rejoined(now + 5 * SECOND);
        assertEquals(Duration.ofSeconds(5), backoff.lost(now + 6 * SECOND), "capped at the maximum");
    }

    @Test
    void aLinkThatHeldLongerThanTheMaximumStartsFromTheFirstDelay() {
        RejoinBackoff backoff = new RejoinBackoff(Duration.ofSeconds(1), Duration.ofSeconds(5));
        backoff.lost(0);
        backoff.rejoined(SECOND);
        assertEquals(Duration.ofSeconds(2), backoff.lost(2 * SECOND));
        backoff.rejoined(3 * SECOND);
        assertEquals(Duration.ofSeconds(1), backoff.lost(3 * SECOND + 5 * SECOND));
    }
}
