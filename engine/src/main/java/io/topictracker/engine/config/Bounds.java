package io.topictracker.engine.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The allowed range of every knob, shared by the file reader (which reports key and line) and the records' own
 * constructors (which guard values built in code). Stateless.
 */
final class Bounds {
    static final Duration NONE = Duration.ZERO;
    static final Duration ONE_MS = Duration.ofMillis(1);
    /** The Rust crate's rule for publisher and merge intervals: "base_interval is minimum 1s". */
    static final Duration ONE_SECOND = Duration.ofSeconds(1);
    static final Duration TEN_MINUTES = Duration.ofMinutes(10);
    static final Duration ONE_HOUR = Duration.ofHours(1);

    static final int MAX_RETRIES = 100;
    static final int MAX_RECORDS = 100;
    static final int MAX_PEERS = 64;

    private Bounds() {}

    static Duration check(String key, Duration value, Duration min, Duration max) {
        Objects.requireNonNull(value, key);
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new IllegalArgumentException(key + ": expected " + format(min) + " to " + format(max) + ", got "
                    + format(value));
        }
        return value;
    }

    static int check(String key, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(key + ": expected " + min + " to " + max + ", got " + value);
        }
        return value;
    }

    private static String format(Duration duration) {
        return io.topictracker.api.ConfigTable.format(duration);
    }
}
