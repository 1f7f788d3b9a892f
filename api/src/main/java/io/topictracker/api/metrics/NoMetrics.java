package io.topictracker.api.metrics;

import java.util.function.DoubleSupplier;

/** {@link Metrics#none()}: one shared instance whose meters do nothing. Stateless and thread-safe. */
final class NoMetrics implements Metrics, Metrics.Counter, Metrics.Timer, Metrics.Registration {
    static final NoMetrics INSTANCE = new NoMetrics();

    private NoMetrics() {}

    @Override
    public Counter counter(String name, String... tags) {
        Metrics.checkNameAndTags(name, tags);
        return this;
    }

    @Override
    public Timer timer(String name, String... tags) {
        Metrics.checkNameAndTags(name, tags);
        return this;
    }

    @Override
    public Registration gauge(String name, DoubleSupplier value, String... tags) {
        Metrics.checkNameAndTags(name, tags);
        return this;
    }

    @Override
    public boolean isEnabled() {
        return false;
    }

    @Override
    public void increment() {}

    @Override
    public void increment(long amount) {}

    @Override
    public void record(long nanos) {}

    @Override
    public void close() {}

    @Override
    public String toString() {
        return "Metrics.none()";
    }
}
