package io.topictracker.transport.quic;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.topictracker.api.transport.TransportException;
import io.topictracker.api.transport.TransportException.Reason;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler on a connection's stream: hands decoded records to the {@link QuicConnection}. On the client the
 * connection exists only once the server's ACCEPTED record arrives; {@code onAccepted} creates it. One instance per
 * stream; event loop only.
 */
final class StreamHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(StreamHandler.class);

    private final Consumer<QuicStreamChannel> onAccepted;
    private QuicConnection connection;

    /** @param onAccepted on a client, called once when ACCEPTED arrives (it must {@link #attach}); null on a server */
    StreamHandler(Consumer<QuicStreamChannel> onAccepted) {
        this.onAccepted = onAccepted;
    }

    /** Binds the connection that frames are delivered to; on the event loop. */
    void attach(QuicConnection connection) {
        this.connection = connection;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuffer frame) {
            if (connection == null) {
                if (((QuicStreamChannel) ctx.channel()).parent().isActive()) {
                    violation(ctx, "a data frame before the server's acceptance");
                }
                // Else we are already closing it (a dial that ended before ACCEPTED came); nothing to report.
                return;
            }
            connection.onFrame(frame);
        } else if (msg == Records.Control.ACCEPTED) {
            if (onAccepted == null || connection != null) {
                violation(ctx, "an unexpected ACCEPTED record");
                return;
            }
            onAccepted.accept((QuicStreamChannel) ctx.channel());
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof ChannelInputShutdownEvent) {
            if (connection != null) {
                connection.onPeerFinished();
            } else {
                ((QuicStreamChannel) ctx.channel()).parent().close();
            }
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (connection != null) {
            connection.onStreamError(cause);
        } else {
            LOG.warn("QUIC stream failed before its connection was established: {}", cause.toString());
            ((QuicStreamChannel) ctx.channel()).parent().close();
        }
    }

    private void violation(ChannelHandlerContext ctx, String what) {
        String reason = "protocol violation: " + what;
        if (connection != null) {
            connection.onStreamError(new TransportException(Reason.CLOSED, reason));
        } else {
            LOG.warn("closing QUIC connection from {}: {}", ((QuicStreamChannel) ctx.channel()).parent()
                    .remoteSocketAddress(), reason);
            ((QuicStreamChannel) ctx.channel()).parent().close(true, QuicConnection.PROTOCOL_VIOLATION,
                    Unpooled.copiedBuffer(reason, StandardCharsets.UTF_8));
        }
    }
}
