package io.topictracker.stream;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.topictracker.api.transport.Connection;
import io.topictracker.api.transport.ConnectionListener;
import io.topictracker.api.transport.InboundHandler;
import io.topictracker.api.transport.TransportException;
import io.topictracker.api.transport.TransportException.Reason;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of a framed stream's pipeline: once a transport has bound the TLS session to an identity, carries
 * frames, liveness and the close to the API. One instance per channel; every method runs on the channel's event loop,
 * so the listener's calls are serial as {@link ConnectionListener} promises.
 *
 * <p>What differs per transport is how the identity is learned and checked, so a subclass handles the TLS handshake's
 * end ({@link #handshakeDone}) and then, with the {@link StreamConnection} it made ({@link #bind}): the acceptor
 * writes the {@link Acceptance} confirmation and calls {@link #accept}, which hands the connection to the
 * {@link InboundHandler}; the dialler waits for {@link Acceptance#ACCEPTED}, on which this class completes the
 * connect (or the subclass calls {@link #completeConnect} itself where the confirmation came otherwise).
 */
public abstract class StreamEndpoint extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(StreamEndpoint.class);

    private final int maxFrameSize;
    /** Acceptor side only; null when dialling. */
    private final InboundHandler inbound;
    /** Dialler side only; null when accepting. */
    private final CompletableFuture<Connection> connected;

    private ConnectionListener listener;
    private StreamConnection connection;
    /** True once the API side holds the connection, so onClosed is owed. */
    private boolean established;
    private Throwable cause;

    /**
     * @param maxFrameSize the largest frame accepted, in bytes (for the log line of an over-size one)
     * @param inbound the acceptor's handler; null for a dialler
     * @param connected the dialler's connect result; null for an acceptor
     * @param listener the dialler's listener; null for an acceptor (the inbound handler returns it)
     */
    protected StreamEndpoint(int maxFrameSize, InboundHandler inbound, CompletableFuture<Connection> connected,
            ConnectionListener listener) {
        this.maxFrameSize = maxFrameSize;
        this.inbound = inbound;
        this.connected = connected;
        this.listener = listener;
    }

    /**
     * The end of the TLS handshake that binds the connection. Called on the event loop for every handshake event of
     * the pipeline; the event is not passed on.
     */
    protected abstract void handshakeDone(ChannelHandlerContext ctx, SslHandshakeCompletionEvent handshake);

    /**
     * @return where the far end is, for error messages (e.g. {@code tcp://192.0.2.1:4000}); never null
     */
    protected abstract String farEnd(ChannelHandlerContext ctx);

    /** @return true on the dialler's side (a connect to complete), false on the acceptor's */
    protected final boolean isDialler() {
        return connected != null;
    }

    /** Holds the connection once its identity is bound; call before {@link #accept} or the confirmation. */
    protected final void bind(StreamConnection bound) {
        this.connection = bound;
    }

    /** @return the bound connection, or null before {@link #bind} */
    protected final StreamConnection connection() {
        return connection;
    }

    /**
     * Dialler: completes the connect with the bound connection. Closes the channel if nothing is bound or the connect
     * already failed (timeout, transport closed): nobody owns the channel then.
     */
    protected final void completeConnect(ChannelHandlerContext ctx) {
        if (connection != null && isDialler() && connected.complete(connection)) {
            established = true;
        } else {
            ctx.close();
        }
    }

    /** Acceptor: hands the bound connection to the inbound handler; closes the channel if it throws or declines. */
    protected final void accept(ChannelHandlerContext ctx) {
        try {
            listener = inbound.accepted(connection);
        } catch (RuntimeException e) {
            LOG.warn("inbound handler threw for a connection from {}; closing it", connection.remote().shortText(), e);
            ctx.close();
            return;
        }
        if (listener == null) {
            LOG.warn("inbound handler returned no listener for {}; closing the connection",
                    connection.remote().shortText());
            ctx.close();
            return;
        }
        established = true;
    }

    /** Fails the dialler's connect if it is still pending; a no-op for the acceptor or once settled. */
    protected final void failConnect(Reason reason, String message, Throwable failure) {
        if (connected != null && !connected.isDone()) {
            connected.completeExceptionally(new TransportException(reason, message, failure));
        }
    }

    @Override
    public final void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof SslHandshakeCompletionEvent handshake) {
            handshakeDone(ctx, handshake);
        } else if (event instanceof IdleStateEvent idle) {
            idle(ctx, idle);
        } else if (event == Acceptance.ACCEPTED) {
            completeConnect(ctx);
        } else {
            ctx.fireUserEventTriggered(event);
        }
    }

    /**
     * Liveness, once established (before, the handshake timeout rules): nothing written for a while sends a
     * keep-alive record; nothing read for the idle timeout closes the connection with TIMEOUT, as a peer whose
     * link went away silently sends neither frames nor keep-alives, and TCP would go on retransmitting for minutes.
     */
    private void idle(ChannelHandlerContext ctx, IdleStateEvent idle) {
        if (!established) {
            return;
        }
        if (idle.state() == IdleState.WRITER_IDLE) {
            ctx.writeAndFlush(ctx.alloc().buffer(Integer.BYTES).writeInt((int) FrameDecoder.KEEP_ALIVE));
        } else if (idle.state() == IdleState.READER_IDLE) {
            LOG.debug("closing connection {}: nothing arrived within the idle timeout", describe(ctx));
            recordCause(new TransportException(Reason.TIMEOUT, "nothing (no frame, no keep-alive) arrived from "
                    + describe(ctx) + " within the idle timeout"));
            ctx.close();
        }
    }

    @Override
    public final void channelRead(ChannelHandlerContext ctx, Object message) {
        if (!established) {
            return; // cannot happen: frames follow the confirmation, which establishes first
        }
        try {
            listener.onFrame(connection, (ByteBuffer) message);
        } catch (RuntimeException e) {
            LOG.warn("listener for {} threw on a frame; closing the connection", connection, e);
            recordCause(e);
            ctx.close();
        }
    }

    @Override
    public final void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (connection != null) {
            connection.writabilityChanged();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public final void exceptionCaught(ChannelHandlerContext ctx, Throwable thrown) {
        if (thrown instanceof TooLongFrameException) {
            LOG.warn("closing connection {}: received a frame over the limit of {} bytes ({})",
                    describe(ctx), maxFrameSize, thrown.getMessage());
        } else if (thrown instanceof CorruptedFrameException) {
            LOG.warn("closing connection {}: malformed frame ({})", describe(ctx), thrown.getMessage());
        } else {
            LOG.debug("closing connection {} after an error", describe(ctx), thrown);
        }
        recordCause(thrown);
        failConnect(Reason.HANDSHAKE_FAILED, "connection to " + farEnd(ctx) + " failed before it was accepted: "
                + thrown, thrown);
        ctx.close();
    }

    @Override
    public final void channelInactive(ChannelHandlerContext ctx) {
        failConnect(Reason.HANDSHAKE_FAILED, "connection to " + farEnd(ctx)
                + " closed before the far end confirmed acceptance", cause);
        if (connection != null) {
            connection.closed();
        }
        if (established) {
            established = false;
            try {
                listener.onClosed(connection, cause);
            } catch (RuntimeException e) {
                LOG.warn("listener for {} threw on close", connection, e);
            }
        }
        ctx.fireChannelInactive();
    }

    private void recordCause(Throwable thrown) {
        if (cause == null) {
            cause = thrown;
        }
    }

    private String describe(ChannelHandlerContext ctx) {
        return connection != null ? connection.toString() : farEnd(ctx);
    }
}
