package io.topictracker.transport.tcp.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.topictracker.api.PeerAddress;
import io.topictracker.api.PeerId;
import io.topictracker.api.signing.SigningProvider;
import io.topictracker.api.transport.Connection;
import io.topictracker.api.transport.ConnectionListener;
import io.topictracker.api.transport.InboundHandler;
import io.topictracker.api.transport.TransportException.Reason;
import io.topictracker.stream.Acceptance;
import io.topictracker.stream.LoopWrites;
import io.topictracker.stream.StreamConnection;
import io.topictracker.stream.StreamEndpoint;
import io.topictracker.tls.IdentityMismatch;
import io.topictracker.tls.PeerCertificates;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of a TCP connection's pipeline: binds the TLS session to an identity; frames, liveness and the
 * close are {@link StreamEndpoint}'s. One instance per channel; event-loop only.
 *
 * <p>Both sides check the binding. The acceptor learns the dialler's identity from its verified certificate and
 * only then writes the {@link Acceptance} confirmation ({@link #MAGIC}) and hands the connection to the
 * {@link InboundHandler}. The dialler compares the acceptor's identity with the one it expected (a mismatch fails the
 * connect with IDENTITY_MISMATCH naming both) and completes the connect only when the confirmation arrives.
 */
final class ConnectionHandler extends StreamEndpoint {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionHandler.class);

    /** The acceptance confirmation of the TCP transport: names the protocol and its version. */
    static final String MAGIC = "tt-tcp/1";

    private final SigningProvider signing;
    private final int maxFrameSize;
    private final Function<EventLoop, LoopWrites> loopWrites;
    /** Dialler side only; null when accepting. */
    private final PeerId expected;

    private ConnectionHandler(SigningProvider signing, int maxFrameSize, InboundHandler inbound, PeerId expected,
            CompletableFuture<Connection> connected, ConnectionListener listener,
            Function<EventLoop, LoopWrites> loopWrites) {
        super(maxFrameSize, inbound, connected, listener);
        this.signing = signing;
        this.loopWrites = loopWrites;
        this.maxFrameSize = maxFrameSize;
        this.expected = expected;
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
    protected void handshakeDone(ChannelHandlerContext ctx, SslHandshakeCompletionEvent handshake) {
        if (!handshake.isSuccess()) {
            IdentityMismatch mismatch = IdentityMismatch.find(handshake.cause());
            if (mismatch != null) {
                failConnect(Reason.IDENTITY_MISMATCH, IdentityMismatch.message(mismatch.expected(),
                        mismatch.proven(), farEnd(ctx)), handshake.cause());
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
        if (expected != null && !remote.equals(expected)) {
            // Normally caught earlier by the trust manager; checked again here so the binding never rests on one
            // check alone.
            failConnect(Reason.IDENTITY_MISMATCH, IdentityMismatch.message(expected, remote, farEnd(ctx)), null);
            ctx.close();
            return;
        }
        InetSocketAddress far = (InetSocketAddress) ctx.channel().remoteAddress();
        bind(new StreamConnection(ctx.channel(), remote,
                PeerAddress.of("tcp", far.getAddress().getHostAddress(), far.getPort()), null, maxFrameSize,
                loopWrites.apply(ctx.channel().eventLoop())));
        if (expected != null) {
            return; // wait for the acceptor's confirmation (Acceptance) before reporting success
        }
        ctx.writeAndFlush(Acceptance.confirmation(MAGIC));
        accept(ctx);
    }

    @Override
    protected String farEnd(ChannelHandlerContext ctx) {
        InetSocketAddress far = (InetSocketAddress) ctx.channel().remoteAddress();
        return far == null ? "the far end" : "tcp://" + far.getAddress().getHostAddress() + ":" + far.getPort();
    }
}
