package io.topictracker.transport.quic;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicConnectionCloseEvent;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamType;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.concurrent.ScheduledFuture;
import io.topictracker.api.PeerId;
import io.topictracker.api.transport.ConnectionListener;
import io.topictracker.api.transport.InboundHandler;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Server side of one QUIC connection. Once the handshake completes (the client's certificate is known only then, from
 * {@link SslHandshakeCompletionEvent}) it reads the client's proven identity, opens the connection's one stream, hands
 * the connection to the {@link InboundHandler} and, if that takes it, writes ACCEPTED ahead of anything sent on it,
 * which is what lets the client's {@code connect} succeed. A connection not accepted within the handshake timeout is
 * closed. One instance per connection; event loop only.
 */
final class InboundConnectionHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(InboundConnectionHandler.class);

    private final ConnectionFactory factory;
    private final InboundHandler inbound;
    private final Consumer<QuicConnection> registry;
    private final BooleanSupplier transportClosed;
    /** Frees the connection's place among the handshakes in flight; idempotent. */
    private final Runnable handshakeEnded;
    private QuicConnection connection;
    private ScheduledFuture<?> handshakeTimer;

    /**
     * @param factory builds connections with the transport's settings, not null
     * @param inbound told of the connection, not null
     * @param registry told of the connection so the transport can close it, not null
     * @param transportClosed whether the transport has begun to close, not null; any thread
     * @param handshakeEnded run when the handshake ends, either way (may run more than once), not null
     */
    InboundConnectionHandler(ConnectionFactory factory, InboundHandler inbound, Consumer<QuicConnection> registry,
            BooleanSupplier transportClosed, Runnable handshakeEnded) {
        this.handshakeEnded = handshakeEnded;
        this.factory = factory;
        this.inbound = inbound;
        this.registry = registry;
        this.transportClosed = transportClosed;
    }

    /**
     * Arms the handshake timeout when the connection is created (its first Initial arrived), not at channelActive: a
     * server-side QUIC channel becomes active only once its handshake is done, so a timer armed there never bounded an
     * unfinished handshake, which then lived until the idle timeout — and a client retransmitting its Initial kept
     * resetting that (issue 16).
     */
    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        long nanos = factory.settings().handshakeTimeout().toNanos();
        handshakeTimer = ctx.executor().schedule(() -> {
            if (connection == null && ctx.channel().isOpen()) {
                LOG.debug("closing QUIC connection from {}: not accepted within {}",
                        ((QuicChannel) ctx.channel()).remoteSocketAddress(), factory.settings().handshakeTimeout());
                ctx.channel().close();
            }
        }, nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof SslHandshakeCompletionEvent handshake) {
            handshakeEnded.run();
            if (handshake.isSuccess()) {
                accept((QuicChannel) ctx.channel());
            } else {
                // quiche has already dropped the connection at this point, without a CONNECTION_CLOSE the client
                // could read; the client learns of the refusal from its handshake timeout (see OutboundAttempt).
                LOG.info("refused QUIC connection from {}: handshake failed: {}",
                        ((QuicChannel) ctx.channel()).remoteSocketAddress(), handshake.cause().getMessage());
            }
        } else if (event instanceof QuicConnectionCloseEvent close && connection != null) {
            connection.onPeerClosed(close);
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        handshakeEnded.run();
        if (handshakeTimer != null) {
            handshakeTimer.cancel(false);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("QUIC connection from {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.channel().close();
    }

    private void accept(QuicChannel channel) {
        if (transportClosed.getAsBoolean()) {
            // A dial that completes its handshake while we close: refuse it with a CONNECTION_CLOSE now, sent ahead
            // of the socket's close on this event loop. Opening its stream instead let the dialler start a
            // connection this transport never registered nor closed, and the dialler's own close then waited its
            // full bound for an answer to its FIN (seen in the swarm benchmark).
            channel.close(true, QuicConnection.NO_ERROR, Unpooled.copiedBuffer("transport closed",
                    StandardCharsets.UTF_8));
            return;
        }
        PeerId remote;
        try {
            // Already checked by the trust manager; read again to learn the identity.
            remote = PeerIdentity.of(channel, factory.signing());
        } catch (CertificateException e) {
            reject(channel, e.getMessage());
            return;
        }
        StreamHandler streamHandler = new StreamHandler(null);
        channel.createStream(QuicStreamType.BIDIRECTIONAL, factory.streamInitializer(streamHandler)).addListener(f -> {
            if (!f.isSuccess()) {
                LOG.debug("cannot open the stream to {}: {}", remote.shortText(), f.cause().toString());
                channel.close();
                return;
            }
            QuicStreamChannel stream = (QuicStreamChannel) f.getNow();
            QuicConnection accepted = factory.createAccepted(channel, stream, remote,
                    PeerIdentity.addressOf(channel, null));
            ConnectionListener listener;
            try {
                listener = inbound.accepted(accepted);
            } catch (RuntimeException e) {
                LOG.warn("inbound handler failed for {}; closing the connection", remote.shortText(), e);
                channel.close();
                return;
            }
            if (listener == null) {
                LOG.warn("inbound handler returned no listener for {}; closing the connection", remote.shortText());
                channel.close();
                return;
            }
            connection = accepted;
            streamHandler.attach(accepted);
            registry.accept(accepted);
            accepted.start(listener, factory.settings().keepAliveInterval());
        });
    }

    private void reject(QuicChannel channel, String reason) {
        LOG.info("rejecting QUIC connection from {}: {}", channel.remoteSocketAddress(), reason);
        channel.close(true, QuicConnection.IDENTITY_REJECTED, Unpooled.copiedBuffer(reason, StandardCharsets.UTF_8));
    }
}
