/**
 * A module-path smoke program: lists the providers the engine discovers when everything runs as named modules.
 */
module io.topictracker.smoke {
    requires io.topictracker.engine;

    uses io.topictracker.api.signing.SigningProvider;
    uses io.topictracker.api.dht.DhtProvider;
    uses io.topictracker.api.transport.TransportProvider;
}
