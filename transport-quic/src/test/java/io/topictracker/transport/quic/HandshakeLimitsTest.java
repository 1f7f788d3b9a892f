package io.topictracker.transport.quic;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.quic.BoringSSLContextOption;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicClientCodecBuilder;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.ReferenceCountUtil;
import io.topictracker.api.PeerAddress;
import io.topictracker.tck.Await;
import io.topictracker.tck.CountingMetrics;
import io.topictracker.tls.NodeCredentials;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Handshakes in flight (issue 16): an attacker whose QUIC connections send their Initial packets and never complete
 * (it drops every datagram the server sends back) fills its address's share or the total, further ones are refused
 * at once and counted, and a real peer still connects. The attacker binds 127.0.0.2 and up (all of 127/8 is loopback
 * on Linux), so the per-IP bound separates it from the real peer on 127.0.0.1 as it would separate two hosts.
 */
class HandshakeLimitsTest {
    private static final String REFUSED = "topictracker.transport.handshakes.refused";

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final EventLoopGroup attackerLoop = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final List<QuicTestNode> nodes = new ArrayList<>();
    private final CountingMetrics metrics = new CountingMetrics();

    @AfterEach
    void close() {
        attackerLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
        nodes.forEach(QuicTestNode::close);
        scheduler.shutdownNow();
    }

    @Test
    void oneAddressGetsItsShareOfHandshakesAndARealPeerStillConnects() throws Exception {
        QuicTestNode server = node(Map.of("max_handshakes_in_flight", 8L, "max_handshakes_in_flight_per_ip", 3L,
                "handshake_timeout", "1m"));

        attack("127.0.0.2", server, 4);

        // At least once: the refused connection's client retransmits its Initial, refused again each time.
        Await.until(QuicTestNode.WAIT, "the fourth connection from 127.0.0.2 is refused",
                () -> metrics.count(REFUSED, "transport", "quic", "limit", "per_ip") >= 1);
        assertEquals(3, server.transport.handshakes().inFlight(), "the first three are in their handshake");
        assertEquals(0, metrics.count(REFUSED, "transport", "quic", "limit", "total"));
        QuicTestNode peer = node(Map.of());
        Await.result(peer.transport.connect(server.id(), server.address(), new RecordingListener()),
                QuicTestNode.WAIT);
        assertEquals(3, server.transport.handshakes().inFlight(), "the attacker still holds its share");
    }

    @Test
    void theTotalBoundHoldsAcrossAddressesUntilTheHandshakeTimeoutFreesIt() throws Exception {
        QuicTestNode server = node(Map.of("max_handshakes_in_flight", 4L, "max_handshakes_in_flight_per_ip", 2L,
                "handshake_timeout", "3s"));
        List<Channel> sockets = new ArrayList<>();
        sockets.add(attack("127.0.0.2", server, 2));
        sockets.add(attack("127.0.0.3", server, 2));
        Await.until(QuicTestNode.WAIT, "4 connections in their handshake",
                () -> server.transport.handshakes().inFlight() == 4);

        sockets.add(attack("127.0.0.4", server, 1));

        Await.until(QuicTestNode.WAIT, "a fifth connection, from a third address, is refused",
                () -> metrics.count(REFUSED, "transport", "quic", "limit", "total") >= 1);
        assertEquals(0, metrics.count(REFUSED, "transport", "quic", "limit", "per_ip"));
        // The attacker stops (its retransmitted Initials would open new handshakes after the old ones time out).
        // Unauthenticated connections last at most the handshake timeout; then the places are free again.
        for (Channel socket : sockets) {
            socket.close().sync();
        }
        Await.until(QuicTestNode.WAIT, "the attackers' handshakes time out",
                () -> server.transport.handshakes().inFlight() == 0);
        QuicTestNode peer = node(Map.of());
        Await.result(peer.transport.connect(server.id(), server.address(), new RecordingListener()),
                QuicTestNode.WAIT);
    }

    private QuicTestNode node(Map<String, ?> settings) {
        QuicTestNode node = new QuicTestNode(scheduler, settings, NodeCredentials::create, null, metrics);
        nodes.add(node);
        return node;
    }

    /**
     * Opens {@code connections} QUIC connections from one UDP socket on {@code sourceIp}: each sends its Initial
     * (a real ClientHello with our ALPN), and the socket drops every datagram that comes back, so no handshake ends.
     */
    private Channel attack(String sourceIp, QuicTestNode server, int connections) throws Exception {
        QuicSslContext tls = QuicSslContextBuilder.forClient()
                .trustManager(InsecureTrustManagerFactory.INSTANCE)
                .applicationProtocols(QuicTls.ALPN)
                .option(BoringSSLContextOption.SIGNATURE_ALGORITHMS, new String[] {"ed25519"})
                .build();
        Channel socket = new Bootstrap().group(attackerLoop).channel(NioDatagramChannel.class)
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        channel.pipeline().addLast(new DropEverythingReceived(), new QuicClientCodecBuilder()
                                .sslContext(tls)
                                .maxIdleTimeout(5, TimeUnit.MINUTES)
                                .initialMaxData(1 << 20)
                                .initialMaxStreamDataBidirectionalLocal(1 << 20)
                                .build());
                    }
                })
                .bind(new InetSocketAddress(sourceIp, 0)).sync().channel();
        PeerAddress target = server.address();
        for (int i = 0; i < connections; i++) {
            // The connect never completes; its Initial is what matters.
            QuicChannel.newBootstrap(socket)
                    .handler(new ChannelInboundHandlerAdapter())
                    .remoteAddress(new InetSocketAddress(target.host(), target.port()))
                    .connect();
        }
        return socket;
    }

    /** Swallows every inbound datagram before the QUIC codec sees it. */
    private static final class DropEverythingReceived extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            ReferenceCountUtil.release(message);
        }
    }

}
