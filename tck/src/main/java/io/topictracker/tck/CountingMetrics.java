package io.topictracker.tck;

import io.topictracker.api.metrics.Metrics;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.DoubleSupplier;

/**
 * A {@link Metrics} for tests that keeps every counter by name and tags, so a provider's counting can be checked
 * without a metrics library; timers and gauges record nothing. Thread-safe.
 */
public final class CountingMetrics implements Metrics {
    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

    private static String key(String name, String... tags) {
        return name + java.util.Arrays.toString(tags);
    }

    @Override
    public Counter counter(String name, String... tags) {
        Metrics.checkNameAndTags(name, tags);
        LongAdder adder = counts.computeIfAbsent(key(name, tags), k -> new LongAdder());
        return new Counter() {
            @Override
            public void increment() {
                adder.increment();
            }

            @Override
            public void increment(long amount) {
                if (amount > 0) {
                    adder.add(amount);
                }
            }
        };
    }

    @Override
    public Timer timer(String name, String... tags) {
        Metrics.checkNameAndTags(name, tags);
        return nanos -> { };
    }

    @Override
    public Registration gauge(String name, DoubleSupplier value, String... tags) {
        Metrics.checkNameAndTags(name, tags);
        return () -> { };
    }

    /**
     * @param name the counter's name, not null
     * @param tags its tags as key, value pairs in the order it was resolved with
     * @return its count, 0 if it was never resolved
     */
    public long count(String name, String... tags) {
        LongAdder adder = counts.get(key(name, tags));
        return adder == null ? 0 : adder.sum();
    }
}
