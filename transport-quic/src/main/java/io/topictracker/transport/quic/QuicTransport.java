package io.topictracker.transport.quic;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicClientCodecBuilder;
import io.netty.handler.codec.quic.QuicConnectionAddress;
import io.netty.handler.codec.quic.QuicCodecBuilder;
import io.netty.handler.codec.quic.QuicServerCodecBuilder;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.topictracker.api.Availability;
import io.topictracker.api.PeerAddress;
import io.topictracker.api.PeerId;
import io.topictracker.api.transport.AdvertisedAddresses;
import io.topictracker.api.transport.Connection;
import io.topictracker.api.transport.ConnectionListener;
import io.topictracker.api.transport.Transport;
import io.topictracker.api.metrics.Metrics;
import io.topictracker.api.transport.TransportContext;
import io.topictracker.api.transport.TransportException;
import io.topictracker.api.transport.TransportException.Reason;
import io.topictracker.stream.SharedEventLoops;
import io.topictracker.tls.HandshakeGate;
import io.topictracker.tls.NodeCredentials;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The QUIC transport: one UDP socket that accepts connections and dials them (so a dial leaves from the listening
 * port, which is what a NAT has mapped and peers have been told), on one event loop thread. By default that loop is the
 * transport's own ({@code tt-quic-own-*}); with {@code share_event_loops = true} it is one of the {@code io_threads}
 * loops ({@code tt-quic-io-*}) that the QUIC transports of the process share ({@link SharedEventLoops}: 55 nodes in one
 * process then run 2 loops, not 55). {@link #start()} acquires it, {@link #close()} closes this
 * transport's connections and socket, waits for them, and lets go of it (the last holder's close ends shared loops).
 * One QUIC connection per {@link #connect} or accepted peer, with one stream carrying all of its frames. Thread-safe.
 */
final class QuicTransport implements Transport {
    private static final Logger LOG = LoggerFactory.getLogger(QuicTransport.class);

    /** Flow-control credit per connection (RFC 9000 §4): bounds what one peer can have buffered here. */
    static final long CONNECTION_WINDOW = 8L << 20;
    /** Flow-control credit for the one stream. */
    static final long STREAM_WINDOW = 4L << 20;
    /**
     * UDP socket buffers. With the kernel default (~208 KiB) the receiving socket overflowed during bulk transfer
     * (5737 "receive buffer errors" in netstat -su during one benchmark run, none with 4 MiB), and QUIC reads every
     * drop as congestion (RFC 9002 §7). The kernel caps the request at net.core.rmem_max / wmem_max.
     */
    static final int SOCKET_BUFFER = 4 << 20;
    /**
     * UDP payload size on a loopback socket. Every QUIC packet costs a system call each way, an AEAD seal and open, and
     * its share of acknowledgements, so 1 KiB frames in 1,350-byte packets spent the event loops in {@code sendto},
     * {@code recvfrom} and quiche (JFR native samples) and moved ~40 MB/s. The loopback interface's MTU is 65,536, so
     * on it packets can be 48× larger: the largest UDP payload under an IPv6 header (40) and a UDP header (8) in that
     * MTU, which also fits IPv4. The peer learns our receive limit from the max_udp_payload_size transport parameter
     * (RFC 9000 §18.2) and each side sends at most the smaller of its own and the peer's, so two nodes on loopback
     * use this size and a peer elsewhere is never sent more than it accepts.
     */
    static final int LOOPBACK_UDP_PAYLOAD = 65_536 - 40 - 8;
    /**
     * UDP payload size on any other interface: quiche's usual 1,350 bytes, under the 1,500-byte Ethernet MTU with room
     * for tunnels. Larger packets there would be fragmented or dropped (RFC 9000 §14); path MTU discovery is off.
     */
    static final int PATH_UDP_PAYLOAD = 1_350;
    /** The longest {@link #close()} waits for connections to close in order before it forces them. */
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(2);
    /** The longest {@link #close()} waits for its socket to close once the connections are done. */
    private static final Duration SOCKET_CLOSE_WAIT = Duration.ofSeconds(2);

    private enum State { NEW, STARTED, CLOSED }

    private final TransportContext context;
    /** From a dial to an authenticated, accepted connection (QUIC and TLS 1.3 handshake, acceptance). */
    private final Metrics.Timer handshakeDuration;
    private final QuicSettings settings;
    private final Availability availability;
    private final ConnectionFactory factory;
    private final CredentialsSource credentials;
    private final ExpectedPeers expectedPeers = new ExpectedPeers();
    private final ConnectionIds connectionIds = new ConnectionIds();
    private final Set<QuicConnection> connections = ConcurrentHashMap.newKeySet();
    private final Set<OutboundAttempt> attempts = ConcurrentHashMap.newKeySet();
    /** Accepted connections whose handshake has not finished: bounded per remote IP and in total. */
    private final HandshakeGate handshakes;
    /** Accepted connections refused by {@link #handshakes}, indexed by {@link HandshakeGate.Limit#ordinal()}. */
    private final Metrics.Counter[] handshakesRefused;

    private final Object lock = new Object();
    private State state = State.NEW;
    private CompletableFuture<Void> started;
    /** The event loops the socket runs on; null before start and after a failed one. */
    private SharedEventLoops.Lease loops;
    /** The one UDP socket: it accepts connections and dials them. */
    private volatile Channel serverChannel;
    /** The bound listening socket, null before start. */
    private volatile InetSocketAddress listening;

    /**
     * @param context not null
     * @param settings validated settings, not null
     * @param availability whether the native library loaded; an unavailable transport fails {@link #start()}
     */
    QuicTransport(TransportContext context, QuicSettings settings, Availability availability) {
        this(context, settings, availability, NodeCredentials::create);
    }

    /** As above, with the credentials made by {@code credentials} (tests forge bad ones). */
    QuicTransport(TransportContext context, QuicSettings settings, Availability availability,
            CredentialsSource credentials) {
        this.credentials = credentials;
        this.context = context;
        this.settings = settings;
        this.availability = availability;
        this.factory = new ConnectionFactory(settings, context.signing());
        this.handshakeDuration = context.metrics().timer("topictracker.transport.handshake.duration",
                "transport", "quic");
        this.handshakes = new HandshakeGate(settings.maxHandshakesInFlight(), settings.maxHandshakesInFlightPerIp());
        HandshakeGate.Limit[] limits = HandshakeGate.Limit.values();
        this.handshakesRefused = new Metrics.Counter[limits.length];
        for (HandshakeGate.Limit limit : limits) {
            handshakesRefused[limit.ordinal()] = context.metrics().counter("topictracker.transport.handshakes.refused",
                    "transport", "quic", "limit", limit.tag());
        }
    }

    @Override
    public String id() {
        return QuicTransportProvider.ID;
    }

    @Override
    public CompletableFuture<Void> start() {
        synchronized (lock) {
            if (started != null) {
                return started;
            }
            if (state == State.CLOSED) {
                return CompletableFuture.failedFuture(new TransportException(Reason.CLOSED, "transport is closed"));
            }
            started = new CompletableFuture<>();
            if (!availability.isAvailable()) {
                Throwable cause = availability.unavailabilityCause().orElseThrow();
                started.completeExceptionally(new IllegalStateException(
                        "QUIC transport unavailable: the native QUIC library did not load here (" + cause + ")", cause));
                return started;
            }
            try {
                NodeCredentials node = this.credentials.create(context.identity(), context.clock().instant());
                QuicSslContext serverTls = QuicTls.server(node, context.signing());
                QuicSslContext clientTls = QuicTls.client(node, context.signing(), expectedPeers);
                // One socket needs one loop, so a group of one's own has one thread; a shared group spreads the
                // process's sockets over io_threads loops (Netty registers each channel with the group's next loop).
                loops = settings.shareEventLoops()
                        ? SharedEventLoops.acquire(QuicTransportProvider.ID, settings.ioThreads(),
                                NioIoHandler.newFactory())
                        : SharedEventLoops.own(QuicTransportProvider.ID, 1, NioIoHandler.newFactory());
                bind(serverTls, clientTls);
            } catch (RuntimeException e) {
                state = State.CLOSED;
                started.completeExceptionally(e);
                releaseAll();
                return started;
            }
            state = State.STARTED;
            return started;
        }
    }

    private void bind(QuicSslContext serverTls, QuicSslContext clientTls) {
        ChannelHandler serverCodec = windows(new QuicServerCodecBuilder())
                .sslContext(serverTls)
                .localConnectionIdLength(ConnectionIds.LENGTH)
                .connectionIdAddressGenerator(connectionIds.acceptedIds())
                .tokenHandler(NoRetryTokenHandler.INSTANCE)
                // The server opens the connection's one stream; a client may open none (RFC 9000 §4.6).
                .initialMaxStreamsBidirectional(0)
                .handler(new ChannelInitializer<QuicChannel>() {
                    @Override
                    protected void initChannel(QuicChannel channel) {
                        HandshakeGate.Permit permit = admitHandshake(channel);
                        if (permit == null) {
                            return;
                        }
                        channel.closeFuture().addListener(closed -> permit.release());
                        channel.pipeline().addLast(
                                new InboundConnectionHandler(factory, context.inbound(), QuicTransport.this::register,
                                        QuicTransport.this::isClosed, permit::release));
                    }
                })
                .streamHandler(new ChannelInitializer<QuicStreamChannel>() {
                    @Override
                    protected void initChannel(QuicStreamChannel stream) {
                        // Unreachable while the stream limit above is 0; refused if a peer ignores it.
                        stream.parent().close(true, QuicConnection.PROTOCOL_VIOLATION,
                                Unpooled.copiedBuffer("clients may not open streams", StandardCharsets.UTF_8));
                    }
                })
                .build();
        ChannelHandler clientCodec = windows(new QuicClientCodecBuilder())
                .sslContext(clientTls)
                .sslEngineProvider(expectedPeers.engineProvider(clientTls))
                .localConnectionIdLength(ConnectionIds.LENGTH)
                // Room for the one stream the server opens.
                .initialMaxStreamsBidirectional(1)
                .build();
        InetSocketAddress bindTo = new InetSocketAddress(settings.bindAddress(), settings.port());
        SharedSocketDemux demux = new SharedSocketDemux(connectionIds);
        // One socket for both roles: what we dial leaves from the port we listen on, the port peers know and a NAT
        // has mapped (see ConnectionIds for how datagrams find their codec).
        ChannelFuture server = udp().handler(new ChannelInitializer<NioDatagramChannel>() {
            @Override
            protected void initChannel(NioDatagramChannel channel) {
                channel.pipeline().addLast("demux", demux);
                channel.pipeline().addLast("accepting", serverCodec);
                channel.pipeline().addLast("dial-entry", demux.dialEntry());
                channel.pipeline().addLast("dialling", clientCodec);
            }
        }).bind(bindTo);
        server.addListener(s -> {
            if (!s.isSuccess()) {
                failStart(new TransportException(Reason.CONNECT_FAILED, "cannot bind QUIC to " + bindTo + ": "
                        + s.cause(), s.cause()));
                return;
            }
            synchronized (lock) {
                if (state == State.CLOSED) {
                    // close() ran while the socket was binding and found no socket to close; the loops may be shared
                    // and outlive us, so the socket must not stay open on them.
                    server.channel().close();
                    started.completeExceptionally(new TransportException(Reason.CLOSED,
                            "transport closed while starting"));
                    return;
                }
                serverChannel = server.channel();
                listening = (InetSocketAddress) serverChannel.localAddress();
            }
            LOG.info("QUIC transport of {} listening on {} (advertising {})",
                    context.identity().peerId().shortText(), listening, localAddresses());
            started.complete(null);
        });
    }

    /**
     * Counts a new connection's handshake (its first Initial packet just arrived) against the in-flight bounds. Over a
     * bound the connection is closed at once, before its handshake goes any further, and counted in
     * {@code topictracker.transport.handshakes.refused}.
     *
     * @return the handshake's permit, or null if the connection was refused
     */
    private HandshakeGate.Permit admitHandshake(QuicChannel channel) {
        java.net.InetAddress far = ((InetSocketAddress) channel.remoteSocketAddress()).getAddress();
        HandshakeGate.Admission admission = handshakes.admit(far);
        if (admission.admitted()) {
            return admission.permit();
        }
        handshakesRefused[admission.refusedBy().ordinal()].increment();
        LOG.debug("{}", admission.reason("quic", far));
        channel.close(true, QuicConnection.NO_ERROR, Unpooled.copiedBuffer("busy", StandardCharsets.UTF_8));
        return null;
    }

    /** @return the event loop group the socket runs on, null before start (for tests) */
    io.netty.channel.EventLoopGroup socketLoops() {
        Channel server = serverChannel;
        return server == null ? null : server.eventLoop().parent();
    }

    /** @return the gate counting accepted handshakes in flight (for tests) */
    HandshakeGate handshakes() {
        return handshakes;
    }

    private Bootstrap udp() {
        return new Bootstrap().group(loops.group()).channel(NioDatagramChannel.class)
                .option(ChannelOption.SO_RCVBUF, SOCKET_BUFFER)
                .option(ChannelOption.SO_SNDBUF, SOCKET_BUFFER)
                // One buffer per datagram read: the largest datagram we let peers send, and never less than Netty's
                // 2,048 (a client's Initial may be larger than our limit, which it learns only from our reply).
                .option(ChannelOption.RECVBUF_ALLOCATOR,
                        new FixedRecvByteBufAllocator(Math.max(2048, udpPayloadSize())));
    }

    private <B extends QuicCodecBuilder<B>> B windows(B builder) {
        return builder
                .maxIdleTimeout(settings.idleTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .maxRecvUdpPayloadSize(udpPayloadSize())
                .maxSendUdpPayloadSize(udpPayloadSize())
                // HyStart++ (RFC 9406) leaves slow start when round trips grow, reading that as a filling queue. On
                // loopback there is no such queue: round trips grow when the event loops wait for a CPU, and on this
                // loaded machine that ended slow start early (QUIC-only runs, medians 189/73/133 MB/s without it
                // against 72/47/126 with it). Kept on any other interface, where it avoids overshooting a real queue.
                .hystart(!onLoopback())
                .initialMaxData(CONNECTION_WINDOW)
                .initialMaxStreamDataBidirectionalLocal(STREAM_WINDOW)
                .initialMaxStreamDataBidirectionalRemote(STREAM_WINDOW)
                .initialMaxStreamsUnidirectional(0);
    }

    /** @return the UDP payload size we send and accept: see {@link #LOOPBACK_UDP_PAYLOAD} */
    private int udpPayloadSize() {
        return onLoopback() ? LOOPBACK_UDP_PAYLOAD : PATH_UDP_PAYLOAD;
    }

    /** @return whether we bind a loopback address, so every peer we can reach is on this machine */
    private boolean onLoopback() {
        return settings.bindAddress().isLoopbackAddress();
    }

    private void failStart(Throwable cause) {
        started.completeExceptionally(cause);
        close();
    }

    @Override
    public List<PeerAddress> localAddresses() {
        InetSocketAddress bound = listening;
        // computed on each call, so a wildcard socket advertises the host's addresses as they are now
        return bound == null ? List.of() : AdvertisedAddresses.of(QuicTransportProvider.ID, bound.getAddress(),
                bound.getPort(), settings.advertise());
    }

    @Override
    public boolean handles(PeerAddress address) {
        return address != null && QuicTransportProvider.ID.equals(address.transport());
    }

    @Override
    public CompletableFuture<Connection> connect(PeerId expected, PeerAddress address, ConnectionListener listener) {
        Objects.requireNonNull(expected, "expected");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(listener, "listener");
        if (!handles(address)) {
            return CompletableFuture.failedFuture(new TransportException(Reason.UNSUPPORTED_ADDRESS,
                    "the quic transport cannot dial " + address + "; it handles quic:// addresses"));
        }
        Channel dialler = listening == null ? null : serverChannel;
        synchronized (lock) {
            if (state != State.STARTED || dialler == null) {
                return CompletableFuture.failedFuture(new TransportException(Reason.CLOSED,
                        state == State.CLOSED ? "transport is closed" : "transport is not started"));
            }
        }
        InetSocketAddress remote = new InetSocketAddress(address.host(), address.port());
        if (remote.isUnresolved()) {
            return CompletableFuture.failedFuture(new TransportException(Reason.CONNECT_FAILED,
                    "cannot resolve " + address.host()));
        }
        OutboundAttempt attempt = new OutboundAttempt(factory, expected, address, listener, this::register);
        attempts.add(attempt);
        CompletableFuture<Connection> result = attempt.result();
        result.whenComplete((c, e) -> attempts.remove(attempt));
        if (context.metrics().isEnabled()) {
            long started = System.nanoTime();
            result.thenRun(() -> handshakeDuration.record(System.nanoTime() - started));
        }
        EventLoop loop = dialler.eventLoop();
        try {
            loop.execute(() -> {
                attempt.started(loop);
                QuicChannel.newBootstrap(dialler)
                        .attr(ExpectedPeers.EXPECTATION, attempt.expectation())
                        .handler(attempt.channelHandler())
                        .streamHandler(attempt.streamInitializer())
                        .remoteAddress(remote)
                        .localConnectionAddress(new QuicConnectionAddress(connectionIds.newDialId()))
                        .connect()
                        .addListener(f -> attempt.handshakeFinished(castConnect(f)));
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            result.completeExceptionally(new TransportException(Reason.CLOSED, "transport is closed", e));
        }
        return result;
    }

    @SuppressWarnings("unchecked")
    private static io.netty.util.concurrent.Future<QuicChannel> castConnect(io.netty.util.concurrent.Future<?> f) {
        return (io.netty.util.concurrent.Future<QuicChannel>) f;
    }

    private void register(QuicConnection connection) {
        connections.add(connection);
        connection.closeFuture().whenComplete((v, e) -> connections.remove(connection));
        if (isClosed()) {
            // A handshake finished while the transport closes. Nothing was exchanged on the connection yet, so it is
            // closed at once, its CONNECTION_CLOSE queued on its event loop ahead of the socket's close, not in order:
            // an orderly close needs a round trip the closing transport might not wait for, and a peer given no
            // CONNECTION_CLOSE waits out its own close bound (seen in the swarm benchmark: a closing node's accept of
            // a late dial left the dialler's close waiting its full 2 s).
            connection.abort(QuicConnection.NO_ERROR, "transport closed",
                    new TransportException(Reason.CLOSED, "transport closed"));
        }
    }

    private boolean isClosed() {
        synchronized (lock) {
            return state == State.CLOSED;
        }
    }

    @Override
    public void close() {
        synchronized (lock) {
            if (state == State.CLOSED) {
                return;
            }
            state = State.CLOSED;
        }
        for (OutboundAttempt attempt : attempts) {
            attempt.result().completeExceptionally(new TransportException(Reason.CLOSED, "transport closed"));
        }
        boolean onLoop = loops != null && loops.inOneOfItsLoops();
        if (onLoop) {
            connections.forEach(QuicConnection::close); // cannot wait for them on the loop that closes them
        } else {
            try {
                if (!OrderlyCloses.closeAllAndAwait(connections, QuicConnection::close, QuicConnection::closeFuture,
                        CLOSE_WAIT)) {
                    LOG.debug("not every QUIC connection closed in order within {}; forcing the rest", CLOSE_WAIT);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        releaseAll();
        if (started != null && !started.isDone()) {
            started.completeExceptionally(new TransportException(Reason.CLOSED, "transport closed while starting"));
        }
    }

    /**
     * Closes the socket (which closes every QUIC connection still on it) and waits for that, bounded, unless on one of
     * the loops; then lets go of the event loops. The socket is closed before the loops may end: a loop shut down under
     * an open channel is force-closed by Netty with a warning, and shared loops run other transports' sockets.
     */
    private void releaseAll() {
        Channel server = serverChannel;
        boolean onLoop = loops != null && loops.inOneOfItsLoops();
        if (server != null) {
            io.netty.util.concurrent.Future<Void> closed = server.close();
            if (!onLoop) {
                if (closed.awaitUninterruptibly(SOCKET_CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                    awaitNextSelection(server.eventLoop());
                } else {
                    LOG.warn("QUIC socket {} did not close within {}", listening, SOCKET_CLOSE_WAIT);
                }
            }
        }
        if (loops != null) {
            loops.release();
        }
    }

    /**
     * Waits, at most {@link #SOCKET_CLOSE_WAIT}, until {@code loop} has been through one more selection. Why: a NIO
     * channel closed while registered with a selector keeps its file descriptor, and so its port, until that selector
     * next flushes its cancelled keys (JDK {@code SelectableChannel}: the close completes on deregistration). A loop
     * of the transport's own released it when the loop ended; a shared loop runs on, and releases it on its next
     * pass. A task scheduled from the loop runs only after the loop's next IO step (Netty moves scheduled tasks to its
     * queue once per batch), so when it runs the port is free. Not on the loop.
     */
    private static void awaitNextSelection(EventLoop loop) {
        CompletableFuture<Void> passed = new CompletableFuture<>();
        try {
            loop.execute(() -> {
                try {
                    loop.schedule(() -> passed.complete(null), 0, TimeUnit.NANOSECONDS);
                } catch (java.util.concurrent.RejectedExecutionException e) {
                    passed.complete(null); // the loop is ending, and its selector with it
                }
            });
            passed.get(SOCKET_CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // The loop has ended: its selector is closed and every descriptor on it released.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            LOG.debug("QUIC event loop did not pass a selection within {} after the socket closed", SOCKET_CLOSE_WAIT);
        }
    }
}
