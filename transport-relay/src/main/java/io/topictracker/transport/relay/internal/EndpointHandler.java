package io.topictracker.transport.relay.internal;

import io.netty.channel.ChannelHandlerContext;
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
import java.util.concurrent.CompletableFuture;

/**
 * The last handler of a connection once its hop is spliced (relayed) or handed over (direct with the relay node):
 * binds the end-to-end identity; frames, liveness and the close are {@link StreamEndpoint}'s. Event-loop only; one
 * per channel.
 *
 * <p>Relayed: the identity is the one the end-to-end TLS ({@code e2e-tls}) proved; the acceptor confirms with
 * {@link Acceptance} ({@link #MAGIC}) once it checked the dialler, and the dialler completes only then. Direct: the
 * hop's TLS already proved both ends and the relay's {@link RelayMessage.Connected} was the confirmation, so the
 * connection is established when this handler is added.
 */
final class EndpointHandler extends StreamEndpoint {
    static final String E2E_TLS = "e2e-tls";
    /** The end-to-end acceptance confirmation of the relay transport: names the protocol and its version. */
    static final String MAGIC = "tt-rly/1";

    private final SigningProvider signing;
    private final int maxFrameSize;
    private final PeerAddress relayAddress;
    /** The relay's id when relayed, null when direct. */
    private final PeerId relay;
    /** Dialler: the identity to prove; acceptor of a direct connection: the identity the hop proved; else null. */
    private final PeerId known;

    private EndpointHandler(SigningProvider signing, int maxFrameSize, PeerAddress relayAddress, PeerId relay,
            PeerId known, InboundHandler inbound, CompletableFuture<Connection> connected,
            ConnectionListener listener) {
        super(maxFrameSize, inbound, connected, listener);
        this.signing = signing;
        this.maxFrameSize = maxFrameSize;
        this.relayAddress = relayAddress;
        this.relay = relay;
        this.known = known;
    }

    static EndpointHandler dialler(SigningProvider signing, int maxFrameSize, PeerAddress relayAddress, PeerId relay,
            PeerId expected, CompletableFuture<Connection> connected, ConnectionListener listener) {
        return new EndpointHandler(signing, maxFrameSize, relayAddress, relay, expected, null, connected, listener);
    }

    static EndpointHandler acceptor(SigningProvider signing, int maxFrameSize, PeerAddress relayAddress, PeerId relay,
            PeerId hopIdentity, InboundHandler inbound) {
        return new EndpointHandler(signing, maxFrameSize, relayAddress, relay, hopIdentity, inbound, null, null);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (relay != null) {
            return; // wait for the end-to-end TLS handshake
        }
        bind(connection(ctx, known));
        if (isDialler()) {
            completeConnect(ctx);
        } else {
            accept(ctx);
        }
    }

    @Override
    protected void handshakeDone(ChannelHandlerContext ctx, SslHandshakeCompletionEvent handshake) {
        if (relay == null || ctx.pipeline().get(E2E_TLS) == null) {
            return; // the hop's own handshake, long done
        }
        if (!handshake.isSuccess()) {
            IdentityMismatch mismatch = IdentityMismatch.find(handshake.cause());
            if (mismatch != null) {
                failConnect(Reason.IDENTITY_MISMATCH, IdentityMismatch.message(mismatch.expected(),
                        mismatch.proven(), farEnd(ctx)), handshake.cause());
            }
            failConnect(Reason.HANDSHAKE_FAILED, "end-to-end TLS through " + relayAddress + " failed: "
                    + handshake.cause(), handshake.cause());
            ctx.close();
            return;
        }
        PeerId remote;
        try {
            SslHandler ssl = (SslHandler) ctx.pipeline().get(E2E_TLS);
            remote = PeerCertificates.identityOf(ssl.engine().getSession().getPeerCertificates(), signing);
        } catch (javax.net.ssl.SSLPeerUnverifiedException | java.security.cert.CertificateException e) {
            failConnect(Reason.HANDSHAKE_FAILED, "no verifiable end-to-end certificate through " + relayAddress, e);
            ctx.close();
            return;
        }
        if (isDialler() && !remote.equals(known)) {
            failConnect(Reason.IDENTITY_MISMATCH, IdentityMismatch.message(known, remote, farEnd(ctx)), null);
            ctx.close();
            return;
        }
        bind(connection(ctx, remote));
        if (!isDialler()) {
            ctx.writeAndFlush(Acceptance.confirmation(MAGIC));
            accept(ctx);
        }
    }

    /**
     * Each relay connection batches its own writes: a node holds few of them (its relays' hops and their circuits),
     * so one {@link LoopWrites} per connection costs a task per burst, as one per event loop would.
     */
    private StreamConnection connection(ChannelHandlerContext ctx, PeerId remote) {
        return new StreamConnection(ctx.channel(), remote, relayAddress, relay, maxFrameSize,
                new LoopWrites(ctx.channel().eventLoop()));
    }

    @Override
    protected String farEnd(ChannelHandlerContext ctx) {
        return relay == null ? relayAddress.toString() : relayAddress + " (relayed)";
    }
}
