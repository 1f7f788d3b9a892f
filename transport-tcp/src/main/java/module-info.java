/**
 * The TCP transport provider, id {@code tcp}: Netty 4.2 (epoll when available, NIO otherwise) with TLS 1.3 in which
 * both ends prove their Ed25519 identity with a self-signed certificate for the node's own key.
 *
 * <p>Configured by the {@code [transport.tcp]} table; see {@link io.topictracker.transport.tcp.TcpTransportProvider}.
 * Internals live in the unexported {@code io.topictracker.transport.tcp.internal} package.
 */
module io.topictracker.transport.tcp {
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

    exports io.topictracker.transport.tcp;
    // the TCP benchmark drives the transport's internals (its event loop and connection) directly
    exports io.topictracker.transport.tcp.internal to io.topictracker.bench;

    provides io.topictracker.api.transport.TransportProvider
            with io.topictracker.transport.tcp.TcpTransportProvider;
}
