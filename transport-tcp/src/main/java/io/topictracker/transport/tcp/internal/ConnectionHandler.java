package io.topictracker.transport.tcp.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.topictracker.api.PeerId;
import io.topictracker.api.signing.SigningProvider;
import io.topictracker.api.transport.Connection;
import io.topictracker.api.transport.ConnectionListener;
import io.topictracker.api.transport.InboundHandler;
import io.topictracker.api.transport.TransportException;
import io.topictracker.api.transport.TransportException.Reason;
import io.topictracker.tls.IdentityMismatch;
import io.topictracker.tls.PeerCertificates;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of a connection's pipeline: binds the TLS session to an identity, then carries frames and the
 * close to the API. One instance per channel; every method runs on the channel's event loop, so the listener's calls
 * are serial as {@link ConnectionListener} promises.
 *
 * <p>Both sides check the binding. The acceptor learns the dialler's identity from its verified certificate and
 * only then writes the {@link Acceptance} confirmation and hands the connection to the {@link InboundHandler}. The
 * dialler compares the acceptor's identity with the one it expected (a mismatch fails the connect with
 * IDENTITY_MISMATCH naming both) and completes the connect only when the confirmation arrives.
 */
final class ConnectionHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionHandler.class);

    private final SigningProvider signing;
    private final int maxFrameSize;
    private final Function<EventLoop, LoopWrites> loopWrites;
    /** Acceptor side only; null when dialling. */
    private final InboundHandler inbound;
    /** Dialler side only; null when accepting. */
    private final PeerId expected;
    private final CompletableFuture<Connection> connected;

    private ConnectionListener listener;
    private TcpConnection connection;
    /** True once the API side holds the connection, so onClosed is owed. */
    private boolean established;
    private Throwable cause;

    private ConnectionHandler(SigningProvider signing, int maxFrameSize, InboundHandler inbound, PeerId expected,
            CompletableFuture<Connection> connected, ConnectionListener listener,
            Function<EventLoop, LoopWrites> loopWrites) {
        this.signing = signing;
        this.loopWrites = loopWrites;
        this.maxFrameSize = maxFrameSize;
        this.inbound = inbound;
        this.expected = expected;
        this.connected = connected;
        this.listener = listener;
    }

    /** @param loopWrites the write batcher of an event loop, not null; called on the loop */
    static ConnectionHandler acceptor(SigningProvider signing, int maxFrameSize, InboundHandler inbound,
            Function<EventLoop, LoopWrites> loopWrites) {
        return new ConnectionHandler(signing, maxFrameSize, inbound, null, null, null, loopWrites);
    }

    /** @param loopWrites the write batcher of an event loop, not null; called on the loop */
    static ConnectionHandler dialler(SigningProvider signing, int maxFrameSize, PeerId expected,
            CompletableFuture<Connection> connected, ConnectionListener listener,
            Function<EventLoop, LoopWrites> loopWrites) {
        return new ConnectionHandler(signing, maxFrameSize, null, expected, connected, listener, loopWrites);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof SslHandshakeCompletionEvent handshake) {
            handshakeDone(ctx, handshake);
        } else if (event instanceof IdleStateEvent idle) {
            idle(ctx, idle);
        } else if (event == Acceptance.ACCEPTED) {
            if (connection != null && expected != null && connection.remote().equals(expected)) {
                if (connected.complete(connection)) {
                    established = true;
                } else {
                    ctx.close(); // the connect already failed (timeout, transport closed): nobody owns this channel
                }
            } else {
                ctx.close();
            }
        } else {
            ctx.fireUserEventTriggered(event);
        }
    }

    /**
     * Liveness, once established (before, the handshake timeout rules): nothing written for a while sends a
     * keep-alive record; nothing read for {@code idle_timeout} closes the connection with TIMEOUT, as a peer whose
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

    private void handshakeDone(ChannelHandlerContext ctx, SslHandshakeCompletionEvent handshake) {
        if (!handshake.isSuccess()) {
            IdentityMismatch mismatch = IdentityMismatch.find(handshake.cause());
            if (mismatch != null) {
                failConnect(Reason.IDENTITY_MISMATCH, mismatchMessage(ctx, mismatch.expected(), mismatch.proven()),
                        handshake.cause());
            }
            failConnect(Reason.HANDSHAKE_FAILED, "TLS handshake with " + ctx.channel().remoteAddress()
                    + " failed: " + handshake.cause(), handshake.cause());
            LOG.debug("TLS handshake with {} failed", ctx.channel().remoteAddress(), handshake.cause());
            ctx.close();
            return;
        }
        PeerId remote;
        try {
            SslHandler ssl = ctx.pipeline().get(SslHandler.class);
            remote = PeerCertificates.identityOf(ssl.engine().getSession().getPeerCertificates(), signing);
        } catch (SSLPeerUnverifiedException | java.security.cert.CertificateException e) {
            // The trust manager already checked the certificate; this only happens if the session lost it.
            failConnect(Reason.HANDSHAKE_FAILED, "no verifiable peer certificate from "
                    + ctx.channel().remoteAddress() + ": " + e.getMessage(), e);
            ctx.close();
            return;
        }
        connection = new TcpConnection(ctx.channel(), remote, maxFrameSize, loopWrites.apply(ctx.channel().eventLoop()));
        if (expected != null) {
            if (!remote.equals(expected)) {
                // Normally caught earlier by the trust manager; checked again here so the binding never rests on
                // one check alone.
                failConnect(Reason.IDENTITY_MISMATCH, mismatchMessage(ctx, expected, remote), null);
                ctx.close();
            }
            // Otherwise wait for the acceptor's confirmation (Acceptance) before reporting success.
            return;
        }
        ctx.writeAndFlush(Acceptance.confirmation());
        try {
            listener = inbound.accepted(connection);
        } catch (RuntimeException e) {
            LOG.warn("inbound handler threw for a connection from {}; closing it", remote.shortText(), e);
            ctx.close();
            return;
        }
        if (listener == null) {
            LOG.warn("inbound handler returned no listener for {}; closing the connection", remote.shortText());
            ctx.close();
            return;
        }
        established = true;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
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
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (connection != null) {
            connection.writabilityChanged();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable thrown) {
        if (thrown instanceof TooLongFrameException) {
            LOG.warn("closing connection {}: received a frame over the limit of {} bytes ({})",
                    describe(ctx), maxFrameSize, thrown.getMessage());
        } else if (thrown instanceof CorruptedFrameException) {
            LOG.warn("closing connection {}: malformed frame ({})", describe(ctx), thrown.getMessage());
        } else {
            LOG.debug("closing connection {} after an error", describe(ctx), thrown);
        }
        recordCause(thrown);
        failConnect(Reason.HANDSHAKE_FAILED, "connection to " + ctx.channel().remoteAddress()
                + " failed before it was accepted: " + thrown, thrown);
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        failConnect(Reason.HANDSHAKE_FAILED, "connection to " + ctx.channel().remoteAddress()
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

    /** Fails the dialler's connect if it is still pending; a no-op for the acceptor or once settled. */
    private void failConnect(Reason reason, String message, Throwable failure) {
        if (connected != null && !connected.isDone()) {
            connected.completeExceptionally(new TransportException(reason, message, failure));
        }
    }

    private static String mismatchMessage(ChannelHandlerContext ctx, PeerId wanted, PeerId proven) {
        java.net.InetSocketAddress far = (java.net.InetSocketAddress) ctx.channel().remoteAddress();
        String where = far == null ? "the far end" : "tcp://" + far.getAddress().getHostAddress() + ":" + far.getPort();
        return IdentityMismatch.message(wanted, proven, where);
    }

    private void recordCause(Throwable thrown) {
        if (cause == null) {
            cause = thrown;
        }
    }

    private String describe(ChannelHandlerContext ctx) {
        return connection != null ? connection.toString() : String.valueOf(ctx.channel().remoteAddress());
    }
}
