/**
 * The relay transport provider, id {@code relay} (issue 15): circuits through a relay node over TCP, with TLS 1.3
 * end to end between the two peers inside the relay's hop; reservations and limits as libp2p circuit relay v2 has
 * them. See {@link io.topictracker.transport.relay.RelayTransportProvider}.
 */
module io.topictracker.transport.relay {
    requires io.topictracker.api;
    requires io.topictracker.tls;
    requires io.topictracker.stream;
    requires io.netty.common;
    requires io.netty.buffer;
    requires io.netty.transport;
    requires io.netty.codec;
    requires io.netty.handler;
    requires io.netty.transport.classes.epoll;
    requires org.slf4j;

    exports io.topictracker.transport.relay;
    // the relay's e2e tests and benchmark reach the internals (limits, counts, channels)
    exports io.topictracker.transport.relay.internal to io.topictracker.bench;

    provides io.topictracker.api.transport.TransportProvider
            with io.topictracker.transport.relay.RelayTransportProvider;
}
