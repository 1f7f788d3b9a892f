package io.topictracker.engine.time;

import java.time.Clock;
import java.time.Instant;
import java.util.Objects;

/**
 * The unix minute (whole minutes since 1970-01-01T00:00Z) that names a topic's DHT slot, as the Rust crate's
 * {@code unix_minute}. Time always comes from an injected {@link Clock}, so tests move it instead of waiting for a
 * real minute. Stateless and thread-safe.
 */
public final class UnixMinute {
    private static final long MILLIS_PER_MINUTE = 60_000L;

    private UnixMinute() {}

    /** @return the current unix minute of {@code clock}, not null */
    public static long now(Clock clock) {
        return of(Objects.requireNonNull(clock, "clock").instant());
    }

    /** @return the unix minute containing {@code instant} (floor, so instants before 1970 give negative minutes) */
    public static long of(Instant instant) {
        return Math.floorDiv(instant.toEpochMilli(), MILLIS_PER_MINUTE);
    }

    /** @return the first instant of {@code minute} */
    public static Instant start(long minute) {
        return Instant.ofEpochMilli(Math.multiplyExact(minute, MILLIS_PER_MINUTE));
    }
}
