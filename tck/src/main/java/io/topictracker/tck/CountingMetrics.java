package io.topictracker.tck;

import io.topictracker.api.metrics.Metrics;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.DoubleSupplier;

/**
 * A {@link Metrics} for tests that keeps every counter, how often each timer recorded, and every registered gauge, by
 * name and tags (in the order they were resolved with), so a provider's counting can be checked without a metrics
 * library. Thread-safe. Gauges are held until their registration is closed.
 */
public final class CountingMetrics implements Metrics {
    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> timings = new ConcurrentHashMap<>();
    private final Map<String, DoubleSupplier> gauges = new ConcurrentHashMap<>();

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
        LongAdder adder = timings.computeIfAbsent(key(name, tags), k -> new LongAdder());
        return nanos -> adder.increment();
    }

    @Override
    public Registration gauge(String name, DoubleSupplier value, String... tags) {
        Metrics.checkNameAndTags(name, tags);
        String key = key(name, tags);
        gauges.putIfAbsent(key, value);
        return () -> gauges.remove(key, value);
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

    /** @return how many times the timer with this name and tags (as for {@link #count}) recorded, 0 if never */
    public long timed(String name, String... tags) {
        LongAdder adder = timings.get(key(name, tags));
        return adder == null ? 0 : adder.sum();
    }

    /** @return the value now of the gauge with this name and tags (as for {@link #count}), NaN if none is registered */
    public double gauge(String name, String... tags) {
        DoubleSupplier supplier = gauges.get(key(name, tags));
        return supplier == null ? Double.NaN : supplier.getAsDouble();
    }
}
