/**
 * The framed TLS stream the TCP and relay transports share (Netty): the length-prefixed frame decoder with keep-alive
 * records ({@link io.topictracker.stream.FrameDecoder}), the acceptor's confirmation
 * ({@link io.topictracker.stream.Acceptance}), the identity each dialler expects
 * ({@link io.topictracker.stream.ExpectedIdentities}), the API connection with its batched writes
 * ({@link io.topictracker.stream.StreamConnection}, {@link io.topictracker.stream.LoopWrites}) and the handler that
 * carries frames, liveness and the close to the API ({@link io.topictracker.stream.StreamEndpoint}); and the event loop
 * groups that a process's transports share ({@link io.topictracker.stream.SharedEventLoops}, used by TCP and QUIC).
 *
 * <p>A helper library, not a provider (as {@code io.topictracker.tls}): it provides no service and never sees the
 * engine or a provider; each transport keeps its own bootstrap, pipeline and handshake checks.
 */
module io.topictracker.stream {
    // PeerId, Connection and the listener types appear in this module's public signatures.
    requires transitive io.topictracker.api;
    requires io.topictracker.tls;
    requires transitive io.netty.common;
    requires transitive io.netty.buffer;
    requires transitive io.netty.transport;
    requires transitive io.netty.codec;
    requires io.netty.handler;
    requires org.slf4j;

    exports io.topictracker.stream;
}
