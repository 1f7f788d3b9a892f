/**
 * The Topic Tracker engine: provider discovery and selection, configuration, records, gossip and the topic API.
 *
 * <p>Providers are found with {@link java.util.ServiceLoader}; the engine never names a provider class, not even the
 * default signing provider {@code ed25519-bc}, which is a module of its own ({@code io.topictracker.signing.bc}).
 * BouncyCastle stays for the records' HKDF and ChaCha20-Poly1305.
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
    // Internal, shared: the percentile helper with the command and the simulator (so their figures mean the same),
    // the protocol state machines and their settings with the simulator, which drives them in virtual time.
    exports io.topictracker.engine.measure to io.topictracker.cli, io.topictracker.gossip.sim, io.topictracker.bench;
    exports io.topictracker.engine.gossip to io.topictracker.gossip.sim, io.topictracker.bench;
    exports io.topictracker.engine.gossip.proto to io.topictracker.gossip.sim, io.topictracker.bench;
    // the benchmarks measure the record codec and the frame codec directly
    exports io.topictracker.engine.records to io.topictracker.bench;
    exports io.topictracker.engine.gossip.net to io.topictracker.bench;

    uses io.topictracker.api.signing.SigningProvider;
    uses io.topictracker.api.dht.DhtProvider;
    uses io.topictracker.api.transport.TransportProvider;

}
