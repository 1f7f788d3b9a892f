package io.topictracker.transport.quic;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicConnectionCloseEvent;
import io.netty.handler.codec.quic.QuicConnectionStats;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import io.topictracker.api.PeerAddress;
import io.topictracker.api.PeerId;
import io.topictracker.api.transport.Connection;
import io.topictracker.api.transport.ConnectionListener;
import io.topictracker.api.transport.TransportException;
import io.topictracker.api.transport.TransportException.Reason;
import io.topictracker.tls.IdentityMismatch;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.net.ssl.SSLException;

/**
 * One outgoing {@code connect}: the QUIC handshake, the check that the server proved {@code expected}, and the wait
 * for the server's ACCEPTED record.
 *
 * <p>Why wait for ACCEPTED: in TLS 1.3 the client's handshake completes when it sends its Finished, before the server
 * has judged the client's certificate (RFC 8446 §4.4.4). A server that rejects the client closes the connection
 * after the client already believes it is connected. So {@code connect} succeeds only when the server has opened the
 * connection's stream and written ACCEPTED, which it does only after accepting the client's identity. The whole
 * attempt is bounded by the handshake timeout. Event loop only, except {@link #result()}.
 */
final class OutboundAttempt {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(OutboundAttempt.class);

    private final ConnectionFactory factory;
    private final PeerId expected;
    private final PeerAddress address;
    private final ConnectionListener listener;
    private final Consumer<QuicConnection> registry;
    private final CompletableFuture<Connection> result = new CompletableFuture<>();
    private final ExpectedPeers.Expectation expectation;
    private QuicChannel channel;
    private QuicStreamChannel stream;
    private StreamHandler streamHandler;
    private QuicConnection connection;
    /** The connection being set up, known as soon as its handler is added. */
    private QuicChannel pending;
    private ScheduledFuture<?> timer;
    private String peerCloseReason;
    private boolean handshakeDone;

    OutboundAttempt(ConnectionFactory factory, PeerId expected, PeerAddress address, ConnectionListener listener,
            Consumer<QuicConnection> registry) {
        this.factory = factory;
        this.expected = expected;
        this.address = address;
        this.listener = listener;
        this.registry = registry;
        this.expectation = new ExpectedPeers.Expectation(expected);
    }

    /** @return what the trust manager checks the server against during the handshake, never null */
    ExpectedPeers.Expectation expectation() {
        return expectation;
    }

    /** @return completes with the connection or fails with a {@link TransportException}; never null */
    CompletableFuture<Connection> result() {
        return result;
    }

