/**
 * The Topic Tracker engine: provider discovery and selection, configuration, records, gossip and the topic API.
 *
 * <p>Providers are found with {@link java.util.ServiceLoader}; the engine never names a provider class. It ships the
 * default signing provider (Ed25519 on BouncyCastle, id {@code ed25519-bc}), reachable only through its
 * {@code provides} clause.
 *
 * <p>Exported, and all a user needs: {@code io.topictracker.engine} ({@code Node}, {@code Topic}, its sender,
 * receiver, events and {@code TopicStats}), {@code engine.config} (TOML and typed configuration:
 * {@code ConfigLoader}, {@code NodeConfig}) and {@code engine.provider} (discovery and selection:
 * {@code ProviderRegistry}). Records, gossip, time and the bootstrap workers are internal.
 *
 * <p>Metrics: a Micrometer {@code MeterRegistry} given to {@code Node.builder().meterRegistry(...)} (or turned into the
 * api's {@code Metrics} with {@code MeterRegistryMetrics.of}) receives the meters of {@code docs/metrics.md};
 * Micrometer is optional ({@code requires static}).
 */
module io.topictracker.engine {
    requires transitive io.topictracker.api;
    requires org.bouncycastle.provider;
    requires org.tomlj;
    requires org.slf4j;
    // Optional: only the Micrometer bridge (engine.metrics, not exported) names it, and it is loaded only when a
    // MeterRegistry is given; without Micrometer on the path the engine runs with Metrics.none().
    requires static micrometer.core;

    exports io.topictracker.engine;
    exports io.topictracker.engine.config;
    exports io.topictracker.engine.provider;
    // Internal, shared with the command so that its figures and the benchmarks' mean the same.
    exports io.topictracker.engine.measure to io.topictracker.cli;

    uses io.topictracker.api.signing.SigningProvider;
    uses io.topictracker.api.dht.DhtProvider;
    uses io.topictracker.api.transport.TransportProvider;

    provides io.topictracker.api.signing.SigningProvider with io.topictracker.engine.signing.BouncyCastleEd25519Provider;
}
