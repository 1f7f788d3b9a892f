package io.topictracker.engine;

import io.micrometer.core.instrument.MeterRegistry;
import io.topictracker.api.metrics.Metrics;
import io.topictracker.engine.metrics.MicrometerBridge;

/**
 * Turns a Micrometer {@link MeterRegistry} into the api's {@link Metrics}, for library users who create a provider
 * themselves (e.g. a standalone DHT through {@code DhtProvider.create(new DhtContext(..., metrics))}); a {@link Node}
 * takes the registry directly ({@link Node.Builder#meterRegistry}). Micrometer ({@code micrometer-core}) must be on
 * the path to call this; the engine needs it for nothing else.
 *
 * <p>Stateless and thread-safe; the {@code Metrics} it returns is thread-safe and never null, as Micrometer meters are.
 */
public final class MeterRegistryMetrics {
    private MeterRegistryMetrics() {}

    /**
     * @param registry where meters are registered, not null; its meters are named as {@code docs/metrics.md} says
     * @return metrics recording into {@code registry}; thread-safe; never null
     */
    public static Metrics of(MeterRegistry registry) {
        return new MicrometerBridge(registry);
    }
}