    /** @return the handler for the QuicChannel */
    ChannelHandler channelHandler() {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void handlerAdded(ChannelHandlerContext ctx) {
                pending = (QuicChannel) ctx.channel();
                // The close future, not channelInactive: a connection the server refuses during the handshake never
                // becomes active on this side, and Netty does not fail the connect future for it.
                ctx.channel().closeFuture().addListener(f -> closedEarly());
            }

            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
                if (event instanceof QuicConnectionCloseEvent close) {
                    peerCloseReason = QuicCloseReasons.describe(close);
                    if (connection != null) {
                        connection.onPeerClosed(close);
                    }
                }
                ctx.fireUserEventTriggered(event);
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                LOG.debug("QUIC connection to {} failed: {}", address, cause.toString());
                ctx.close();
            }
        };
    }

    private void closedEarly() {
        String why = peerCloseReason == null ? "" : " (" + peerCloseReason + ")";
        fail(new TransportException(Reason.HANDSHAKE_FAILED, "QUIC connection to " + address
                + " closed before the server accepted us" + why));
    }

    /** @return the handler for streams the server opens: the first is the connection's stream, any other is refused */
    ChannelHandler streamInitializer() {
        return new ChannelInitializer<QuicStreamChannel>() {
            @Override
            protected void initChannel(QuicStreamChannel accepted) {
                if (stream != null) {
                    accepted.close();
                    return;
                }
                stream = accepted;
                streamHandler = new StreamHandler(s -> serverAccepted(s));
                factory.configureStream(accepted, streamHandler);
            }
        };
    }

    /** Starts the attempt's clock; on the event loop. */
    void started(io.netty.channel.EventLoop loop) {
        long nanos = factory.settings().handshakeTimeout().toNanos();
        timer = loop.schedule(this::timedOut, nanos, TimeUnit.NANOSECONDS);
    }

    /**
     * The attempt ran out of time. Which reason: a server that refuses our certificate drops the connection without a
     * word we can read (seen with quiche), so if packets came back but no handshake completed, it was the handshake
     * that failed; if nothing came back, the address could not be reached (UDP has no connection refusal); if the
     * handshake completed, the server never accepted us.
     */
    private void timedOut() {
        if (result.isDone()) {
            return;
        }
        String limit = " within " + factory.settings().handshakeTimeout().toMillis() + " ms";
        if (handshakeDone || pending == null) {
            fail(new TransportException(Reason.TIMEOUT, "QUIC peer at " + address
                    + " completed the handshake but did not accept us" + limit));
            closeChannel();
            return;
        }
        pending.collectStats().addListener(f -> {
            boolean answered = f.isSuccess() && ((QuicConnectionStats) f.getNow()).recv() > 0;
            fail(answered
                    ? new TransportException(Reason.HANDSHAKE_FAILED, "QUIC peer at " + address
                            + " answered but did not complete the handshake" + limit
                            + "; it probably refused our certificate")
                    : new TransportException(Reason.CONNECT_FAILED, "no answer from " + address + limit));
            closeChannel();
        });
    }

    private void closeChannel() {
        if (pending != null) {
            pending.close();
        }
    }

    /** The QUIC handshake finished (or failed); on the event loop. */
    void handshakeFinished(Future<QuicChannel> connect) {
        if (!connect.isSuccess()) {
            Throwable cause = connect.cause();
            PeerId proven = expectation.mismatch();
            if (proven != null) {
                fail(new TransportException(Reason.IDENTITY_MISMATCH, IdentityMismatch.message(expected, proven,
                        "QUIC peer at " + address), cause));
                return;
            }
            Reason reason = cause instanceof SSLException || cause instanceof CertificateException
                    ? Reason.HANDSHAKE_FAILED : Reason.CONNECT_FAILED;
            fail(new TransportException(reason, "QUIC connection to " + address + " failed: " + cause, cause));
            return;
        }
        channel = connect.getNow();
        handshakeDone = true;
        if (connection != null) {
            return; // ACCEPTED was read first (see serverAccepted)
        }
        if (result.isDone()) {
            channel.close();
            return;
        }
        checkIdentity();
    }

    /** Checks the server proved {@code expected}; closes and fails otherwise. @return true if it did */
    private boolean checkIdentity() {
        PeerId proven;
        try {
            proven = PeerIdentity.of(channel, factory.signing());
        } catch (CertificateException e) {
            reject(new TransportException(Reason.HANDSHAKE_FAILED, "QUIC peer at " + address + ": " + e.getMessage(), e));
            return false;
        }
        if (!proven.equals(expected)) {
            reject(new TransportException(Reason.IDENTITY_MISMATCH, IdentityMismatch.message(expected, proven,
                    "QUIC peer at " + address)));
            return false;
        }
        return true;
    }

    /**
     * ACCEPTED arrived; the frames behind it in the same read are delivered right after this returns, so the
     * connection is attached here, synchronously. The channel is taken from the stream rather than relied on from
     * {@link #handshakeFinished}: that runs from a listener of Netty's connect promise, which Netty may defer.
     */
    private void serverAccepted(QuicStreamChannel accepted) {
        if (channel == null) {
            channel = (QuicChannel) accepted.parent();
            handshakeDone = true;
        }
        if (result.isDone() || !checkIdentity()) {
            channel.close();
            return;
        }
        connection = factory.create(channel, accepted, expected, address);
        streamHandler.attach(connection);
        registry.accept(connection);
        connection.start(listener, factory.settings().keepAliveInterval());
        if (!result.complete(connection)) {
            connection.close();
        }
        cancelTimer();
    }

    private void reject(TransportException failure) {
        if (fail(failure)) {
            channel.close(true, QuicConnection.IDENTITY_REJECTED,
                    Unpooled.copiedBuffer(failure.getMessage(), StandardCharsets.UTF_8));
        }
    }

    private boolean fail(TransportException failure) {
        boolean failed = result.completeExceptionally(failure);
        if (failed) {
            cancelTimer();
        }
        return failed;
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
        }
    }
}
