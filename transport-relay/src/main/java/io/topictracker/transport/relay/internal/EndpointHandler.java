package io.topictracker.transport.relay.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.topictracker.api.PeerAddress;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of a connection once its hop is spliced (relayed) or handed over (direct with the relay node):
 * binds the end-to-end identity, then carries frames, liveness and the close to the API. Event-loop only; one per
 * channel.
 *
 * <p>Relayed: the identity is the one the end-to-end TLS ({@code e2e-tls}) proved; the acceptor confirms with
 * {@link Acceptance} once it checked the dialler, and the dialler completes only then. Direct: the hop's TLS already
 * proved both ends and the relay's {@link RelayMessage.Connected} was the confirmation, so the connection is
 * established when this handler is added.
 */
final class EndpointHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(EndpointHandler.class);
    static final String E2E_TLS = "e2e-tls";

    private final SigningProvider signing;
    private final int maxFrameSize;
    private final PeerAddress relayAddress;
    /** The relay's id when relayed, null when direct. */
    private final PeerId relay;
    /** Dialler: the identity to prove; acceptor of a direct connection: the identity the hop proved; else null. */
    private final PeerId known;
    private final InboundHandler inbound;
    private final CompletableFuture<Connection> connected;
    private ConnectionListener listener;
    private RelayConnection connection;
    private boolean established;
    private Throwable cause;

    private EndpointHandler(SigningProvider signing, int maxFrameSize, PeerAddress relayAddress, PeerId relay,
            PeerId known, InboundHandler inbound, CompletableFuture<Connection> connected,
            ConnectionListener listener) {
        this.signing = signing;
        this.maxFrameSize = maxFrameSize;
        this.relayAddress = relayAddress;
        this.relay = relay;
        this.known = known;
        this.inbound = inbound;
        this.connected = connected;
        this.listener = listener;
    }

    static EndpointHandler dialler(SigningProvider signing, int maxFrameSize, PeerAddress relayAddress, PeerId relay,
            PeerId expected, CompletableFuture<Connection> connected, ConnectionListener listener) {
        return new EndpointHandler(signing, maxFrameSize, relayAddress, relay, expected, null, connected, listener);
    }

    static EndpointHandler acceptor(SigningProvider signing, int maxFrameSize, PeerAddress relayAddress, PeerId relay,
            PeerId hopIdentity, InboundHandler inbound) {
        return new EndpointHandler(signing, maxFrameSize, relayAddress, relay, hopIdentity, inbound, null, null);
    }

    private boolean isDialler() {
        return connected != null;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (relay != null) {
            return; // wait for the end-to-end TLS handshake
        }
        connection = new RelayConnection(ctx.channel(), known, relayAddress, null, maxFrameSize);
        if (isDialler()) {
            if (connected.complete(connection)) {
                established = true;
            } else {
                ctx.close();
            }
        } else {
            accept(ctx);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof SslHandshakeCompletionEvent handshake) {
            if (relay != null && ctx.pipeline().get(E2E_TLS) != null) {
                endToEndHandshakeDone(ctx, handshake);
            }
        } else if (event instanceof IdleStateEvent idle) {
            idle(ctx, idle);
        } else if (event == Acceptance.ACCEPTED) {
            if (connection != null && isDialler() && connected.complete(connection)) {
                established = true;
            } else {
                ctx.close();
            }
        } else {
            ctx.fireUserEventTriggered(event);
        }
    }

    private void endToEndHandshakeDone(ChannelHandlerContext ctx, SslHandshakeCompletionEvent handshake) {
        if (!handshake.isSuccess()) {
            IdentityMismatch mismatch = IdentityMismatch.find(handshake.cause());
            if (mismatch != null) {
                fail(Reason.IDENTITY_MISMATCH, IdentityMismatch.message(mismatch.expected(), mismatch.proven(),
                        relayAddress + " (relayed)"), handshake.cause());
            }
            fail(Reason.HANDSHAKE_FAILED, "end-to-end TLS through " + relayAddress + " failed: "
                    + handshake.cause(), handshake.cause());
            ctx.close();
            return;
        }
        PeerId remote;
        try {
            SslHandler ssl = (SslHandler) ctx.pipeline().get(E2E_TLS);
            remote = PeerCertificates.identityOf(ssl.engine().getSession().getPeerCertificates(), signing);
        } catch (javax.net.ssl.SSLPeerUnverifiedException | java.security.cert.CertificateException e) {
            fail(Reason.HANDSHAKE_FAILED, "no verifiable end-to-end certificate through " + relayAddress, e);
            ctx.close();
            return;
        }
        if (isDialler() && !remote.equals(known)) {
            fail(Reason.IDENTITY_MISMATCH, IdentityMismatch.message(known, remote, relayAddress + " (relayed)"),
                    null);
            ctx.close();
            return;
        }
        connection = new RelayConnection(ctx.channel(), remote, relayAddress, relay, maxFrameSize);
        if (!isDialler()) {
            ctx.writeAndFlush(Acceptance.confirmation());
            accept(ctx);
        }
    }

    private void accept(ChannelHandlerContext ctx) {
        try {
            listener = inbound.accepted(connection);
        } catch (RuntimeException e) {
            LOG.warn("inbound handler threw for a relay connection from {}", connection.remote().shortText(), e);
            ctx.close();
            return;
        }
        if (listener == null) {
            ctx.close();
            return;
        }
        established = true;
    }

    private void idle(ChannelHandlerContext ctx, IdleStateEvent idle) {
        if (!established) {
            return;
        }
        if (idle.state() == IdleState.WRITER_IDLE) {
            ctx.writeAndFlush(ctx.alloc().buffer(Integer.BYTES).writeInt((int) FrameDecoder.KEEP_ALIVE));
        } else if (idle.state() == IdleState.READER_IDLE) {
            record(new TransportException(Reason.TIMEOUT, "nothing arrived from " + connection.remote().shortText()
                    + " through " + relayAddress + " within the idle timeout"));
            ctx.close();
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        if (!established) {
            return;
        }
        try {
            listener.onFrame(connection, (ByteBuffer) message);
        } catch (RuntimeException e) {
            LOG.warn("listener for {} threw on a frame; closing the connection", connection, e);
            record(e);
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
        LOG.debug("closing relay connection {} after an error", connection, thrown);
        record(thrown);
        fail(Reason.HANDSHAKE_FAILED, "relayed connection through " + relayAddress + " failed: " + thrown, thrown);
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        fail(Reason.HANDSHAKE_FAILED, "connection through " + relayAddress
                + " closed before the far end confirmed it (relay gone or circuit refused)", cause);
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

    private void fail(Reason reason, String message, Throwable failure) {
        if (connected != null && !connected.isDone()) {
            connected.completeExceptionally(new TransportException(reason, message, failure));
        }
    }

    private void record(Throwable thrown) {
        if (cause == null) {
            cause = thrown;
        }
    }
}
