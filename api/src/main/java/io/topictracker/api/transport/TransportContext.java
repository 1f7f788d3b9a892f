package io.topictracker.api.transport;

import io.topictracker.api.ConfigTable;
import io.topictracker.api.metrics.Metrics;
import io.topictracker.api.signing.SigningKeyPair;
import io.topictracker.api.signing.SigningProvider;
import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What a transport provider is given.
 *
 * @param settings the provider's own table, e.g. {@code [transport.tcp]}; never null
 * @param identity the node's key pair: connections prove it to the far end; never null
 * @param signing verifies the far end's proof; never null
 * @param clock the node's clock; never null
 * @param scheduler shared, owned by the node (never shut down by a provider); tasks must not block; never null
 * @param inbound told of every accepted connection once its far end has proved its identity; never null
 * @param metrics where the provider counts what only it can see (e.g. handshake durations; the engine counts
 *     connections and bytes around the SPI itself), never null; {@link Metrics#none()} when nobody reads them
 */
public record TransportContext(ConfigTable settings, SigningKeyPair identity, SigningProvider signing, Clock clock,
        ScheduledExecutorService scheduler, InboundHandler inbound, Metrics metrics) {
    public TransportContext {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(signing, "signing");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(scheduler, "scheduler");
        Objects.requireNonNull(inbound, "inbound");
        Objects.requireNonNull(metrics, "metrics");
    }

    /** A context without metrics ({@link Metrics#none()}); the arguments as for the canonical constructor. */
    public TransportContext(ConfigTable settings, SigningKeyPair identity, SigningProvider signing, Clock clock,
            ScheduledExecutorService scheduler, InboundHandler inbound) {
        this(settings, identity, signing, clock, scheduler, inbound, Metrics.none());
    }
}
