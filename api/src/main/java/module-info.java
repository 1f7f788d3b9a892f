/**
 * Value types and the three service provider interfaces of Topic Tracker: signing, DHT and transport.
 *
 * <p>This module depends on the JDK only. Providers implement one of {@link io.topictracker.api.signing.SigningProvider},
 * {@link io.topictracker.api.dht.DhtProvider} or {@link io.topictracker.api.transport.TransportProvider} and declare it
 * with {@code provides} in their own module-info (and in {@code META-INF/services} for class-path users).
 * {@link io.topictracker.api.metrics.Metrics} is how providers count what they do without depending on a metrics
 * library.
 */
module io.topictracker.api {
    exports io.topictracker.api;
    exports io.topictracker.api.signing;
    exports io.topictracker.api.dht;
    exports io.topictracker.api.transport;
    exports io.topictracker.api.metrics;
}
