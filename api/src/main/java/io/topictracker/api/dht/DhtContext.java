package io.topictracker.api.dht;

import io.topictracker.api.ConfigTable;
import io.topictracker.api.metrics.Metrics;
import io.topictracker.api.signing.SigningProvider;
import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What a DHT provider is given: its own config table (e.g. {@code [dht.mainline]}), the signing provider to verify
 * BEP44 signatures with, a clock, a shared scheduler owned by the node (a provider never shuts it down) and the
 * node's {@link Metrics} (meters named {@code topictracker.dht.*}, see {@code docs/metrics.md}).
 *
 * @param settings the provider's table, never null
 * @param signing verifies item signatures, never null
 * @param clock the node's clock, never null
 * @param scheduler for timeouts and small tasks, never null; tasks must not block
 * @param metrics where the provider counts what it does, never null; {@link Metrics#none()} when nobody reads them
 */
public record DhtContext(ConfigTable settings, SigningProvider signing, Clock clock, ScheduledExecutorService scheduler,
        Metrics metrics) {
    public DhtContext {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(signing, "signing");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(scheduler, "scheduler");
        Objects.requireNonNull(metrics, "metrics");
    }

    /** A context without metrics ({@link Metrics#none()}); the arguments as for the canonical constructor. */
    public DhtContext(ConfigTable settings, SigningProvider signing, Clock clock, ScheduledExecutorService scheduler) {
        this(settings, signing, clock, scheduler, Metrics.none());
    }
}
