/**
 * The QUIC transport provider, id {@code quic}: QUIC (RFC 9000) on Netty's native codec (quiche + BoringSSL), with
 * mutual TLS 1.3 (RFC 9001) in which each end proves its node's Ed25519 key, so every connection is bound to the
 * far end's {@link io.topictracker.api.PeerId}.
 *
 * <p>Availability is explicit: when the native library cannot load here the provider reports
 * {@link io.topictracker.api.Availability#unavailable unavailable} with the loader's cause. Configuration lives in the
 * {@code [transport.quic]} table (see {@link io.topictracker.transport.quic.QuicTransportProvider}).
 */
module io.topictracker.transport.quic {
    requires io.topictracker.api;
    requires io.topictracker.tls;
    // SharedEventLoops: the event loops the process's transports share
    requires io.topictracker.stream;
    requires io.netty.buffer;
    requires io.netty.common;
    requires io.netty.transport;
    requires io.netty.codec;
    requires io.netty.handler;
    requires io.netty.codec.classes.quic;
    requires org.slf4j;

    exports io.topictracker.transport.quic;

    provides io.topictracker.api.transport.TransportProvider
            with io.topictracker.transport.quic.QuicTransportProvider;
}
