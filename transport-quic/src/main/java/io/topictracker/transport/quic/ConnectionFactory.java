package io.topictracker.transport.quic;

import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.topictracker.api.PeerAddress;
import io.topictracker.api.PeerId;
import io.topictracker.api.signing.SigningProvider;

/**
 * What both roles need to build a connection: the settings, the signature check, the stream pipeline. Immutable and
 * thread-safe.
 *
 * @param settings the transport's settings, not null
 * @param signing verifies peer certificates, not null
 */
record ConnectionFactory(QuicSettings settings, SigningProvider signing) {
    /** Unsent bytes per connection above which {@code send} refuses: two maximum frames, and at least 1 MiB. */
    int highWaterMark() {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1L << 20, 2L * settings.maxFrameSize()));
    }

    /** @return the pipeline of a connection's stream: record decoder, then {@code handler} */
    ChannelInitializer<QuicStreamChannel> streamInitializer(StreamHandler handler) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(QuicStreamChannel stream) {
                configureStream(stream, handler);
            }
        };
    }

    /** Sets up a connection's stream: record decoder, then {@code handler}; on the stream's event loop. */
    void configureStream(QuicStreamChannel stream, StreamHandler handler) {
        // Half-closure keeps the stream open for writing after the peer's FIN (see QuicConnection's close).
        stream.config().setAllowHalfClosure(true);
        stream.pipeline().addLast(new RecordDecoder(settings.maxFrameSize()), handler);
    }

    /**
     * @return a server's connection over an authenticated channel and its stream, not yet started, with ACCEPTED
     *     queued as its first record. Queued before anyone else can reach the connection, because whoever is told
     *     of it (the inbound handler, then any thread of the engine) may send at once, and a data frame ahead of
     *     ACCEPTED is a protocol violation to the client; the outbox writes nothing until the connection is started
     */
    QuicConnection createAccepted(QuicChannel channel, QuicStreamChannel stream, PeerId remote,
            PeerAddress remoteAddress) {
        QuicConnection connection = create(channel, stream, remote, remoteAddress);
        connection.sendControl(Records.ACCEPTED);
        return connection;
    }

    /** @return a connection over an authenticated channel and its stream, not yet started */
    QuicConnection create(QuicChannel channel, QuicStreamChannel stream, PeerId remote, PeerAddress remoteAddress) {
        return new QuicConnection(channel, stream, remote, remoteAddress, settings.maxFrameSize(), highWaterMark(),
                settings.handshakeTimeout());
    }
}
