package io.topictracker.transport.tcp.internal;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.ScheduledFuture;
import io.topictracker.api.PeerAddress;
import io.topictracker.api.PeerId;
import io.topictracker.api.signing.SigningKeyPair;
import io.topictracker.api.transport.AdvertisedAddresses;
import io.topictracker.api.transport.Connection;
import io.topictracker.api.transport.ConnectionListener;
import io.topictracker.api.transport.Transport;
import io.topictracker.api.metrics.Metrics;
import io.topictracker.api.transport.TransportContext;
import io.topictracker.api.transport.TransportException;
import io.topictracker.api.transport.TransportException.Reason;
import io.topictracker.stream.Acceptance;
import io.topictracker.stream.FrameDecoder;
import io.topictracker.stream.LoopWrites;
import io.topictracker.stream.SharedEventLoops;
import io.topictracker.tls.HandshakeGate;
import io.topictracker.tls.NodeCredentials;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TCP transport: one listening socket, dialled and accepted connections, all on one Netty event loop group.
 * Thread-safe.
 *
 * <p>Lifecycle: the constructor allocates nothing; {@link #start()} builds the node certificate and TLS contexts,
 * creates the event loops (threads named {@code tt-tcp-<id>-…}) and binds; {@link #close()} closes every channel and
 * waits (bounded) for the event loops to terminate, so no thread, channel or port remains.
 *
 * <p>Pipeline, head to tail: TLS ({@link SslHandler}); flush consolidation (batches flushes before TLS wraps them
 * into records); on the dialler the {@link Acceptance} decoder; the length-prefix frame decoder (over-size length →
 * connection closed, reason logged); {@link ConnectionHandler}.
 */
public final class TcpTransport implements Transport {
    private static final Logger LOG = LoggerFactory.getLogger(TcpTransport.class);
    /** Timings for diagnosing joins, beside the engine's ({@code io.topictracker.timeline.*}). */
    private static final Logger TIMELINE = LoggerFactory.getLogger("io.topictracker.timeline.tcp");
    /** Flush at the latest after this many consolidated flushes, so a steady writer still sends promptly. */
    private static final int FLUSHES_PER_BATCH = 256;

    private enum State { NEW, STARTING, RUNNING, CLOSED }

    private final TransportContext context;
    /** From a dial to an authenticated, accepted connection (TCP connect, TLS 1.3 handshake, acceptance). */
    private final Metrics.Timer handshakeDuration;
    private final TcpSettings settings;
    private final BiFunction<SigningKeyPair, Instant, NodeCredentials> credentials;
    private final Set<Channel> channels = ConcurrentHashMap.newKeySet();
    /** One write batcher per event loop of the group (a handful); dropped with the group. */
    private final Map<EventLoop, LoopWrites> loopWrites = new ConcurrentHashMap<>();
    private final Set<CompletableFuture<Connection>> connecting = ConcurrentHashMap.newKeySet();
    /** Accepted connections whose TLS handshake has not finished: bounded per remote IP and in total. */
    private final HandshakeGate handshakes;
    /** Accepted connections refused by {@link #handshakes}, indexed by {@link HandshakeGate.Limit#ordinal()}. */
    private final Metrics.Counter[] handshakesRefused;

    private volatile State state = State.NEW;
    private volatile Running running;

    /** What exists between start and close. */
    private record Running(SharedEventLoops.Lease loops, IoRuntime io, TlsContexts tls, Channel server,
            InetSocketAddress listening) {
        EventLoopGroup group() {
            return loops.group();
        }
    }

    /**
     * @param context not null
     * @param settings not null
     */
    public TcpTransport(TransportContext context, TcpSettings settings) {
        this(context, settings, NodeCredentials::create);
    }

    /** For tests: {@code credentials} builds the certificate this node presents, e.g. a forged one. */
    TcpTransport(TransportContext context, TcpSettings settings,
            BiFunction<SigningKeyPair, Instant, NodeCredentials> credentials) {
        this.context = Objects.requireNonNull(context, "context");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.credentials = Objects.requireNonNull(credentials, "credentials");
        this.handshakeDuration = context.metrics().timer("topictracker.transport.handshake.duration",
                "transport", "tcp");
        this.handshakes = new HandshakeGate(settings.maxHandshakesInFlight(), settings.maxHandshakesInFlightPerIp());
        HandshakeGate.Limit[] limits = HandshakeGate.Limit.values();
        this.handshakesRefused = new Metrics.Counter[limits.length];
        for (HandshakeGate.Limit limit : limits) {
            handshakesRefused[limit.ordinal()] = context.metrics().counter("topictracker.transport.handshakes.refused",
                    "transport", "tcp", "limit", limit.tag());
        }
    }

    /**
     * Runs {@link TlsContexts#warmUp} once on a short-lived daemon thread, so that a node's first dial or accept does
     * not pay the JVM's first TLS handshake (class loading, first Ed25519 and X25519 use); the node starts without
     * waiting for it. A failure is logged only: the real handshakes report their own errors.
     */
    private void warmUpInTheBackground(TlsContexts tls) {
        Thread warmUp = new Thread(() -> {
            long started = System.nanoTime();
            try {
                tls.warmUp(context.signing());
                TIMELINE.debug("tls warm-up handshake took {} ms", (System.nanoTime() - started) / 1_000_000);
            } catch (javax.net.ssl.SSLException | RuntimeException e) {
                LOG.debug("tls warm-up handshake failed: {}", e.toString());
            }
        }, "tt-tcp-" + context.identity().peerId().shortText() + "-tls-warm-up");
        warmUp.setDaemon(true);
        warmUp.start();
    }

    @Override
    public String id() {
        return "tcp";
    }

    @Override
    public synchronized CompletableFuture<Void> start() {
        if (state != State.NEW) {
            return CompletableFuture.failedFuture(new IllegalStateException("tcp transport already " + state));
        }
        TlsContexts tls;
        try {
            NodeCredentials credential = credentials.apply(context.identity(), context.clock().instant());
            tls = TlsContexts.create(credential, context.signing());
        } catch (RuntimeException e) {
            state = State.CLOSED;
            return CompletableFuture.failedFuture(e);
        }
        state = State.STARTING;
        warmUpInTheBackground(tls);
        IoRuntime io = IoRuntime.select();
        PeerId self = context.identity().peerId();
        // The process's transports share their event loops (io_threads of them in all, not per node).
        SharedEventLoops.Lease loops = settings.shareEventLoops()
                ? SharedEventLoops.acquire("tcp", settings.ioThreads(), io.handlers())
                : SharedEventLoops.own("tcp", settings.ioThreads(), io.handlers());
        EventLoopGroup group = loops.group();
        ServerBootstrap server = new ServerBootstrap()
                .group(group)
                .channel(io.serverChannel())
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, waterMark())
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        HandshakeGate.Permit permit = admitHandshake(channel);
                        if (permit == null) {
                            return;
                        }
                        track(channel);
                        SslHandler ssl = tls.server().newHandler(channel.alloc());
                        // The dialler is authenticated once TLS completes (its certificate checked): from then on
                        // it is the gossip driver's inbound limits that count it.
                        ssl.handshakeFuture().addListener(done -> permit.release());
                        channel.closeFuture().addListener(closed -> permit.release());
                        ChannelPipeline pipeline = commonPipeline(channel, ssl);
                        pipeline.addLast(ConnectionHandler.acceptor(context.signing(), settings.maxFrameSize(),
                                context.inbound(), TcpTransport.this::loopWrites));
                    }
                });
        CompletableFuture<Void> started = new CompletableFuture<>();
        server.bind(settings.bindAddress(), settings.port()).addListener((ChannelFuture bound) -> {
            if (!bound.isSuccess()) {
                loops.release();
                synchronized (this) {
                    state = State.CLOSED;
                }
                started.completeExceptionally(new IllegalStateException("tcp transport could not bind "
                        + settings.bindAddress() + ":" + settings.port() + ": " + bound.cause(), bound.cause()));
                return;
            }
            InetSocketAddress local = (InetSocketAddress) bound.channel().localAddress();
            boolean closedMeanwhile;
            synchronized (this) {
                closedMeanwhile = state == State.CLOSED;
                if (!closedMeanwhile) {
                    running = new Running(loops, io, tls, bound.channel(), local);
                    state = State.RUNNING;
                }
            }
            if (closedMeanwhile) {
                bound.channel().close().addListener(closed -> loops.release());
                started.completeExceptionally(new TransportException(Reason.CLOSED, "tcp transport closed while starting"));
                return;
            }
            LOG.info("tcp transport {} listening on {} (advertising {}) using {}", self.shortText(), local,
                    localAddresses(), io.description());
            started.complete(null);
        });
        return started;
    }

    @Override
    public List<PeerAddress> localAddresses() {
        Running run = running;
        // computed on each call, so a wildcard socket advertises the host's addresses as they are now
        return run == null ? List.of() : AdvertisedAddresses.of("tcp", run.listening().getAddress(),
                run.listening().getPort(), settings.advertise());
    }

    @Override
    public boolean handles(PeerAddress address) {
        return address != null && "tcp".equals(address.transport());
    }

    @Override
    public CompletableFuture<Connection> connect(PeerId expected, PeerAddress address, ConnectionListener listener) {
        Objects.requireNonNull(expected, "expected");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(listener, "listener");
        if (!handles(address)) {
            return CompletableFuture.failedFuture(new TransportException(Reason.UNSUPPORTED_ADDRESS,
                    "the tcp transport cannot dial " + address + ": only tcp:// addresses"));
        }
        Running run = running;
        if (run == null) {
            return CompletableFuture.failedFuture(new TransportException(Reason.CLOSED,
                    "tcp transport is not running (start it first; it cannot be used after close)"));
        }
        InetSocketAddress target = new InetSocketAddress(address.host(), address.port());
        if (target.isUnresolved()) {
            return CompletableFuture.failedFuture(new TransportException(Reason.CONNECT_FAILED,
                    "cannot resolve host of " + address));
        }
        CompletableFuture<Connection> connected = new CompletableFuture<>();
        if (context.metrics().isEnabled()) {
            long started = System.nanoTime();
            connected.thenRun(() -> handshakeDuration.record(System.nanoTime() - started));
        }
        connecting.add(connected);
        connected.whenComplete((connection, failure) -> connecting.remove(connected));
        if (state == State.CLOSED) {
            // close() may have run after `running` was read; it would not have seen this future.
            failClosed(connected);
            return connected;
        }
        Bootstrap bootstrap = new Bootstrap()
                .group(run.group())
                .channel(run.io().channel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) settings.connectTimeout().toMillis())
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, waterMark())
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        track(channel);
                        SslHandler ssl = run.tls().client().newHandler(channel.alloc());
                        run.tls().expected().expect(ssl.engine(), expected);
                        channel.closeFuture().addListener(closed -> run.tls().expected().forget(ssl.engine()));
                        ChannelPipeline pipeline = commonPipeline(channel, ssl);
                        pipeline.addBefore("frames", "acceptance", new Acceptance(ConnectionHandler.MAGIC));
                        pipeline.addLast(ConnectionHandler.dialler(context.signing(), settings.maxFrameSize(),
                                expected, connected, listener, TcpTransport.this::loopWrites));
                    }
                });
        try {
            bootstrap.connect(target).addListener((ChannelFuture attempt) -> {
                if (!attempt.isSuccess()) {
                    Reason reason = attempt.cause() instanceof ConnectTimeoutException ? Reason.TIMEOUT
                            : Reason.CONNECT_FAILED;
                    connected.completeExceptionally(new TransportException(reason,
                            "could not connect to " + address + ": " + attempt.cause().getMessage(), attempt.cause()));
                    return;
                }
                armHandshakeTimeout(attempt.channel(), connected, address);
            });
        } catch (RuntimeException e) {
            // The event loops were shut down between reading `running` and registering the channel.
            connected.completeExceptionally(new TransportException(Reason.CLOSED, "tcp transport is closed", e));
        }
        return connected;
    }

    /**
     * Counts an accepted connection's handshake against the in-flight bounds. Over a bound the connection is closed
     * at once with a reset (SO_LINGER 0: no TLS byte read or written, no FIN handshake, no TIME_WAIT kept here) and
     * counted in {@code topictracker.transport.handshakes.refused}.
     *
     * @return the handshake's permit, or null if the connection was refused
     */
    private HandshakeGate.Permit admitHandshake(Channel channel) {
        java.net.InetAddress far = ((InetSocketAddress) channel.remoteAddress()).getAddress();
        HandshakeGate.Admission admission = handshakes.admit(far);
        if (admission.admitted()) {
            return admission.permit();
        }
        handshakesRefused[admission.refusedBy().ordinal()].increment();
        LOG.debug("{}", admission.reason("tcp", far));
        channel.config().setOption(ChannelOption.SO_LINGER, 0);
        channel.close();
        return null;
    }

    /** @return the gate counting accepted handshakes in flight (for tests) */
    HandshakeGate handshakes() {
        return handshakes;
    }

    /** Bounds the TLS handshake plus the acceptance confirmation on the dialler's side. */
    private void armHandshakeTimeout(Channel channel, CompletableFuture<Connection> connected, PeerAddress address) {
        long millis = settings.handshakeTimeout().toMillis();
        ScheduledFuture<?> timer = channel.eventLoop().schedule(() -> {
            if (connected.completeExceptionally(new TransportException(Reason.TIMEOUT, "no authenticated connection to "
                    + address + " within " + millis + " ms (TLS handshake and acceptance)"))) {
                channel.close();
            }
        }, millis, TimeUnit.MILLISECONDS);
        connected.whenComplete((connection, failure) -> timer.cancel(false));
    }

    private ChannelPipeline commonPipeline(Channel channel, SslHandler ssl) {
        ssl.setHandshakeTimeoutMillis(settings.handshakeTimeout().toMillis());
        ssl.setCumulator(HeapCumulator.INSTANCE);
        ChannelPipeline pipeline = channel.pipeline();
        pipeline.addLast("tls", ssl);
        // Consolidates only the flushes of writes made during a read (on the loop itself); frames from other threads
        // are batched and flushed once per task by LoopWrites, and a flush consolidated outside a read would be one
        // more task that holds a lone frame.
        pipeline.addLast("flushes", new FlushConsolidationHandler(FLUSHES_PER_BATCH, false));
        // Sees every decrypted read and every write: fires the idle events ConnectionHandler turns into a close
        // (nothing read for idle_timeout) or a keep-alive record (nothing written for keep_alive_interval).
        pipeline.addLast("liveness", new IdleStateHandler(settings.idleTimeout().toMillis(),
                settings.keepAliveInterval().toMillis(), 0, TimeUnit.MILLISECONDS));
        pipeline.addLast("frames", new FrameDecoder(settings.maxFrameSize()));
        return pipeline;
    }

    private WriteBufferWaterMark waterMark() {
        return new WriteBufferWaterMark(settings.writeBufferLowWaterMark(), settings.writeBufferHighWaterMark());
    }

    private void track(Channel channel) {
        channels.add(channel);
        channel.closeFuture().addListener(closed -> channels.remove(channel));
        if (running == null && state == State.CLOSED) {
            channel.close();
        }
    }

    @Override
    public void close() {
        Running run;
        synchronized (this) {
            if (state == State.CLOSED) {
                return;
            }
            state = State.CLOSED;
            run = running;
            running = null;
        }
        if (run == null) {
            return;
        }
        for (CompletableFuture<Connection> pending : connecting) {
            failClosed(pending);
        }
        ChannelFuture serverClosed = run.server().close();
        if (!run.server().eventLoop().inEventLoop()) {
            // No accept may be under way once the loops shut down: a connection accepted then would be registered
            // with a terminated loop, which Netty force-closes with a WARN and an ERROR.
            serverClosed.awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        List<ChannelFuture> closing = new ArrayList<>();
        for (Channel channel : channels) {
            closing.add(channel.close());
        }
        // The loops may run other nodes' channels: wait for ours to close, not for the loops to end (except on one of
        // them, which would wait for itself).
        if (!run.loops().inOneOfItsLoops()) {
            for (ChannelFuture future : closing) {
                future.awaitUninterruptibly(2, TimeUnit.SECONDS);
            }
        }
        run.loops().release();
        loopWrites.clear();
        LOG.info("tcp transport {} closed", context.identity().peerId().shortText());
    }

    private LoopWrites loopWrites(EventLoop loop) {
        return loopWrites.computeIfAbsent(loop, LoopWrites::new);
    }

    private static void failClosed(CompletableFuture<Connection> pending) {
        pending.completeExceptionally(new TransportException(Reason.CLOSED, "tcp transport closed while connecting"));
    }
}
