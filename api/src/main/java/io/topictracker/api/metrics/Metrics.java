package io.topictracker.api.metrics;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Where a node's components, engine and providers alike, count what they do: a small facade over a metrics library,
 * so a provider can publish meters while depending on the JDK and this api only. The engine bridges it to a
 * Micrometer {@code MeterRegistry} when one is given; otherwise every component gets {@link #none()}, which records
 * nothing and allocates nothing per event.
 *
 * <p>Names follow one convention (see {@code docs/metrics.md}): lower-case dotted words starting with
 * {@code topictracker.}, e.g. {@code topictracker.dht.queries}. Tags are given as alternating keys and values
 * ({@code "type", "ping", "direction", "in"}); keys and values are non-empty, and a meter's tag values should come
 * from a small fixed set (never a peer id or an address), as every distinct combination is a series of its own.
 *
 * <p>Resolve meters once, when a component is built, and keep them: looking one up by name costs a map lookup and
 * the tag array, which a hot path should not pay per event. Asking twice for the same name and tags gives meters that
 * count into the same series.
 *
 * <p>Thread-safe: every method of a {@code Metrics} and of the meters it returns may be called from any thread.
 */
public interface Metrics {
    /**
     * @param name the meter's name, not null or empty
     * @param tags alternating tag keys and values, an even number of non-null, non-empty strings
     * @return a counter for this name and tags; never null
     * @throws IllegalArgumentException for an empty name or an odd or empty tag entry
     */
    Counter counter(String name, String... tags);

    /**
     * A timer: how often something took how long (count, total, max, and the percentiles the registry publishes).
     *
     * @param name the meter's name, not null or empty
     * @param tags as {@link #counter}
     * @return a timer for this name and tags; never null
     * @throws IllegalArgumentException for an empty name or an odd or empty tag entry
     */
    Timer timer(String name, String... tags);

    /**
     * A gauge: a value read when the metrics are read (e.g. at each scrape), on the reader's thread. The supplier must
     * be cheap, must not block and must be safe to call from any thread; it is held until {@link Registration#close()}.
     * If a gauge with the same name and tags is already registered, the registry keeps the first and this one is not
     * read (the registration is still returned, and closing it removes nothing that was not added).
     *
     * @param name the meter's name, not null or empty
     * @param value read on demand, not null
     * @param tags as {@link #counter}
     * @return closes the gauge (call it when the component it reads closes); never null
     * @throws IllegalArgumentException for an empty name or an odd or empty tag entry
     */
    Registration gauge(String name, DoubleSupplier value, String... tags);

    /** @return true if meters record anything; false for {@link #none()}, so callers may skip measuring work */
    default boolean isEnabled() {
        return true;
    }

    /** @return metrics that record nothing and cost nothing: every call returns a shared no-op meter */
    static Metrics none() {
        return NoMetrics.INSTANCE;
    }

    /** A monotonically increasing count. Thread-safe. */
    interface Counter {
        /** Adds one. */
        void increment();

        /** @param amount added, at least 0 (a negative amount is ignored) */
        void increment(long amount);
    }

    /** Durations of one kind of event. Thread-safe. */
    interface Timer {
        /** @param nanos how long the event took, in nanoseconds; a negative value is ignored */
        void record(long nanos);

        /** @param duration how long the event took, not null; a negative one is ignored */
        default void record(Duration duration) {
            record(duration.toNanos());
        }
    }

    /** A registration that can be undone. Thread-safe and idempotent. */
    interface Registration extends AutoCloseable {
        /** Removes what was registered; never throws. */
        @Override
        void close();
    }

    /**
     * Checks a name and tag list as every implementation must.
     *
     * @throws IllegalArgumentException for an empty name, or an odd number of tag strings, or an empty or null one
     */
    static void checkNameAndTags(String name, String... tags) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("a meter needs a non-empty name");
        }
        if (tags == null || tags.length % 2 != 0) {
            throw new IllegalArgumentException("meter " + name + ": tags must be key, value pairs, got "
                    + (tags == null ? "null" : tags.length + " strings"));
        }
        for (String tag : tags) {
            if (tag == null || tag.isEmpty()) {
                throw new IllegalArgumentException("meter " + name + ": tag keys and values must be non-empty");
            }
        }
    }
}
