package io.topictracker.engine.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.topictracker.api.metrics.Metrics;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.DoubleSupplier;

/**
 * The api's {@link Metrics} facade over a Micrometer {@link MeterRegistry}. This is the only engine class that names
 * Micrometer, and it is loaded only when a registry is given ({@code Node.Builder.meterRegistry},
 * {@code MeterRegistryMetrics.of}): Micrometer is an optional ({@code requires static}) dependency, and without it
 * on the path the JVM never needs its classes.
 *
 * <p>Timers publish the 0.5, 0.9 and 0.99 percentiles (client-side, over Micrometer's default sliding window).
 * Thread-safe, as the registry is.
 */
public final class MicrometerBridge implements Metrics {
    private static final double[] PERCENTILES = {0.5, 0.9, 0.99};

    private final MeterRegistry registry;

    /** @param registry where meters are registered, not null */
    public MicrometerBridge(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    @Override
    public Counter counter(String name, String... tags) {
        Metrics.checkNameAndTags(name, tags);
        io.micrometer.core.instrument.Counter counter = io.micrometer.core.instrument.Counter.builder(name)
                .tags(tags).register(registry);
        return new Counter() {
            @Override
            public void increment() {
                counter.increment();
            }

            @Override
            public void increment(long amount) {
                if (amount > 0) {
                    counter.increment(amount);
                }
            }
        };
    }

    @Override
    public Timer timer(String name, String... tags) {
        Metrics.checkNameAndTags(name, tags);
        io.micrometer.core.instrument.Timer timer = io.micrometer.core.instrument.Timer.builder(name).tags(tags)
                .publishPercentiles(PERCENTILES).register(registry);
        return nanos -> {
            if (nanos >= 0) {
                timer.record(nanos, TimeUnit.NANOSECONDS);
            }
        };
    }

    @Override
    public Registration gauge(String name, DoubleSupplier value, String... tags) {
        Metrics.checkNameAndTags(name, tags);
        Objects.requireNonNull(value, "value");
        if (registry.find(name).tags(Tags.of(tags)).gauge() != null) {
            return () -> { }; // the registry keeps the first gauge of a name and tags; ours would not be read
        }
        Gauge gauge = Gauge.builder(name, value, DoubleSupplier::getAsDouble).tags(tags).strongReference(true)
                .register(registry);
        AtomicBoolean removed = new AtomicBoolean();
        return () -> {
            if (removed.compareAndSet(false, true)) {
                registry.remove(gauge);
            }
        };
    }

    @Override
    public String toString() {
        return "MicrometerBridge[" + registry.getClass().getSimpleName() + "]";
    }
}
