package io.topictracker.transport.relay.internal;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import io.topictracker.api.PeerAddress;
import io.topictracker.api.PeerId;
import io.topictracker.api.signing.SigningProvider;
import io.topictracker.api.transport.TransportException.Reason;
import io.topictracker.api.transport.TransportException;
import io.topictracker.stream.Acceptance;
import io.topictracker.stream.FrameDecoder;
import io.topictracker.tls.IdentityMismatch;
import io.topictracker.tls.PeerCertificates;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Opens hops: a TCP connection to a relay with mutual TLS 1.3 (the relay learns our id, we learn the relay's), then
 * control messages until the hop is turned into a connection ({@link #toEndpoint}). Thread-safe.
 */
final class HopClient {
    /** An open hop whose TLS handshake is done. */
    static final class Hop {
        final Channel channel;
        final PeerId relay;
        final PeerAddress address;
        private final Handler handler;

        private Hop(Channel channel, PeerId relay, PeerAddress address, Handler handler) {
            this.channel = channel;
            this.relay = relay;
            this.address = address;
            this.handler = handler;
        }

        /** Sets who hears this hop's control messages (on its event loop) and its close; call before sending. */
        void listen(Consumer<RelayMessage> onMessage, Runnable onClose) {
            handler.onMessage = onMessage;
            handler.onClose = onClose;
            if (!channel.isActive()) {
                onClose.run();
            }
        }

        void send(RelayMessage message) {
            Wire.send(channel, message);
        }
    }

    private final EventLoopGroup group;
    private final Class<? extends Channel> channelClass;
    private final TlsContexts tls;
    private final SigningProvider signing;
    private final RelaySettings settings;
    private final Consumer<Channel> track;

    HopClient(EventLoopGroup group, Class<? extends Channel> channelClass, TlsContexts tls, SigningProvider signing,
            RelaySettings settings, Consumer<Channel> track) {
        this.group = group;
        this.channelClass = channelClass;
        this.tls = tls;
        this.signing = signing;
        this.settings = settings;
        this.track = track;
    }

    /**
     * @param address the relay, {@code relay://host:port}
     * @param expectedRelay the relay's id if known (the hop fails with IDENTITY_MISMATCH otherwise), else null
     * @return the hop once both ends proved their ids; fails with a {@link TransportException}
     */
    CompletableFuture<Hop> open(PeerAddress address, PeerId expectedRelay) {
        CompletableFuture<Hop> opened = new CompletableFuture<>();
        InetSocketAddress target = new InetSocketAddress(address.host(), address.port());
        if (target.isUnresolved()) {
            return CompletableFuture.failedFuture(new TransportException(Reason.CONNECT_FAILED,
                    "cannot resolve relay host of " + address));
        }
        Bootstrap bootstrap = new Bootstrap().group(group).channel(channelClass)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) settings.connectTimeout().toMillis())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(
                        settings.writeBufferHighWaterMark() / 2, settings.writeBufferHighWaterMark()))
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        track.accept(channel);
                        SslHandler ssl = tls.client().newHandler(channel.alloc());
                        ssl.setHandshakeTimeoutMillis(settings.handshakeTimeout().toMillis());
                        if (expectedRelay != null) {
                            tls.expected().expect(ssl.engine(), expectedRelay);
                            channel.closeFuture().addListener(closed -> tls.expected().forget(ssl.engine()));
                        }
                        channel.pipeline().addLast(RelayServer.HOP_TLS, ssl);
                        channel.pipeline().addLast("control", new ControlDecoder());
                        channel.pipeline().addLast("hop", new Handler(address, opened));
                    }
                });
        try {
            bootstrap.connect(target).addListener((ChannelFuture attempt) -> {
                if (!attempt.isSuccess()) {
                    opened.completeExceptionally(new TransportException(Reason.CONNECT_FAILED,
                            "could not reach relay " + address + ": " + attempt.cause().getMessage(),
                            attempt.cause()));
                    return;
                }
                long millis = settings.handshakeTimeout().toMillis();
                attempt.channel().eventLoop().schedule(() -> {
                    if (opened.completeExceptionally(new TransportException(Reason.TIMEOUT,
                            "no TLS handshake with relay " + address + " within " + millis + " ms"))) {
                        attempt.channel().close();
                    }
                }, millis, TimeUnit.MILLISECONDS);
            });
        } catch (RuntimeException e) {
            opened.completeExceptionally(new TransportException(Reason.CLOSED, "relay transport is closed", e));
        }
        return opened;
    }

    /**
     * Turns a hop into a connection's pipeline. Call on the hop's event loop, from its control message handler.
     *
     * @param e2eTls the end-to-end TLS handler for a relayed connection, or null for a direct one with the relay
     * @param awaitAcceptance whether the dialler's acceptance decoder goes in (relayed dialler only)
     */
    void toEndpoint(Hop hop, SslHandler e2eTls, boolean awaitAcceptance, EndpointHandler endpoint) {
        ChannelPipeline pipeline = hop.channel.pipeline();
        if (e2eTls != null) {
            e2eTls.setHandshakeTimeoutMillis(settings.handshakeTimeout().toMillis());
            pipeline.addLast(EndpointHandler.E2E_TLS, e2eTls);
        }
        pipeline.addLast("liveness", new IdleStateHandler(settings.idleTimeout().toMillis(),
                settings.keepAliveInterval().toMillis(), 0, TimeUnit.MILLISECONDS));
        if (awaitAcceptance) {
            pipeline.addLast("acceptance", new Acceptance(EndpointHandler.MAGIC));
        }
        pipeline.addLast("frames", new FrameDecoder(settings.maxFrameSize()));
        pipeline.addLast("endpoint", endpoint);
        pipeline.remove("hop");
        pipeline.remove("control"); // hands the bytes after Connected to the handlers just added
    }

    /** The hop's control handler on the client. Event-loop only. */
    private final class Handler extends ChannelInboundHandlerAdapter {
        private final PeerAddress address;
        private final CompletableFuture<Hop> opened;
        volatile Consumer<RelayMessage> onMessage = message -> { };
        volatile Runnable onClose = () -> { };

        Handler(PeerAddress address, CompletableFuture<Hop> opened) {
            this.address = address;
            this.opened = opened;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (!(event instanceof SslHandshakeCompletionEvent handshake)) {
                ctx.fireUserEventTriggered(event);
                return;
            }
            if (!handshake.isSuccess()) {
                IdentityMismatch mismatch = IdentityMismatch.find(handshake.cause());
                opened.completeExceptionally(mismatch != null
                        ? new TransportException(Reason.IDENTITY_MISMATCH, IdentityMismatch.message(
                                mismatch.expected(), mismatch.proven(), address.toString()), handshake.cause())
                        : new TransportException(Reason.HANDSHAKE_FAILED, "TLS with relay " + address + " failed: "
                                + handshake.cause(), handshake.cause()));
                ctx.close();
                return;
            }
            try {
                SslHandler ssl = (SslHandler) ctx.pipeline().get(RelayServer.HOP_TLS);
                PeerId relay = PeerCertificates.identityOf(ssl.engine().getSession().getPeerCertificates(), signing);
                if (!opened.complete(new Hop(ctx.channel(), relay, address, this))) {
                    ctx.close();
                }
            } catch (javax.net.ssl.SSLPeerUnverifiedException | java.security.cert.CertificateException e) {
                opened.completeExceptionally(new TransportException(Reason.HANDSHAKE_FAILED,
                        "no verifiable certificate from relay " + address, e));
                ctx.close();
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            if (message instanceof RelayMessage relayMessage) {
                onMessage.accept(relayMessage);
            } else {
                ReferenceCountUtil.release(message);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            opened.completeExceptionally(new TransportException(Reason.CONNECT_FAILED, "relay " + address
                    + " closed the connection during the TLS handshake"));
            onClose.run();
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
