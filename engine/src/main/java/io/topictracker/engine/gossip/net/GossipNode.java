package io.topictracker.engine.gossip.net;

import io.topictracker.api.PeerAddress;
import io.topictracker.api.PeerId;
import io.topictracker.api.PeerInfo;
import io.topictracker.api.TopicId;
import io.topictracker.api.metrics.Metrics;
import io.topictracker.api.signing.SigningKeyPair;
import io.topictracker.api.signing.SigningProvider;
import io.topictracker.api.transport.Connection;
import io.topictracker.api.transport.ConnectionListener;
import io.topictracker.api.transport.InboundHandler;
import io.topictracker.api.transport.Transport;
import io.topictracker.engine.gossip.GossipConfig;
import io.topictracker.engine.gossip.GossipEvent;
import io.topictracker.engine.gossip.proto.BroadcastAuth;
import io.topictracker.engine.gossip.proto.ConnectionUsers;
import io.topictracker.engine.gossip.proto.Gossip;
import io.topictracker.engine.gossip.proto.GossipStateMachine;
import io.topictracker.engine.gossip.proto.Input;
import io.topictracker.engine.gossip.proto.Message;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gossip IO driver of one node: runs each joined topic's state machine on its own serial executor, carries its
 * messages over its {@link Transport}s (one connection per peer, shared by all topics, dialled on demand from the
 * addresses in membership messages over the most preferred transport that handles one, closed when idle), and feeds
 * timers and connection failures back in. Every transport listens and every one's addresses are advertised.
 *
 * <p>A malformed or over-size frame closes the connection it came on, with a logged reason; the node keeps running.
 *
 * <p>Lifecycle: construct (allocates nothing), {@link #start()} (starts the transports), {@link #join}, {@link #close()}.
 * Thread-safe. The scheduler is shared and owned by the caller; it is never shut down here.
 */
public final class GossipNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GossipNode.class);
    /** Membership messages as they arrive, for diagnosing joins. */
    private static final Logger TIMELINE = LoggerFactory.getLogger("io.topictracker.timeline.membership");
    /** Connections idle this long and held by no topic are closed. */
    static final long IDLE_MILLIS = 10_000;

    private final GossipConfig config;
    private final SigningKeyPair identity;
    private final SigningProvider signing;
    private final ScheduledExecutorService scheduler;
    private final Transports transports;
    private final FrameCodec codec;
    private final ObservedAddresses observed = new ObservedAddresses();
    /** Proofs of our topics' membership for relays, and checks of others' (issue 15). */
    private final MembershipProofs membership = new MembershipProofs();
    /** What transports that relay are told of this node (issue 15). */
    private final EngineNodeView nodeView;
    private final InboundLimits inboundLimits;
    /** Per-neighbour rates by message kind; bans the neighbours that flood. */
    private final FloodGuard floodGuard;
    /** Accepted connections that have not yet carried a frame for a topic we joined; bounded by the inbound limits. */
    private final Set<Connection> awaitingTopic = ConcurrentHashMap.newKeySet();
    /** The external IP another part of the node learnt (the mainline DHT's BEP42 vote), or null; never null itself. */
    private volatile Supplier<String> externalHostHint = () -> null;
    private final PeerLinks links;
    private final Map<TopicId, GossipDriver> topics = new ConcurrentHashMap<>();
    /** Connection requests through neighbours, for peers our dials do not reach (issue 15). */
    private final ReverseConnect reverse;
    /** Topics closed by their handle whose Quit may still be sending; the node's close waits for them too. */
    private final Set<GossipDriver> leaving = ConcurrentHashMap.newKeySet();
    /** Which topics use each peer's connection; guarded by itself. */
    private final ConnectionUsers connectionUsers = new ConnectionUsers();
    private final long origin = System.nanoTime();
    private final SecureRandom seeds = new SecureRandom();
    private final GossipMeters meters;
    private final List<Metrics.Registration> gauges = new ArrayList<>();
    private volatile ScheduledFuture<?> sweep;
    /** The direct connection upgrade's decisions (issue 15); guarded by itself. */
    private final DirectUpgrades upgrades;
    /** Our confirmed addresses at the last upgrade tick; on the scheduler only. */
    private List<PeerAddress> lastConfirmed = List.of();
    private volatile ScheduledFuture<?> upgradeTicks;
    private volatile boolean closed;

    /** As below, with {@link Metrics#none()}. */
    public GossipNode(GossipConfig config, SigningKeyPair identity, SigningProvider signing,
            ScheduledExecutorService scheduler, Function<InboundHandler, List<Transport>> transportFactory) {
        this(config, identity, signing, scheduler, transportFactory, Metrics.none());
    }

    /**
     * @param config gossip settings, not null
     * @param identity our key pair, not null
     * @param signing verifies broadcast signatures, not null
     * @param scheduler runs timers and topic work; shared, not shut down by this node; not null
     * @param transportFactory builds the transports, most preferred first (at least one, distinct ids), given the
     *     handler for inbound connections they all share; not null
     * @param metrics where the gossip and transport meters of docs/metrics.md are counted; not null
     * @throws IllegalArgumentException if the factory gives no transport or one id twice
     */
    public GossipNode(GossipConfig config, SigningKeyPair identity, SigningProvider signing,
            ScheduledExecutorService scheduler, Function<InboundHandler, List<Transport>> transportFactory,
            Metrics metrics) {
        this.config = Objects.requireNonNull(config, "config");
        this.identity = Objects.requireNonNull(identity, "identity");
        this.signing = Objects.requireNonNull(signing, "signing");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.codec = new FrameCodec(config.maxMessageSize());
        this.inboundLimits = new InboundLimits(config.maxInboundConnections(), config.maxInboundConnectionsPerIp(),
                config.maxInboundConnectionsPerPeer());
        GossipConfig.FloodLimits flood = config.floodLimits();
        this.floodGuard = new FloodGuard(java.util.Map.of(FloodGuard.Kind.BROADCAST, flood.broadcastsPerSecond(),
                FloodGuard.Kind.RELAYED_BROADCAST, flood.relayedBroadcastsPerSecond(), FloodGuard.Kind.JOIN,
                flood.joinsPerSecond(), FloodGuard.Kind.SHUFFLE, flood.shufflesPerSecond(),
                FloodGuard.Kind.CONTROL, flood.controlPerSecond()), flood.disconnectAfter(), flood.ban().toMillis());
        InboundHandler inbound = this::accepted;
        this.transports = new Transports(Objects.requireNonNull(transportFactory.apply(inbound), "transports"));
        this.meters = new GossipMeters(Objects.requireNonNull(metrics, "metrics"));
        this.links = new PeerLinks(transports, this::now, this::onFrame, this::onLost,
                new TransportMeters(metrics, transports.all().stream().map(Transport::id).toList()), scheduler);
        links.bar(peer -> floodGuard.isBanned(peer, now()));
        this.nodeView = new EngineNodeView(identity.peerId(), transports, observed, membership);
        links.onSend(nodeView::seen);
        this.reverse = new ReverseConnect(links, this::self, topic -> {
            GossipDriver runner = topics.get(topic);
            return runner == null ? null : runner.liveNeighbors();
        }, (topic, task) -> {
            GossipDriver runner = topics.get(topic);
            return runner != null && runner.afterOffered(task);
        }, topics::keySet, this::now);
        links.onUnanswered(reverse::unanswered);
        this.upgrades = new DirectUpgrades(identity.peerId());
        links.onUpgrade(this::upgraded);
        for (Transport transport : transports.all()) {
            if (transport instanceof io.topictracker.api.transport.NodeAware aware) {
                aware.attach(nodeView);
            }
        }
        // behind a NAT: others confirmed a public IP of ours that none of our interfaces has (a host name, as
        // in-process transports' addresses are, or a loopback or private address says nothing about a NAT)
        links.punching(identity.peerId(), () -> observed.confirmed(transports.localAddresses()).stream()
                .anyMatch(address -> isPublicIpLiteral(address.host())));
        links.ownGlobalHosts(this::ownGlobalHosts);
        if (metrics.isEnabled()) {
            gauges.add(metrics.gauge("topictracker.gossip.neighbors", this::neighborCount));
            gauges.add(metrics.gauge("topictracker.transport.connections.open", links::openCount));
        }
    }

    /**
     * Unregisters a topic its handle closed, so that it can be joined again at once, and keeps it among the leaving
     * until its Quit is done.
     */
    private void unregister(TopicId topic, GossipDriver runner) {
        if (topics.remove(topic, runner)) {
            membership.left(topic);
            leaving.add(runner);
            runner.quit().whenComplete((done, error) -> leaving.remove(runner));
        }
    }

    /** @return the neighbours summed over the joined topics (a peer in two topics counts twice) */
    private double neighborCount() {
        int count = 0;
        for (GossipDriver runner : topics.values()) {
            count += runner.liveNeighbors().size();
        }
        return count;
    }

    PeerLinks links() {
        return links;
    }

    /**
     * A topic is about to Join {@code peer}, both of us still bootstrapping, and both its record and ours say when
     * each of us started in the topic: two fresh peers behind NATs dial each other first at an instant both derive
     * from the two (PROTOCOL.md §8). No effect unless we are behind a NAT, nor for a peer we can reach through a relay. Any thread.
     *
     * @param peer not null; @param ourSince our record's since instant; @param theirSince the peer's record's; both
     *     Unix milliseconds
     */
    public void meetingFresh(PeerInfo peer, long ourSince, long theirSince) {
        links.fresh(peer, ourSince, theirSince);
    }

    long now() {
        return (System.nanoTime() - origin) / 1_000_000;
    }

    /**
     * Starts every transport and the idle sweep.
     *
     * @return completes when all listen; fails if any transport cannot start (then close this node); never null
     */
    public CompletableFuture<Void> start() {
        return transports.start().thenRun(() -> {
            sweep = scheduler.scheduleWithFixedDelay(() -> {
                links.closeIdle(this::held, IDLE_MILLIS);
                floodGuard.retainOnly(links::isConnected);
            }, 5, 5, TimeUnit.SECONDS);
            // without a punching transport no upgrade can happen (DirectUpgrades gives up at once), so a node
            // without QUIC does not wake every second for it
            if (!transports.punching().isEmpty()) {
                upgradeTicks = scheduler.scheduleWithFixedDelay(this::upgradeTick, UPGRADE_TICK_MILLIS,
                        UPGRADE_TICK_MILLIS, TimeUnit.MILLISECONDS);
            }
        });
    }

    /** How often the direct connection upgrade looks at the peers reached only through a relay. */
    static final long UPGRADE_TICK_MILLIS = 1_000;

    /**
     * The direct connection upgrade's clock (issue 15, PROTOCOL.md §9): for each peer reached only through a relay,
     * whatever {@link DirectUpgrades} decides; a change of our confirmed addresses starts a new round at once.
     */
    private void upgradeTick() {
        try {
            List<PeerId> relayed = links.relayedOnly();
            List<PeerAddress> confirmed = confirmedAddresses();
            boolean changed = !confirmed.equals(lastConfirmed);
            lastConfirmed = confirmed;
            List<PeerAddress> ours = relayed.isEmpty() ? List.of() : punchingAddresses();
            List<DirectUpgrades.Action> actions = new ArrayList<>();
            long now = now();
            synchronized (upgrades) {
                upgrades.retainOnly(new java.util.HashSet<>(relayed)::contains);
                if (changed) {
                    upgrades.addressesChanged(now);
                }
                for (PeerId peer : relayed) {
                    actions.addAll(upgrades.relayed(peer, now, ours));
                }
            }
            actions.forEach(this::perform);
        } catch (RuntimeException e) {
            LOG.warn("direct connection upgrade tick failed", e); // the next tick tries again
        }
    }

    /** @return where our punching transports listen (the addresses a Connect carries); empty without one */
    private List<PeerAddress> punchingAddresses() {
        List<Transport> punching = transports.punching();
        if (punching.isEmpty()) {
            return List.of();
        }
        return self().addresses().stream().filter(a -> punching.stream().anyMatch(t -> t.handles(a))).toList();
    }

    private void perform(DirectUpgrades.Action action) {
        if (action instanceof DirectUpgrades.SendConnect connect) {
            TIMELINE.debug("upgrade: {} to {}", connect.frame(), connect.peer().shortText());
            links.sendIfOpen(connect.peer(), codec.encodeUpgrade(connect.frame()));
        } else if (action instanceof DirectUpgrades.SendSync sync) {
            TIMELINE.debug("upgrade: {} to {}", sync.frame(), sync.peer().shortText());
            links.sendIfOpen(sync.peer(), codec.encodeUpgrade(sync.frame()));
        } else if (action instanceof DirectUpgrades.Dial dial) {
            Runnable start = () -> {
                TIMELINE.debug("upgrade: dial {} at {}", dial.peer().shortText(), dial.addresses());
                links.dialDirect(dial.peer(), punchingRoutes(dial.addresses())).thenAccept(connected -> {
                    List<DirectUpgrades.Action> next;
                    synchronized (upgrades) {
                        next = upgrades.dialEnded(dial.peer(), dial.attempt(), connected, now());
                    }
                    next.forEach(this::perform);
                });
            };
            if (dial.delayMillis() <= 0) {
                start.run();
            } else {
                try {
                    scheduler.schedule(start, dial.delayMillis(), TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.RejectedExecutionException closing) {
                    // the node is closing: no dial
                }
            }
        } else if (action instanceof DirectUpgrades.RoundFailed failed) {
            // once per relayed peer at INFO (why the neighbour stays relayed), later rounds at DEBUG
            String message = "no direct path to {} yet: {} attempts to punch one failed; trying again every {} s "
                    + "while it is reached through a relay";
            Object[] args = {failed.peer().shortText(), DirectUpgrades.ATTEMPTS,
                    DirectUpgrades.RETRY_PERIOD_MILLIS / 1000};
            if (failed.round() == 1) {
                LOG.info(message, args);
            } else {
                LOG.debug(message, args);
            }
        }
    }

    /** @return our punching transports' routes to {@code addresses}, every transport with every address it handles */
    private List<Transports.Route> punchingRoutes(List<PeerAddress> addresses) {
        List<Transports.Route> routes = new ArrayList<>();
        for (Transport transport : transports.punching()) {
            for (PeerAddress address : addresses) {
                if (transport.handles(address)) {
                    routes.add(new Transports.Route(transport, address));
                }
            }
        }
        return routes;
    }

    /** An upgrade frame arrived; only a relayed connection carries the upgrade. */
    private void onUpgradeFrame(Connection connection, FrameCodec.UpgradeFrame frame) {
        if (connection.relayedVia().isEmpty()) {
            LOG.debug("ignoring an upgrade frame from {} on a direct connection", connection.remote().shortText());
            return;
        }
        PeerId peer = connection.remote();
        TIMELINE.debug("upgrade: {} from {}", frame, peer.shortText());
        List<DirectUpgrades.Action> actions;
        if (frame instanceof FrameCodec.UpgradeConnect connect) {
            List<PeerAddress> dialable = connect.addresses().stream()
                    .filter(a -> transports.punching().stream().anyMatch(t -> t.handles(a))).toList();
            List<PeerAddress> ours = punchingAddresses();
            synchronized (upgrades) {
                actions = upgrades.connect(peer, connect, dialable, now(), ours);
            }
        } else {
            boolean canPunch = !transports.punching().isEmpty();
            synchronized (upgrades) {
                actions = upgrades.sync(peer, (FrameCodec.UpgradeSync) frame, canPunch);
            }
        }
        actions.forEach(this::perform);
    }

    /** A direct connection replaced {@code peer}'s relayed one: the topics that hold it as a neighbour hear of it. */
    private void upgraded(PeerId peer) {
        synchronized (upgrades) {
            upgrades.forget(peer);
        }
        LOG.info("connection to {} is direct now", peer.shortText());
        for (GossipDriver runner : topics.values()) {
            runner.connectionDirect(peer);
        }
    }

    private boolean held(PeerId peer) {
        synchronized (connectionUsers) {
            return connectionUsers.inUse(peer);
        }
    }

    /**
     * Keeps {@link #connectionUsers}: the idle sweep closes a connection only once no topic uses it. A connection is not
     * closed the moment its last topic releases the peer: HyParView often talks to a peer again soon after dropping it
     * from the active view (the peer stays in the passive view, shuffles and neighbour requests reach it), and closing at
     * once made the 20-node TCP and QUIC swarms of the e2e tests take 30 to 120 s instead of about 20 s to settle.
     */
    private final GossipDriver.PeerUse peerUse = new GossipDriver.PeerUse() {
        @Override
        public void used(TopicId topic, PeerId peer) {
            synchronized (connectionUsers) {
                connectionUsers.use(peer, topic);
            }
        }

        @Override
        public void released(TopicId topic, PeerId peer) {
            synchronized (connectionUsers) {
                connectionUsers.release(peer, topic);
            }
        }

        @Override
        public void releasedAll(TopicId topic) {
            synchronized (connectionUsers) {
                connectionUsers.releaseAll(topic);
            }
        }
    };

    /**
     * @return our id and the addresses our transports listen on, most preferred transport first, at most
     *     {@link PeerInfo#MAX_ADDRESSES}; never null
     */
    public PeerInfo self() {
        observed.dhtExternalHost(externalHostHint.get());
        List<PeerAddress> own = transports.localAddresses();
        // only direct transports' hosts are confirmed with their ports: a relay's listener or a relayed address says
        // nothing about where others see us (issue 15)
        List<PeerAddress> confirmed = observed.confirmed(nodeView.directAddresses());
        // the transports' own addresses first (LAN peers reach those), then what others confirmed, which a full
        // list of interfaces must not crowd out
        int ownRoom = PeerInfo.MAX_ADDRESSES - Math.min(confirmed.size(), PeerInfo.MAX_ADDRESSES / 2);
        List<PeerAddress> all = new ArrayList<>(own.subList(0, Math.min(own.size(), ownRoom)));
        for (PeerAddress address : confirmed) {
            if (all.size() < PeerInfo.MAX_ADDRESSES) {
                all.add(address);
            }
        }
        return new PeerInfo(identity.peerId(), all);
    }

    /**
     * Lets the node advertise an external IP another part learnt (the mainline DHT's BEP42 vote) with each
     * transport's port.
     *
     * @param hint gives the IP literal or null, any thread; not null
     */
    public void externalHostHint(Supplier<String> hint) {
        externalHostHint = Objects.requireNonNull(hint, "hint");
    }

    /**
     * @return the global IP literals of our direct transports' addresses, the confirmed observed ones and the DHT's
     *     vote (not a relay's: a relay address names the relay's host); never null
     */
    private java.util.Set<String> ownGlobalHosts() {
        List<PeerAddress> direct = nodeView.directAddresses();
        java.util.Set<String> hosts = new java.util.HashSet<>();
        List<PeerAddress> all = new ArrayList<>(direct);
        all.addAll(observed.confirmed(direct));
        for (PeerAddress address : all) {
            if (EngineNodeView.isGlobal(address.host())) {
                hosts.add(address.host());
            }
        }
        String dhtHost = externalHostHint.get();
        if (dhtHost != null && EngineNodeView.isGlobal(dhtHost)) {
            hosts.add(dhtHost);
        }
        return hosts;
    }

    /** @return the addresses others confirmed for us (see {@link ObservedAddresses}); never null */
    public List<PeerAddress> confirmedAddresses() {
        return observed.confirmed(nodeView.directAddresses());
    }

    /**
     * A peer dialled us: within the inbound bounds it gets a link, its observed address, and until the join deadline
     * to send a frame for a topic we joined; over a bound it is closed at once.
     */
    private ConnectionListener accepted(Connection connection) {
        PeerId peer = connection.remote();
        String ip = connection.remoteAddress().host();
        if (floodGuard.isBanned(peer, now())) {
            LOG.debug("closing a connection from {} at {}: banned for flooding", peer.shortText(), ip);
            connection.close();
            return IGNORED;
        }
        String refusal = inboundLimits.admit(peer, ip);
        if (refusal != null) {
            LOG.debug("closing a connection from {} at {}: {}", peer.shortText(), ip, refusal);
            connection.close();
            return IGNORED;
        }
        if (!held(peer)) {
            // a peer that is already a neighbour (over another connection: the direct connection upgrade) passed
            // admission; the deadline still closes this connection if it stops being one
            awaitingTopic.add(connection);
        }
        // a peer we are connected to already may reach us through a hole we punched for it (the upgrade): that
        // proves nothing about strangers reaching us, so it does not make us reachable (issue 15)
        boolean punched = links.isConnected(peer);
        ConnectionListener listener = links().accepted(connection);
        if (connection.relayedVia().isEmpty()) {
            // what a relayed connection "comes from" is the relay: it says nothing about our own address
            if (!punched) {
                nodeView.acceptedDirectlyFrom(ip);
            }
            tellObserved(connection);
        }
        try {
            scheduler.schedule(() -> closeIfServingNoTopic(connection), config.joinDeadline().toNanos(),
                    TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            connection.close(); // the node is closing
        }
        return new ConnectionListener() {
            @Override
            public void onFrame(Connection c, ByteBuffer frame) {
                listener.onFrame(c, frame);
            }

            @Override
            public void onClosed(Connection c, Throwable cause) {
                inboundLimits.release(peer, ip);
                awaitingTopic.remove(c);
                listener.onClosed(c, cause);
            }
        };
    }

    /** A connection held only with frames for topics we never joined is an attacker's (or a stale peer's). */
    /**
     * At the join deadline an accepted connection must serve a topic: its peer a neighbour in one (held). Frames for
     * a topic we joined are not enough: a topic's id is the hash of its name, so anyone who knows the name can send
     * well-formed frames for it (a Prune every second held a connection for ever, issue 16), while only a peer that
     * knows the secret passes the admission of a Join or Neighbor request and becomes a neighbour.
     */
    private void closeIfServingNoTopic(Connection connection) {
        boolean noFrameForOurTopics = awaitingTopic.remove(connection);
        if (connection.isOpen() && (noFrameForOurTopics || !held(connection.remote()))) {
            LOG.debug("closing the connection from {}: {} within {} ms", connection.remote().shortText(),
                    noFrameForOurTopics ? "no frame for a topic we joined" : "not a neighbour in any topic",
                    config.joinDeadline().toMillis());
            connection.close();
        }
    }

    /** The listener of a connection refused at once: it hears nothing worth acting on. */
    private static final ConnectionListener IGNORED = new ConnectionListener() {
        @Override
        public void onFrame(Connection connection, ByteBuffer frame) {
        }

        @Override
        public void onClosed(Connection connection, Throwable cause) {
        }
    };

    /** Tells a peer that dialled us the address its connection came from, for its own advertising. */
    private void tellObserved(Connection connection) {
        try {
            connection.send(codec.encodeObserved(connection.remoteAddress()));
        } catch (RuntimeException e) {
            LOG.debug("could not tell {} its observed address: {}", connection.remote().shortText(), e.toString());
        }
    }

    /**
     * Joins a topic's overlay through the given peers (none for the first node).
     *
     * @param topic not null; one handle per topic
     * @param secretHash the 32-byte topic secret hash; admission MACs are derived from it; not null
     * @param bootstrap peers to send a Join to, at most 64, not null
     * @param listener gets every event of the topic, on the topic's executor; must not block; not null
     * @return the topic handle, never null
     * @throws IllegalStateException if the topic is already joined or the node is closed
     */
    public GossipDriver join(TopicId topic, byte[] secretHash, List<PeerInfo> bootstrap,
            Consumer<GossipEvent> listener) {
        Objects.requireNonNull(listener, "listener");
        if (closed) {
            throw new IllegalStateException("node is closed");
        }
        BroadcastAuth auth = config.verifySignatures() ? BroadcastAuth.ed25519(topic, identity, signing)
                : BroadcastAuth.none();
        PeerInfo self = self();
        byte[] secret = secretHash.clone();
        GossipDriver[] holder = new GossipDriver[1];
        GossipDriver runner = new GossipDriver(topic, sink -> new GossipStateMachine(topic, self, config, secret, auth,
                new SplittableRandom(seeds.nextLong()), sink), new SerialExecutor(scheduler,
                GossipDriver.QUEUE_CAPACITY), scheduler, links, codec, listener, this::now, peerUse,
                config.maxMessageSize(), () -> unregister(topic, holder[0]), meters);
        holder[0] = runner;
        // Started before it is registered: frames for the topic reach the driver from the moment it is in the map,
        // and its executor must run the start first (a state machine refuses input before its start).
        runner.start();
        if (topics.putIfAbsent(topic, runner) != null) {
            runner.stop();
            throw new IllegalStateException("topic " + topic + " is already joined on this node");
        }
        membership.joined(topic, secret);
        if (!bootstrap.isEmpty()) {
            runner.joinPeers(bootstrap, false);
        }
        return runner;
    }

    private void onFrame(Connection connection, ByteBuffer frame) {
        FrameCodec.Decoded decoded;
        try {
            if (ReverseConnect.handles(frame)) {
                reverse.received(connection, frame);
                return;
            }
            FrameCodec.UpgradeFrame upgrade = codec.upgrade(frame);
            if (upgrade != null) {
                onUpgradeFrame(connection, upgrade);
                return;
            }
            PeerAddress seen = codec.observed(frame);
            if (seen != null) {
                if (connection.relayedVia().isEmpty()) {
                    observed.observed(connection.remoteAddress(), seen);
                }
                return;
            }
            decoded = codec.decode(frame);
        } catch (MalformedFrameException e) {
            LOG.warn("closing connection to {}: malformed frame: {}", connection.remote().shortText(),
                    e.getMessage());
            connection.close();
            return;
        }
        if (TIMELINE.isDebugEnabled() && !(decoded.message() instanceof Gossip)) {
            TIMELINE.debug("from {}: {}", connection.remote().shortText(), describe(decoded.message()));
        }
        if (meters.enabled) {
            meters.received(decoded.message());
        }
        if (!withinFloodLimits(connection, decoded.message())) {
            return;
        }
        GossipDriver runner = topics.get(decoded.topic());
        if (runner == null) {
            LOG.debug("frame for topic {} we have not joined, from {}", decoded.topic(),
                    connection.remote().shortText());
            return;
        }
        awaitingTopic.remove(connection);
        links.used(connection.remote());
        runner.offer(new Input.Received(connection.remote(), decoded.message()));
    }

    /**
     * Counts the message against its sender's rates (issue 16): over a rate it is dropped; a sender that keeps
     * flooding is disconnected and banned, and a banned sender's connection (one we dialled before the ban, say) is
     * closed on its next frame.
     *
     * @return whether the message may go to its topic
     */
    private boolean withinFloodLimits(Connection connection, Message message) {
        PeerId peer = connection.remote();
        long now = now();
        if (floodGuard.isBanned(peer, now)) {
            connection.close();
            return false;
        }
        FloodGuard.Verdict verdict = floodGuard.admit(peer, message, now);
        if (verdict == FloodGuard.Verdict.PASS) {
            return true;
        }
        FloodGuard.Kind kind = FloodGuard.Kind.of(peer, message);
        meters.throttled(kind);
        if (verdict == FloodGuard.Verdict.DROP) {
            return false;
        }
        meters.floodBans.increment();
        GossipConfig.FloodLimits limits = config.floodLimits();
        LOG.warn("disconnecting {}: it kept sending {} messages over its rate (flood_disconnect_after {}); banned for {}",
                peer.shortText(), kind.tag, limits.disconnectAfter(),
                io.topictracker.api.ConfigTable.format(limits.ban()));
        links.closePeer(peer);
        connection.close();
        return false;
    }

    /** @return whether {@code host} is an IP literal of a public address (not loopback, private or link-local) */
    static boolean isPublicIpLiteral(String host) {
        java.net.InetAddress ip = IpLiterals.parse(host);
        return ip != null && !IpLiterals.isLocalScope(ip);
    }

    /** @return a membership message's kind and what identifies it, for the timeline log */
    static String describe(Message message) {
        if (message instanceof Message.Neighbor neighbor) {
            return "Neighbor " + neighbor.kind();
        }
        if (message instanceof Message.ForwardJoin forward) {
            return "ForwardJoin " + forward.joiner().id().shortText() + " ttl " + forward.ttl();
        }
        return message.getClass().getSimpleName();
    }

    /** A peer's connections all ended, or it could not be dialled. */
    private void onLost(PeerId peer, boolean dialFailed) {
        for (GossipDriver runner : topics.values()) {
            // A failed dial tells every topic the address is dead, so it leaves their passive views (HyParView §4.2);
            // a closed connection only matters to topics that hold the peer.
            if (dialFailed) {
                runner.offer(new Input.PeerDisconnected(peer));
            } else {
                runner.connectionLost(peer);
            }
        }
    }

    /**
     * @param peer not null
     * @return the relay our open connection to {@code peer} passes through; empty when it is direct or there is none
     */
    public java.util.Optional<PeerId> relayedVia(PeerId peer) {
        Connection open = links.openConnection(peer);
        return open == null ? java.util.Optional.empty() : open.relayedVia();
    }

    /** @return whether there is an open connection to {@code peer} now */
    public boolean isConnected(PeerId peer) {
        return links.isConnected(peer);
    }

    /** @return what this node's connection requests through neighbours did so far (issue 15), for tests */
    ReverseConnect.Counts reverseConnectCounts() {
        return reverse.counts();
    }

    /** @return the number of peers with an open connection, for tests and metrics */
    public int openConnections() {
        return links.openCount();
    }

    /** Leaves every topic, closes every connection and the transports. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        // The topics still joined and those that left but may still be saying goodbye: all of them must be done
        // sending before the transports close.
        List<GossipDriver> all = new ArrayList<>(topics.values());
        all.addAll(leaving);
        List<CompletableFuture<Void>> quits = new ArrayList<>();
        for (GossipDriver runner : all) {
            quits.add(runner.quit());
        }
        try {
            CompletableFuture.allOf(quits.toArray(CompletableFuture[]::new)).get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.debug("topics did not quit in time: {}", e.toString());
        }
        // Whether or not they quit in time, no topic sends from here on: the transports' event loops are about to
        // terminate, and a send racing them failed inside the transport (logged at ERROR by Netty).
        all.forEach(GossipDriver::stop);
        ScheduledFuture<?> current = sweep;
        if (current != null) {
            current.cancel(false);
        }
        ScheduledFuture<?> ticks = upgradeTicks;
        if (ticks != null) {
            ticks.cancel(false);
        }
        links.closeAll(Connection::close);
        transports.close();
        gauges.forEach(Metrics.Registration::close);
    }
}
