package io.topictracker.transport.relay.internal;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import io.topictracker.api.PeerAddress;
import io.topictracker.api.PeerId;
import io.topictracker.api.transport.AdvertisedAddresses;
import io.topictracker.api.transport.Connection;
import io.topictracker.api.transport.ConnectionListener;
import io.topictracker.api.transport.NodeAware;
import io.topictracker.api.transport.NodeView;
import io.topictracker.api.transport.Transport;
import io.topictracker.api.transport.TransportContext;
import io.topictracker.api.transport.TransportException;
import io.topictracker.api.transport.TransportException.Reason;
import io.topictracker.tls.NodeCredentials;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay transport (issue 15): dials peers through relays ({@code relay://host:port} names the relay; the peer is
 * the id the engine expects), keeps reservations at relays so that others can dial us through them, and, when
 * configured to serve, relays for other topic members. See the provider's javadoc and PROTOCOL.md, "Relay".
 *
 * <p>Lifecycle: the constructor allocates nothing; {@link #start()} creates the TLS contexts and the event loops
 * (threads {@code tt-relay-<id>-…}), binds the relay listener when serving, and starts the reservation check every
 * {@code check_interval}; when relays are configured and we reserve, it completes after the first round of
 * reservations (at most 3 s), so the node's first record already names them. {@link #close()} closes every channel
 * and waits (bounded) for the loops. Thread-safe.
 */
public final class RelayTransport implements Transport, NodeAware {
    private static final Logger LOG = LoggerFactory.getLogger(RelayTransport.class);
    /** Per-step timings of reservations and circuits, for diagnosing the time to a relayed connection. */
    private static final Logger TIMELINE = LoggerFactory.getLogger("io.topictracker.timeline.relay");
    /** How long start waits for the first reservations. */
    static final long FIRST_RESERVATIONS_MILLIS = 3_000;

    private final TransportContext context;
    private final RelaySettings settings;
    private final PeerId self;
    private final Set<Channel> channels = ConcurrentHashMap.newKeySet();
    private final ReservationPlan plan;
    /** Relay address to its reservation hop, for the reservations held or being made; guarded by itself. */
    private final Map<PeerAddress, Reservation> reservations = new LinkedHashMap<>();
    /** Relays whose failure we warned about since their last reservation; guarded by {@link #reservations}. */
    private final Set<PeerAddress> warned = new HashSet<>();
    private volatile NodeView view;
    private volatile Running running;
    private volatile boolean closed;

    /** A reservation held (reserved true) or being made at one relay. */
    private static final class Reservation {
        volatile HopClient.Hop hop;
        volatile boolean reserved;
    }

    private record Running(EventLoopGroup group, HopClient hops, TlsContexts tls, RelayServer server,
            Channel listener, InetSocketAddress listening, ScheduledFuture<?> check) {}

    /** @param context not null @param settings not null */
    public RelayTransport(TransportContext context, RelaySettings settings) {
        this.context = Objects.requireNonNull(context, "context");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.self = context.identity().peerId();
        this.plan = new ReservationPlan(Math.max(1000, settings.checkInterval().toMillis() * 2));
    }

    @Override
    public String id() {
        return RelaySettings.ID;
    }

    @Override
    public void attach(NodeView nodeView) {
        this.view = Objects.requireNonNull(nodeView, "view");
    }

    private long now() {
        return context.clock().millis();
    }

    @Override
    public synchronized CompletableFuture<Void> start() {
        if (running != null || closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("relay transport already started or closed"));
        }
        TlsContexts tls;
        try {
            tls = TlsContexts.create(NodeCredentials.create(context.identity(), context.clock().instant()),
                    context.signing());
        } catch (RuntimeException e) {
            closed = true;
            return CompletableFuture.failedFuture(e);
        }
        IoRuntime io = IoRuntime.select();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1,
                new DefaultThreadFactory("tt-relay-" + self.shortText(), true), io.handlers());
        HopClient hops = new HopClient(group, io.channel(), tls, context.signing(), settings, this::track);
        RelayServer server = settings.serve() == RelaySettings.Mode.OFF ? null : new RelayServer(
                new RelayServer.Wiring(self, settings, context.signing(), () -> view, context.inbound(),
                        this::now, context.metrics()));
        CompletableFuture<InetSocketAddress> bound = server == null ? CompletableFuture.completedFuture(null)
                : bind(group, io, tls, server);
        CompletableFuture<Void> started = new CompletableFuture<>();
        bound.whenComplete((listening, failure) -> {
            if (failure != null) {
                shutdown(group);
                closed = true;
                started.completeExceptionally(failure);
                return;
            }
            ScheduledFuture<?> check = group.next().scheduleWithFixedDelay(this::checkReservations,
                    settings.checkInterval().toMillis(), settings.checkInterval().toMillis(), TimeUnit.MILLISECONDS);
            synchronized (this) {
                running = new Running(group, hops, tls, server, boundChannel, listening, check);
            }
            LOG.info("relay transport {} started: serving {}, reserving {}, listening {}", self.shortText(),
                    settings.serve(), settings.reserve(), listening);
            List<CompletableFuture<?>> first = checkReservations();
            if (first.isEmpty()) {
                started.complete(null);
                return;
            }
            CompletableFuture.anyOf(CompletableFuture.allOf(first.toArray(CompletableFuture[]::new))
                    .exceptionally(e -> null), delay(group, FIRST_RESERVATIONS_MILLIS))
                    .whenComplete((done, error) -> started.complete(null));
        });
        return started;
    }

    /** The relay listener once bound, else null. */
    private volatile Channel boundChannel;

    private static CompletableFuture<Object> delay(EventLoopGroup group, long millis) {
        CompletableFuture<Object> done = new CompletableFuture<>();
        group.next().schedule(() -> done.complete(null), millis, TimeUnit.MILLISECONDS);
        return done;
    }

    private CompletableFuture<InetSocketAddress> bind(EventLoopGroup group, IoRuntime io, TlsContexts tls,
            RelayServer server) {
        ServerBootstrap bootstrap = new ServerBootstrap().group(group).channel(io.serverChannel())
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(
                        settings.writeBufferHighWaterMark() / 2, settings.writeBufferHighWaterMark()))
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        track(channel);
                        SslHandler ssl = tls.server().newHandler(channel.alloc());
                        ssl.setHandshakeTimeoutMillis(settings.handshakeTimeout().toMillis());
                        channel.pipeline().addLast(RelayServer.HOP_TLS, ssl);
                        channel.pipeline().addLast("control", new ControlDecoder());
                        channel.pipeline().addLast("hop", server.newHopHandler());
                        // a hop that is neither spliced nor turned into a connection in time is dropped
                        channel.eventLoop().schedule(() -> {
                            if (channel.pipeline().get("hop") != null && channel.pipeline().get("splice") == null
                                    && !reservedHop(channel)) {
                                channel.close();
                            }
                        }, settings.handshakeTimeout().toMillis() * 2, TimeUnit.MILLISECONDS);
                    }
                });
        CompletableFuture<InetSocketAddress> result = new CompletableFuture<>();
        bootstrap.bind(settings.bindAddress(), settings.port()).addListener((ChannelFuture attempt) -> {
            if (!attempt.isSuccess()) {
                result.completeExceptionally(new IllegalStateException("relay transport could not bind "
                        + settings.bindAddress() + ":" + settings.port() + ": " + attempt.cause(), attempt.cause()));
                return;
            }
            boundChannel = attempt.channel();
            result.complete((InetSocketAddress) attempt.channel().localAddress());
        });
        return result;
    }

    /** Whether an accepted hop holds a reservation (those stay open while idle). */
    private boolean reservedHop(Channel channel) {
        Running run = running;
        return run != null && run.server() != null && run.server().holdsReservation(channel);
    }

    @Override
    public List<PeerAddress> localAddresses() {
        Running run = running;
        if (run == null) {
            return List.of();
        }
        List<PeerAddress> addresses = new ArrayList<>();
        if (run.listening() != null) {
            NodeView nodeView = view;
            boolean reachable = settings.serve() == RelaySettings.Mode.ALWAYS
                    || (nodeView != null && nodeView.reachable());
            for (PeerAddress address : AdvertisedAddresses.of(RelaySettings.ID, run.listening().getAddress(),
                    run.listening().getPort(), settings.advertise())) {
                // auto: only addresses that are global (no NAT between us and the internet) until confirmed
                if (reachable || settings.advertise().contains(address) || isGlobal(address.host())) {
                    addresses.add(address);
                }
            }
        }
        synchronized (reservations) {
            reservations.forEach((address, reservation) -> {
                if (reservation.reserved && !addresses.contains(address)) {
                    addresses.add(address);
                }
            });
        }
        if (wantReservations()) {
            // The configured relays are our home relays, advertised from the start, as iroh advertises its home relay:
            // the topic's first record and our Join already name them, while the reservation itself needs a topic
            // joined (the relay admits members only) and follows within a check_interval of the join. A dial that
            // comes earlier is refused (no reservation yet) and retried by the engine.
            for (PeerAddress address : settings.relays()) {
                if (!addresses.contains(address)) {
                    addresses.add(address);
                }
            }
        }
        return List.copyOf(addresses);
    }

    private static boolean isGlobal(String host) {
        try {
            return RelayServer.isGlobal(InetAddress.getByName(host));
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    /** @return the relay listener's port, 0 when not serving or not started; for tests */
    public int listeningPort() {
        Running run = running;
        return run == null || run.listening() == null ? 0 : run.listening().getPort();
    }

    /** @return the relays we hold a reservation at now, for tests; never null */
    public List<PeerAddress> reservedAt() {
        synchronized (reservations) {
            return reservations.entrySet().stream().filter(e -> e.getValue().reserved).map(Map.Entry::getKey)
                    .toList();
        }
    }

    /**
     * @return reservations and circuits this node holds as a relay, and the refusals it sent, for tests; zeros when
     *     not serving
     */
    public int[] servedCounts() {
        Running run = running;
        return run == null || run.server() == null ? new int[3]
                : new int[] {run.server().reservations(), run.server().circuits(), (int) run.server().refusals()};
    }

    private boolean wantReservations() {
        switch (settings.reserve()) {
            case ALWAYS:
                return true;
            case OFF:
                return false;
            default:
                NodeView nodeView = view;
                return nodeView == null || !nodeView.reachable();
        }
    }

    /** One round: reserve at the candidates there is room for. @return the attempts started */
    private List<CompletableFuture<?>> checkReservations() {
        Running run = running;
        List<CompletableFuture<?>> attempts = new ArrayList<>();
        if (run == null || closed || !wantReservations()) {
            return attempts;
        }
        NodeView nodeView = view;
        if (nodeView != null && nodeView.membershipProofs(self).isEmpty()) {
            return attempts; // no topic joined yet: a relay would refuse us (it admits topic members only)
        }
        List<ReservationPlan.Candidate> next;
        synchronized (reservations) {
            int room = settings.maxReservationsHeld() - reservations.size();
            if (room <= 0) {
                return attempts;
            }
            next = plan.next(settings.relays(), nodeView == null ? List.of() : nodeView.knownPeers(), self,
                    new HashSet<>(reservations.keySet()), room, now());
            for (ReservationPlan.Candidate candidate : next) {
                reservations.put(candidate.address(), new Reservation());
            }
        }
        for (ReservationPlan.Candidate candidate : next) {
            attempts.add(reserve(run, candidate));
        }
        return attempts;
    }

    private CompletableFuture<Void> reserve(Running run, ReservationPlan.Candidate candidate) {
        PeerAddress address = candidate.address();
        CompletableFuture<Void> outcome = new CompletableFuture<>();
        long started = System.nanoTime();
        TIMELINE.debug("reserve: opening a hop to {}", address);
        run.hops().open(address, candidate.expected()).whenComplete((hop, failure) -> {
            TIMELINE.debug("reserve: hop to {} {} after {} ms", address, failure == null ? "open" : "failed",
                    (System.nanoTime() - started) / 1_000_000);
            if (failure != null) {
                reservationEnded(address, null, "could not reach it: " + failure.getMessage());
                outcome.complete(null);
                return;
            }
            Reservation reservation;
            synchronized (reservations) {
                reservation = reservations.get(address);
            }
            if (reservation == null || closed) {
                hop.channel.close();
                outcome.complete(null);
                return;
            }
            reservation.hop = hop;
            hop.listen(message -> onReservationMessage(run, hop, reservation, message, outcome),
                    () -> {
                        reservationEnded(address, reservation, "the relay closed the reservation connection");
                        outcome.complete(null);
                    });
            hop.send(new RelayMessage.Reserve(proofs(hop.relay)));
        });
        return outcome;
    }

    private void onReservationMessage(Running run, HopClient.Hop hop, Reservation reservation, RelayMessage message,
            CompletableFuture<Void> outcome) {
        if (message instanceof RelayMessage.ReserveOk ok) {
            boolean first = !reservation.reserved;
            reservation.reserved = true;
            synchronized (reservations) {
                plan.succeeded(hop.address);
                warned.remove(hop.address);
            }
            if (first) {
                TIMELINE.debug("reserve: reserved at {}", hop.address);
                LOG.info("relay transport {}: reserved at {} ({})", self.shortText(), hop.address,
                        hop.relay.shortText());
            }
            long renew = Math.max(1000, ok.ttlMillis() / 2);
            hop.channel.eventLoop().schedule(() -> {
                if (hop.channel.isActive()) {
                    hop.send(new RelayMessage.Reserve(proofs(hop.relay)));
                }
            }, renew, TimeUnit.MILLISECONDS);
            outcome.complete(null);
        } else if (message instanceof RelayMessage.Incoming incoming) {
            acceptCircuit(run, hop, incoming);
        } else if (message instanceof RelayMessage.Refused refused) {
            reservationEnded(hop.address, reservation, "refused: " + refused.reason() + " (" + refused.status()
                    + ")");
            hop.channel.close();
            outcome.complete(null);
        } else {
            hop.channel.close();
        }
    }

    /** A peer asks for a circuit to us: open a second hop to the relay, accept, and run TLS as the server. */
    private void acceptCircuit(Running run, HopClient.Hop reservationHop, RelayMessage.Incoming incoming) {
        long started = System.nanoTime();
        TIMELINE.debug("accept: incoming circuit {} at {}; opening a hop", incoming.circuitId(),
                reservationHop.address);
        run.hops().open(reservationHop.address, reservationHop.relay).whenComplete((hop, failure) -> {
            TIMELINE.debug("accept: hop for circuit {} {} after {} ms", incoming.circuitId(),
                    failure == null ? "open" : "failed", (System.nanoTime() - started) / 1_000_000);
            if (failure != null) {
                LOG.debug("could not accept circuit {} at {}: {}", incoming.circuitId(), reservationHop.address,
                        failure.getMessage());
                return;
            }
            hop.listen(message -> {
                if (message instanceof RelayMessage.Connected) {
                    TIMELINE.debug("accept: circuit {} spliced after {} ms", incoming.circuitId(),
                            (System.nanoTime() - started) / 1_000_000);
                    SslHandler e2e = run.tls().server().newHandler(hop.channel.alloc());
                    run.hops().toEndpoint(hop, e2e, false, EndpointHandler.acceptor(context.signing(),
                            settings.maxFrameSize(), hop.address, hop.relay, null, context.inbound()));
                } else {
                    hop.channel.close();
                }
            }, () -> { });
            hop.send(new RelayMessage.Accept(incoming.circuitId()));
        });
    }

    private void reservationEnded(PeerAddress address, Reservation reservation, String why) {
        boolean wasReserved;
        boolean firstFailure;
        int failures;
        synchronized (reservations) {
            Reservation current = reservations.get(address);
            if (reservation != null && current != reservation) {
                return;
            }
            reservations.remove(address);
            failures = plan.failed(address, now());
            wasReserved = current != null && current.reserved;
            firstFailure = !wasReserved && warned.add(address);
        }
        if (closed) {
            return;
        }
        // A warning the first time (the user's only clue why peers behind symmetric NATs cannot reach us), then
        // quietly while the retries back off.
        if (wasReserved) {
            LOG.warn("relay transport {}: reservation at {} ended: {}; peers that cannot reach us directly cannot"
                    + " reach us through it", self.shortText(), address, why);
        } else if (firstFailure) {
            LOG.warn("relay transport {}: no reservation at {}: {}; retrying", self.shortText(), address, why);
        } else {
            LOG.debug("relay transport {}: no reservation at {}: {} ({} failures)", self.shortText(), address, why,
                    failures);
        }
    }

    private List<byte[]> proofs(PeerId relay) {
        NodeView nodeView = view;
        return nodeView == null ? List.of() : nodeView.membershipProofs(relay);
    }

    @Override
    public boolean handles(PeerAddress address) {
        return address != null && RelaySettings.ID.equals(address.transport());
    }

    @Override
    public CompletableFuture<Connection> connect(PeerId expected, PeerAddress address, ConnectionListener listener) {
        Objects.requireNonNull(expected, "expected");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(listener, "listener");
        if (!handles(address)) {
            return CompletableFuture.failedFuture(new TransportException(Reason.UNSUPPORTED_ADDRESS,
                    "the relay transport cannot dial " + address + ": only relay:// addresses"));
        }
        Running run = running;
        if (run == null) {
            return CompletableFuture.failedFuture(new TransportException(Reason.CLOSED,
                    "relay transport is not running (start it first; it cannot be used after close)"));
        }
        CompletableFuture<Connection> connected = new CompletableFuture<>();
        long started = System.nanoTime();
        TIMELINE.debug("connect: {} through {}: opening a hop", expected.shortText(), address);
        run.hops().open(address, null).whenComplete((hop, failure) -> {
            TIMELINE.debug("connect: {} through {}: hop {} after {} ms", expected.shortText(), address,
                    failure == null ? "open" : "failed", (System.nanoTime() - started) / 1_000_000);
            if (failure != null) {
                connected.completeExceptionally(failure);
                return;
            }
            hop.listen(message -> onConnectAnswer(run, hop, expected, message, connected, listener),
                    () -> connected.completeExceptionally(new TransportException(Reason.CONNECT_FAILED,
                            "relay " + address + " closed the connection before the circuit to "
                                    + expected.shortText() + " was up")));
            hop.send(new RelayMessage.Connect(expected, hop.relay.equals(expected) ? List.of() : proofs(hop.relay)));
            long millis = settings.handshakeTimeout().toMillis() * 2;
            hop.channel.eventLoop().schedule(() -> {
                if (connected.completeExceptionally(new TransportException(Reason.TIMEOUT, "no connection to "
                        + expected.shortText() + " through " + address + " within " + millis + " ms"))) {
                    hop.channel.close();
                }
            }, millis, TimeUnit.MILLISECONDS);
        });
        connected.whenComplete((connection, failure) -> {
            TIMELINE.debug("connect: {} through {}: {} after {} ms", expected.shortText(), address,
                    failure == null ? "connected" : "failed", (System.nanoTime() - started) / 1_000_000);
            if (failure != null) {
                LOG.debug("relay dial of {} at {} failed: {}", expected.shortText(), address, failure.getMessage());
            }
        });
        return connected;
    }

    private void onConnectAnswer(Running run, HopClient.Hop hop, PeerId expected, RelayMessage message,
            CompletableFuture<Connection> connected, ConnectionListener listener) {
        if (message instanceof RelayMessage.Connected done) {
            TIMELINE.debug("connect: {} through {}: spliced", expected.shortText(), hop.address);
            if (done.direct()) {
                if (!hop.relay.equals(expected)) {
                    connected.completeExceptionally(new TransportException(Reason.IDENTITY_MISMATCH,
                            "relay " + hop.address + " is " + hop.relay.shortText() + ", not the expected "
                                    + expected.shortText()));
                    hop.channel.close();
                    return;
                }
                run.hops().toEndpoint(hop, null, false, EndpointHandler.dialler(context.signing(),
                        settings.maxFrameSize(), hop.address, null, expected, connected, listener));
                return;
            }
            SslHandler e2e = run.tls().client().newHandler(hop.channel.alloc());
            run.tls().expected().expect(e2e.engine(), expected);
            hop.channel.closeFuture().addListener(closedHop -> run.tls().expected().forget(e2e.engine()));
            run.hops().toEndpoint(hop, e2e, true, EndpointHandler.dialler(context.signing(),
                    settings.maxFrameSize(), hop.address, hop.relay, expected, connected, listener));
        } else if (message instanceof RelayMessage.Refused refused
                && refused.status() == RelayMessage.Status.NO_RESERVATION) {
            // what answers at this address is the relay, and it cannot reach the expected peer: a wrong identity
            connected.completeExceptionally(new TransportException(Reason.IDENTITY_MISMATCH,
                    io.topictracker.tls.IdentityMismatch.message(expected, hop.relay, hop.address.toString())
                            + " (a relay, and " + refused.reason() + ")"));
            hop.channel.close();
        } else if (message instanceof RelayMessage.Refused refused) {
            connected.completeExceptionally(new TransportException(Reason.CONNECT_FAILED, "relay " + hop.address
                    + " (" + hop.relay.shortText() + ") refused a circuit to " + expected.shortText() + ": "
                    + refused.reason()));
            hop.channel.close();
        } else {
            connected.completeExceptionally(new TransportException(Reason.CONNECT_FAILED, "relay " + hop.address
                    + " sent an unexpected " + message.getClass().getSimpleName()));
            hop.channel.close();
        }
    }

    private void track(Channel channel) {
        channels.add(channel);
        channel.closeFuture().addListener(done -> channels.remove(channel));
        if (closed) {
            channel.close();
        }
    }

    @Override
    public void close() {
        Running run;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            run = running;
            running = null;
        }
        if (run == null) {
            return;
        }
        run.check().cancel(false);
        if (boundChannel != null) {
            boundChannel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        for (Channel channel : channels) {
            channel.close();
        }
        shutdown(run.group());
        LOG.info("relay transport {} closed", self.shortText());
    }

    private static void shutdown(EventLoopGroup group) {
        io.netty.util.concurrent.Future<?> terminated = group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        for (EventExecutor executor : group) {
            if (executor.inEventLoop()) {
                return;
            }
        }
        if (!terminated.awaitUninterruptibly(10, TimeUnit.SECONDS)) {
            LOG.warn("relay transport event loops did not terminate within 10 s");
        }
    }
}
