package io.topictracker.dht.mainline;

import io.topictracker.api.metrics.Metrics;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.DoubleSupplier;

/**
 * A {@link Metrics} for tests that keeps every counter, timer count and gauge in maps keyed by name and tags
 * ({@code name{k=v,k=v}}), so a provider's counting can be checked without a metrics library. Thread-safe.
 */
final class RecordingMetrics implements Metrics {
    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> timings = new ConcurrentHashMap<>();
    private final Map<String, DoubleSupplier> gauges = new ConcurrentHashMap<>();

    static String key(String name, String... tags) {
        StringBuilder key = new StringBuilder(name).append('{');
        for (int i = 0; i < tags.length; i += 2) {
            key.append(i == 0 ? "" : ",").append(tags[i]).append('=').append(tags[i + 1]);
        }
        return key.append('}').toString();
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

    /** @return the count of the counter with exactly this name and tags (0 if never resolved) */
    long count(String name, String... tags) {
        LongAdder adder = counts.get(key(name, tags));
        return adder == null ? 0 : adder.sum();
    }

    /** @return how many times the timer with this name and tags recorded */
    long timed(String name, String... tags) {
        LongAdder adder = timings.get(key(name, tags));
        return adder == null ? 0 : adder.sum();
    }

    /** @return the gauge's value now, or NaN if none is registered */
    double gauge(String name, String... tags) {
        DoubleSupplier supplier = gauges.get(key(name, tags));
        return supplier == null ? Double.NaN : supplier.getAsDouble();
    }
}
