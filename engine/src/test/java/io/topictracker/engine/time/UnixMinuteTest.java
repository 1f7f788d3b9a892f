package io.topictracker.engine.time;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.topictracker.tck.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class UnixMinuteTest {
    @Test
    void theMinuteFollowsTheInjectedClockAcrossABoundary() {
        MutableClock clock = MutableClock.at(Instant.parse("2026-11-24T18:00:59.999Z"));
        long before = UnixMinute.now(clock);

        clock.advance(Duration.ofMillis(1));

        assertEquals(before + 1, UnixMinute.now(clock));
        assertEquals(Instant.parse("2026-11-24T18:01:00Z"), UnixMinute.start(UnixMinute.now(clock)));
        assertEquals(29_925_721L, UnixMinute.now(clock));
    }

    @Test
    void minutesBeforeTheEpochRoundDown() {
        assertEquals(-1, UnixMinute.of(Instant.ofEpochMilli(-1)));
        assertEquals(0, UnixMinute.of(Instant.EPOCH));
    }
}
