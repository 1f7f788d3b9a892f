package io.topictracker.engine.gossip.net;

import io.topictracker.api.PeerId;
import io.topictracker.api.PeerInfo;
import io.topictracker.api.transport.Connection;
import io.topictracker.api.transport.ConnectionListener;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection per peer, shared by every topic: dialled on demand from the addresses in a {@link PeerInfo} (our most
 * preferred transport first, the peer's addresses in its order, those that failed lately last; raced as Happy
 * Eyeballs does, see {@link DialRace}), accepted when the peer
 * dials us on any of our transports, closed when idle and held by no topic. Frames waiting for a dial are bounded;
 * frames for an open connection go through its {@link LinkOutbox}, which honours the transport's backpressure and
 * resets a link whose peer stops reading. Thread-safe (each link is guarded by its own monitor).
 */
final class PeerLinks {
    private static final Logger LOG = LoggerFactory.getLogger(PeerLinks.class);
    /** Per-connection timings for diagnosing joins (dial start, time to an authenticated connection, accepts). */
    private static final Logger TIMELINE = LoggerFactory.getLogger("io.topictracker.timeline.links");
    /** Frames kept per peer while its connection is being dialled. */
    static final int MAX_PENDING_FRAMES = 512;
    /** For frames that are always worth sending. */
    private static final BooleanSupplier NEVER_MOOT = () -> false;

    /**
     * A frame waiting for a dial, and whether it has become pointless meanwhile (see {@link #send(PeerInfo,
     * ByteBuffer, BooleanSupplier)}).
     */
    private record Pending(ByteBuffer frame, BooleanSupplier moot) {
        /** Adds the frame to {@code flush} unless it has become moot. */
        void addTo(List<ByteBuffer> flush) {
            if (!moot.getAsBoolean()) {
                flush.add(frame);
            }
        }
    }
    /**
     * A dial with no connection after this long is reported {@link #onUnanswered unanswered}: a QUIC or TCP handshake
     * with a reachable peer takes one or two round trips, far less; the dial goes on (its packets keep a NAT's
     * mapping towards the peer open for the peer's dial back).
     */
    static final long ASK_AFTER_MILLIS = 1_000;
    /**
     * ... and again after this long if still unanswered (a joining node may have had no neighbour to ask at 1 s; the
     * requests' own rate limit keeps a target from being asked for twice within 10 s).
     */
    static final long ASK_AGAIN_MILLIS = 3_000;
    /**
     * A dial that failed (every route refused or timed out) after which a connection request went out waits this long
     * for the peer's dial back before the topics hear of the failure, its frames kept: a peer behind a NAT whose
     * advertised addresses are all private fails at once, and its dial back takes a forward's round trip and a
     * handshake.
     */
    static final long REVERSE_WAIT_MILLIS = 5_000;

    /** What is known about one peer's connections. */
    private static final class Link {
        final PeerId peer;
        final List<LinkOutbox> connections = new ArrayList<>(2);
        final ArrayDeque<Pending> pending = new ArrayDeque<>();
        /** Relayed connections being closed because a direct one is up (issue 15); frames no longer go over them. */
        final java.util.Set<Connection> retiring = new java.util.HashSet<>();
        boolean dialing;
        /** The dial waiting for its punch slot, if the dial under way is one; a dial-back cancels it (issue 15). */
        ScheduledFuture<?> slotDial;
        /**
         * The peer of the dial under way if its failure may wait for a dial back (a dial of ours that may ask for
         * one, not itself a dial back); taken by the first failure, so a dial's failure waits at most once.
         */
        PeerInfo reverseTarget;
        /** Its connections are being closed with the node: their close is reported to no one. */
        boolean closingAll;
        volatile long lastUsed;

        Link(PeerId peer) {
            this.peer = peer;
        }

        /** @return an open direct connection if there is one, else an open relayed one, else null */
        LinkOutbox open() {
            LinkOutbox relayed = null;
            for (LinkOutbox outbox : connections) {
                if (outbox.connection().isOpen()) {
                    if (outbox.connection().relayedVia().isEmpty()) {
                        return outbox;
                    }
                    if (relayed == null && !retiring.contains(outbox.connection())) {
                        relayed = outbox;
                    }
                }
            }
            return relayed;
        }

        void remove(Connection connection) {
            connections.removeIf(outbox -> outbox.connection() == connection);
            retiring.remove(connection);
        }

        /**
         * Called with a connection just added: once a direct connection is open, every relayed one is retired.
         *
         * @return the relayed connections to close now; empty if none
         */
        List<Connection> retireRelayed() {
            LinkOutbox open = open();
            if (open == null || open.connection().relayedVia().isPresent()) {
                return List.of();
            }
            List<Connection> retire = new ArrayList<>();
            for (LinkOutbox outbox : connections) {
                Connection connection = outbox.connection();
                if (connection.relayedVia().isPresent() && retiring.add(connection)) {
                    retire.add(connection);
                }
            }
            return retire;
        }

        List<Connection> connectionList() {
            return connections.stream().map(LinkOutbox::connection).toList();
        }
    }

    private final Map<PeerId, Link> links = new ConcurrentHashMap<>();
    private final Transports transports;
    private final LongSupplier clock;
    private final BiConsumer<Connection, ByteBuffer> onFrame;
    private final BiConsumer<PeerId, Boolean> onLost;
    private final TransportMeters meters;
    private final ScheduledExecutorService timers;
    private final RecentDialFailures failures = new RecentDialFailures();
    /** Peers not to be dialled nor sent to (banned for flooding); never null. */
    private volatile Predicate<PeerId> barred = peer -> false;
    /** Told of each peer we send to; never null. */
    private volatile Consumer<PeerInfo> seen = peer -> { };
    /** When to dial again after an unanswered dial, while we are behind a NAT; null until {@link #punching}. */
    private volatile PunchSlots punchSlots;
    /** Told of a dial still unanswered after {@link #ASK_AFTER_MILLIS} (a connection request may help); never null. */
    private volatile Predicate<PeerInfo> unanswered = peer -> false;
    /** Told of each peer whose relayed connection gave way to a direct one (issue 15); never null. */
    private volatile Consumer<PeerId> upgraded = peer -> { };
    /** The global IP literals we are at (interfaces, confirmed observed addresses); see {@link RelayFirst}. */
    private volatile java.util.function.Supplier<java.util.Set<String>> ownGlobalHosts = java.util.Set::of;
    /** Whether we are behind a NAT now (we advertise a confirmed address none of our interfaces has). */
    private volatile java.util.function.BooleanSupplier behindNat = () -> false;

    /** As below, counting nothing. */
    PeerLinks(Transports transports, LongSupplier clock, BiConsumer<Connection, ByteBuffer> onFrame,
            BiConsumer<PeerId, Boolean> onLost, ScheduledExecutorService timers) {
        this(transports, clock, onFrame, onLost, new TransportMeters(io.topictracker.api.metrics.Metrics.none(),
                List.of()), timers);
    }

    /**
     * @param onFrame called with each received frame, on a transport thread
     * @param onLost called when a peer has no connection left or cannot be dialled; the flag is true for a failed dial
     * @param meters counts connections opened, closed and failed, and the bytes of frames, per transport
     * @param timers runs the dial stagger (see {@link DialRace}); shared, not shut down here
     */
    PeerLinks(Transports transports, LongSupplier clock, BiConsumer<Connection, ByteBuffer> onFrame,
            BiConsumer<PeerId, Boolean> onLost, TransportMeters meters, ScheduledExecutorService timers) {
        this.transports = transports;
        this.clock = clock;
        this.onFrame = onFrame;
        this.onLost = onLost;
        this.meters = meters;
        this.timers = timers;
    }

    /**
     * Sends a frame to a peer, dialling it first if needed. Never blocks. Frames wait, bounded, for the dial and for
     * the connection to be writable; past the bound a dial drops the frame and an open link is reset.
     */
    void send(PeerInfo to, ByteBuffer frame) {
        send(to, frame, NEVER_MOOT);
    }

    /**
     * Sends a frame that may become pointless before it can go: {@code moot} is asked when the connection opens (and
     * now, if it is open), and a frame it calls moot is dropped. A bootstrap Join is such a frame: behind a slow dial
     * (a cold start saturating the CPU made dials take 1–2 s) it is moot once another contact accepted us
     * ({@link BootstrapJoins}).
     *
     * @param moot asked on a transport or topic thread, so it must be thread-safe and quick; not null
     */
    void send(PeerInfo to, ByteBuffer frame, BooleanSupplier moot) {
        if (barred.test(to.id())) {
            // A banned peer is not dialled: the topics hear of it as of a failed dial, so it leaves their views.
            onLost.accept(to.id(), true);
            return;
        }
        seen.accept(to);
        Link link = links.computeIfAbsent(to.id(), Link::new);
        LinkOutbox ready;
        synchronized (link) {
            link.lastUsed = clock.getAsLong();
            ready = link.open();
            if (ready == null) {
                if (link.pending.size() < MAX_PENDING_FRAMES) {
                    link.pending.add(new Pending(frame, moot));
                } else {
                    LOG.debug("dropping a frame to {}: {} frames already wait for the dial", to.id().shortText(),
                            MAX_PENDING_FRAMES);
                }
                if (!link.dialing) {
                    link.dialing = true;
                    long delay = punchDelayMillis(to.id());
                    if (delay > 0) {
                        scheduleDial(link, to, delay);
                    } else {
                        dial(link, to);
                    }
                }
                return;
            }
        }
        if (!moot.getAsBoolean()) {
            ready.offer(frame);
        }
    }

    /**
     * @return the outbox of a new connection: one that overflows resets the connection, with the reason logged, and
     *     reports the peer lost at once, even if new frames redial it (the topics must stop counting on a peer that
     *     does not read)
     */
    private LinkOutbox outbox(Connection connection) {
        LinkOutbox.SentBytes sent = meters.enabled ? meters.of(connection).bytesOut::increment : bytes -> { };
        return new LinkOutbox(connection, sent, reason -> {
            LOG.warn("resetting the connection to {}: {}", connection.remote().shortText(), reason);
            connection.close();
            onLost.accept(connection.remote(), false);
        });
    }

    /**
     * Hole punching (issue 15): behind a NAT, a dial to a peer whose last dial went unanswered waits for the pair's
     * next punch slot ({@link PunchSlots}), so that both sides' packets cross and an early packet of ours cannot make
     * the peer's NAT move its mapping.
     *
     * @param self our id, not null
     * @param behindNat whether we are behind a NAT now; not null, called on any thread
     */
    void punching(PeerId self, java.util.function.BooleanSupplier behindNat) {
        this.behindNat = java.util.Objects.requireNonNull(behindNat, "behindNat");
        this.punchSlots = new PunchSlots(self);
    }

    /**
     * @param hosts gives the global IP literals we are at (see {@link RelayFirst}), any thread; not null, nor what it
     *     gives
     */
    void ownGlobalHosts(java.util.function.Supplier<java.util.Set<String>> hosts) {
        this.ownGlobalHosts = java.util.Objects.requireNonNull(hosts, "hosts");
    }

    /**
     * We and {@code peer} are both new to a topic (PROTOCOL.md §8): while we are behind a NAT, a first dial to it
     * waits for the pair's first-contact instant ({@link PunchSlots#fresh}), unless it has an address we can reach
     * through a relay (that dial goes at once; the relayed connection then carries the upgrade's punch, §9). Any
     * thread.
     *
     * @param peer not null; @param ourSince our record's since instant; @param theirSince the peer's record's; both
     *     wall-clock millis
     */
    void fresh(PeerInfo peer, long ourSince, long theirSince) {
        PunchSlots slots = punchSlots;
        if (slots == null || !behindNat.getAsBoolean()
                || transports.routes(peer).stream().anyMatch(Transports.Route::relayed)) {
            return;
        }
        synchronized (slots) {
            slots.fresh(peer.id(), ourSince, theirSince, System.currentTimeMillis());
        }
    }

    /** @return how long a dial to {@code peer} must wait for its punch slot; 0 to dial now */
    private long punchDelayMillis(PeerId peer) {
        PunchSlots slots = punchSlots;
        if (slots == null || !behindNat.getAsBoolean()) {
            return 0;
        }
        long now = System.currentTimeMillis(); // wall clock: both sides must name the same instants
        synchronized (slots) {
            return slots.dialAt(peer, now) - now;
        }
    }

    private void punchOutcome(PeerId peer, boolean connected) {
        PunchSlots slots = punchSlots;
        if (slots == null) {
            return;
        }
        PeerInfo again = null;
        long delay = 0;
        synchronized (slots) {
            if (connected) {
                slots.connected(peer);
            } else if (behindNat.getAsBoolean()) {
                long now = System.currentTimeMillis();
                slots.failed(peer, now);
                again = slots.redial(peer);
                delay = slots.dialAt(peer, now) - now;
            }
        }
        if (again != null) {
            TIMELINE.debug("dial {} unanswered; dialling it again at its punch slot in {} ms", peer.shortText(), delay);
            PeerInfo target = again;
            try {
                timers.schedule(() -> redial(target), delay, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException closing) {
                // the node is closing: no redial
            }
        }
    }

    /** Dials {@code to} at its punch slot though no frame waits (the far side may dial at it), unless dialled now. */
    private void redial(PeerInfo to) {
        if (barred.test(to.id())) {
            return;
        }
        Link link = links.computeIfAbsent(to.id(), Link::new);
        synchronized (link) {
            if (link.dialing || link.open() != null) {
                return; // a dial the topics asked for, or a connection: nothing to add
            }
            link.dialing = true;
            link.lastUsed = clock.getAsLong(); // the idle sweep gives the far side's Join time to arrive
        }
        dialAtSlot(link, to);
    }

    /**
     * A dial at a punch slot: every route at once, not staggered. With NATs that keep unsolicited packets both sides'
     * first packets to each other's public address must cross within about one one-way delay; a stagger timer on
     * each side (whose lateness under load differs) would only widen that gap.
     */
    private void dialAtSlot(Link link, PeerInfo to) {
        DialRace<Transports.Route> race = dial(link, to);
        if (race != null) {
            for (Transports.Route next = race.staggerElapsed(); next != null; next = race.staggerElapsed()) {
                attempt(link, to.id(), race, next);
            }
        }
    }

    private void scheduleDial(Link link, PeerInfo to, long delayMillis) {
        TIMELINE.debug("dial {} at its punch slot in {} ms", to.id().shortText(), delayMillis);
        try {
            ScheduledFuture<?> slot = timers.schedule(() -> {
                synchronized (link) {
                    if (link.slotDial == null) {
                        return; // a dial back replaced it (dialNow)
                    }
                    link.slotDial = null;
                }
                dialAtSlot(link, to);
            }, delayMillis, TimeUnit.MILLISECONDS);
            synchronized (link) {
                link.slotDial = slot;
            }
        } catch (RejectedExecutionException closing) {
            synchronized (link) {
                link.dialing = false; // the node is closing: no dial
            }
        }
    }

    /** @return the race started, or null if there was no route (the dial failed at once) */
    private DialRace<Transports.Route> dial(Link link, PeerInfo to) {
        return dial(link, to, true);
    }

    /**
     * @param askIfUnanswered whether to report the dial {@link #onUnanswered unanswered} if it is slow
     * @return the race started, or null if there was no route (the dial failed at once)
     */
    private DialRace<Transports.Route> dial(Link link, PeerInfo to, boolean askIfUnanswered) {
        TIMELINE.debug("dial {}", to.id().shortText());
        PunchSlots slots = punchSlots;
        if (slots != null) {
            synchronized (slots) {
                slots.dialling(to);
            }
        }
        synchronized (link) {
            link.reverseTarget = askIfUnanswered ? to : null;
        }
        if (askIfUnanswered) {
            armUnanswered(link, to);
        }
        long now = clock.getAsLong();
        List<Transports.Route> routes = failures.lastIfFailed(transports.routes(to), Transports.Route::address, now);
        routes = RelayFirst.order(routes, Transports.Route::relayed, Transports.Route::address, ownGlobalHosts.get(),
                address -> failures.failedLately(address, now));
        if (!routes.isEmpty() && routes.get(0).relayed()) {
            TIMELINE.debug("dial {}: no direct address can work from here, the relay first", to.id().shortText());
        }
        DialRace<Transports.Route> race = new DialRace<>(routes);
        Transports.Route first = race.first();
        if (first == null) {
            dialFailed(link, to.id(), null);
            return null;
        }
        attempt(link, to.id(), race, first);
        return race;
    }

    /** Starts one attempt of {@code race}, and arms the stagger that starts the next if this one is slow. */
    private void attempt(Link link, PeerId peer, DialRace<Transports.Route> race, Transports.Route route) {
        long started = System.nanoTime();
        TransportMeters.PerTransport counted = meters.of(route.transport().id());
        CompletableFuture<Connection> attempt;
        try {
            attempt = route.transport().connect(peer, route.address(), listener(counted));
        } catch (RuntimeException e) {
            attempt = CompletableFuture.failedFuture(e);
        }
        ScheduledFuture<?> stagger = attempt.isDone() ? null : staggerNext(link, peer, race);
        attempt.whenComplete((connection, error) -> {
            if (stagger != null) {
                stagger.cancel(false);
            }
            if (error != null) {
                counted.failed(error);
                failures.failed(route.address(), clock.getAsLong());
                LOG.debug("dialling {} at {} failed: {}", peer.shortText(), route.address(), error.getMessage());
                Transports.Route next = race.failed();
                if (next != null) {
                    attempt(link, peer, race, next);
                } else if (race.lost()) {
                    dialFailed(link, peer, error);
                }
                return;
            }
            counted.openedOut.increment();
            failures.succeeded(route.address());
            punchOutcome(peer, true);
            if (!race.connected(route) && !replacesRelayed(link, connection)) {
                LOG.debug("closing a second connection to {} at {}: another route won", peer.shortText(),
                        route.address());
                connection.close();
                return;
            }
            TIMELINE.debug("dialled {} in {} ms over {}", peer.shortText(), (System.nanoTime() - started) / 1_000_000,
                    route.address());
            LinkOutbox outbox = outbox(connection);
            List<ByteBuffer> flush = List.of();
            List<Connection> retired = List.of();
            boolean held;
            synchronized (link) {
                link.dialing = false;
                held = connection.isOpen();
                if (held) {
                    link.connections.add(outbox);
                    links.putIfAbsent(peer, link);
                    flush = unsent(link);
                    retired = link.retireRelayed();
                }
            }
            if (!held) {
                closedBeforeHeld(connection);
                return;
            }
            flush.forEach(outbox::offer);
            retire(peer, retired, connection.relayedVia().isEmpty());
        });
    }

    /** @return the frames waiting for {@code link}'s dial that are still worth sending, in order; clears the queue */
    private static List<ByteBuffer> unsent(Link link) {
        List<ByteBuffer> flush = new ArrayList<>(link.pending.size());
        for (Pending waiting : link.pending) {
            waiting.addTo(flush);
        }
        link.pending.clear();
        return flush;
    }

    /**
     * A dialled connection closed before its link held it. Its {@link #closed} saw the dial still under way and left
     * the loss for the dial to report; the dial ends here, so this reports it (unless another connection is open), or
     * the topics would keep the peer as a neighbour with no connection until they next sent it something.
     */
    private void closedBeforeHeld(Connection connection) {
        LOG.debug("the connection to {} closed as its dial completed", connection.remote().shortText());
        closed(connection, null);
    }

    /**
     * @return whether {@code connection}, a race's loser, is direct while the link's open connection is relayed: a
     *     relay route that went first ({@link RelayFirst}) won, and this direct one replaces it as an upgrade would
     */
    private static boolean replacesRelayed(Link link, Connection connection) {
        if (connection.relayedVia().isPresent()) {
            return false;
        }
        synchronized (link) {
            LinkOutbox open = link.open();
            return open != null && open.connection().relayedVia().isPresent();
        }
    }

    /** @return the timer that starts the race's next route if no attempt ended first; null if timers are gone */
    private ScheduledFuture<?> staggerNext(Link link, PeerId peer, DialRace<Transports.Route> race) {
        try {
            return timers.schedule(() -> {
                Transports.Route next = race.staggerElapsed();
                if (next != null) {
                    attempt(link, peer, race, next);
                }
            }, DialRace.STAGGER_MILLIS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closing) {
            return null; // the node is closing: the attempts under way are the last
        }
    }

    private void dialFailed(Link link, PeerId peer, Throwable last) {
        PeerInfo askFor = null;
        synchronized (link) {
            if (last != null && link.open() == null) {
                askFor = link.reverseTarget;
            }
            link.reverseTarget = null;
        }
        if (askFor != null && unanswered.test(askFor)) {
            try {
                // still dialling for send() (frames wait), so the peer's dial back finds them (accepted flushes)
                timers.schedule(() -> dialFailed(link, peer, last), REVERSE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
                TIMELINE.debug("dial {} failed; waiting {} ms for its dial back", peer.shortText(),
                        REVERSE_WAIT_MILLIS);
                return;
            } catch (RejectedExecutionException closing) {
                // the node is closing: fail now
            }
        }
        synchronized (link) {
            link.dialing = false;
            link.pending.clear();
            if (link.open() != null) {
                return; // the peer dialled us meanwhile (a dial back, or a crossing dial): nothing failed
            }
            links.remove(peer, link);
        }
        punchOutcome(peer, false);
        LOG.debug("cannot reach {}: {}", peer.shortText(), last == null ? "no address our transports handle"
                : last.getMessage());
        onLost.accept(peer, true);
    }

    /**
     * The peer's connection carried a frame for a topic we joined: it is in use. Frames for other topics do not
     * count, so they cannot keep a connection from the idle sweep.
     */
    void used(PeerId peer) {
        Link link = links.get(peer);
        if (link != null) {
            link.lastUsed = clock.getAsLong();
        }
    }

    /** @return the listener for a connection the peer opened to us */
    ConnectionListener accepted(Connection connection) {
        TIMELINE.debug("accepted {}", connection.remote().shortText());
        punchOutcome(connection.remote(), true);
        TransportMeters.PerTransport counted = meters.of(connection);
        counted.openedIn.increment();
        Link link = links.computeIfAbsent(connection.remote(), Link::new);
        LinkOutbox outbox = outbox(connection);
        List<ByteBuffer> flush;
        List<Connection> retired;
        synchronized (link) {
            link.connections.add(outbox);
            link.lastUsed = clock.getAsLong();
            flush = unsent(link);
            retired = link.retireRelayed();
        }
        flush.forEach(outbox::offer);
        retire(connection.remote(), retired, connection.relayedVia().isEmpty());
        return listener(counted);
    }

    /** How long a relayed connection a direct one replaced stays open, so frames already queued on it get through. */
    static final long RETIRE_GRACE_MILLIS = 1_000;

    /**
     * Closes relayed connections a direct one replaced (issue 15: the upgrade closes the relayed connection), after
     * {@link #RETIRE_GRACE_MILLIS}; the topics are not told the peer was lost (the direct connection carries on).
     *
     * @param upgrade whether a new direct connection replaced them (then {@link #onUpgrade} hears of it), rather than
     *     a relayed connection arriving while a direct one was already open
     */
    private void retire(PeerId peer, List<Connection> relayed, boolean upgrade) {
        if (relayed.isEmpty()) {
            return;
        }
        LOG.debug("{}: a direct connection is up, closing {} relayed connection(s)", peer.shortText(), relayed.size());
        if (upgrade) {
            upgraded.accept(peer);
        }
        try {
            timers.schedule(() -> relayed.forEach(Connection::close), RETIRE_GRACE_MILLIS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closing) {
            relayed.forEach(Connection::close);
        }
    }

    /** @param upgraded told, on a transport thread, of each peer whose relayed connection a direct one replaced */
    void onUpgrade(Consumer<PeerId> upgraded) {
        this.upgraded = java.util.Objects.requireNonNull(upgraded, "upgraded");
    }

    /** @return the peers whose open connections all go through a relay; never null */
    List<PeerId> relayedOnly() {
        List<PeerId> relayed = new ArrayList<>();
        for (Link link : links.values()) {
            synchronized (link) {
                LinkOutbox open = link.open();
                if (open != null && open.connection().relayedVia().isPresent()) {
                    relayed.add(link.peer);
                }
            }
        }
        return relayed;
    }

    /**
     * Sends a connection-level frame (not a topic's) over the peer's open connection, without dialling.
     *
     * @return false if there is no open connection to {@code peer}
     */
    boolean sendIfOpen(PeerId peer, ByteBuffer frame) {
        Link link = links.get(peer);
        if (link == null) {
            return false;
        }
        LinkOutbox open;
        synchronized (link) {
            open = link.open();
        }
        if (open == null) {
            return false;
        }
        open.offer(frame);
        return true;
    }

    /**
     * Dials {@code peer} at every given route at once (a hole punch: the packets must leave now, not staggered), for
     * the direct connection upgrade. The first connection joins the peer's link (and retires its relayed one); later
     * ones are closed.
     *
     * @param routes not null; the punching transport's routes to the peer's addresses
     * @return completes with whether a connection opened; never fails; never null
     */
    CompletableFuture<Boolean> dialDirect(PeerId peer, List<Transports.Route> routes) {
        if (routes.isEmpty() || barred.test(peer)) {
            return CompletableFuture.completedFuture(false);
        }
        CompletableFuture<Boolean> outcome = new CompletableFuture<>();
        java.util.concurrent.atomic.AtomicInteger left = new java.util.concurrent.atomic.AtomicInteger(routes.size());
        for (Transports.Route route : routes) {
            TransportMeters.PerTransport counted = meters.of(route.transport().id());
            CompletableFuture<Connection> attempt;
            try {
                attempt = route.transport().connect(peer, route.address(), listener(counted));
            } catch (RuntimeException e) {
                attempt = CompletableFuture.failedFuture(e);
            }
            attempt.whenComplete((connection, error) -> {
                if (error != null) {
                    counted.failed(error);
                    LOG.debug("direct dial to {} at {} failed: {}", peer.shortText(), route.address(),
                            error.getMessage());
                    if (left.decrementAndGet() == 0) {
                        outcome.complete(false);
                    }
                    return;
                }
                counted.openedOut.increment();
                left.decrementAndGet();
                if (!outcome.complete(true)) {
                    connection.close(); // another route won
                    return;
                }
                TIMELINE.debug("direct dial to {} succeeded over {}", peer.shortText(), route.address());
                punchOutcome(peer, true);
                Link link = links.computeIfAbsent(peer, Link::new);
                LinkOutbox outbox = outbox(connection);
                List<Connection> retired = List.of();
                boolean held;
                synchronized (link) {
                    held = connection.isOpen();
                    if (held) {
                        link.connections.add(outbox);
                        links.putIfAbsent(peer, link);
                        retired = link.retireRelayed();
                    }
                }
                if (!held) {
                    closedBeforeHeld(connection);
                    return;
                }
                retire(peer, retired, true);
            });
        }
        return outcome;
    }

    private ConnectionListener listener(TransportMeters.PerTransport counted) {
        return new ConnectionListener() {
            @Override
            public void onFrame(Connection connection, ByteBuffer frame) {
                counted.bytesIn.increment(frame.remaining());
                PeerLinks.this.onFrame.accept(connection, frame);
            }

            @Override
            public void onClosed(Connection connection, Throwable cause) {
                counted.closed.increment();
                closed(connection, cause);
            }
        };
    }

    private void closed(Connection connection, Throwable cause) {
        PeerId peer = connection.remote();
        Link link = links.get(peer);
        if (link == null) {
            return;
        }
        boolean lost;
        synchronized (link) {
            link.remove(connection);
            lost = link.open() == null && !link.dialing;
            if (lost) {
                links.remove(peer, link);
            }
            if (lost && link.closingAll) {
                return;
            }
        }
        if (lost) {
            LOG.debug("connection to {} closed{}", peer.shortText(), cause == null ? "" : ": " + cause.getMessage());
            onLost.accept(peer, false);
        }
    }

    /**
     * Closes connections that no topic holds and that carried nothing for {@code idleMillis}. Each close is reported
     * as any closed connection (not a failed dial), and only a topic that holds the peer acts on that: none, unless
     * one took the peer while the sweep was closing (its ACCEPT already on the way), and that one must hear of it.
     */
    void closeIdle(Predicate<PeerId> held, long idleMillis) {
        long now = clock.getAsLong();
        for (Link link : links.values()) {
            List<Connection> toClose;
            synchronized (link) {
                if (link.dialing || held.test(link.peer) || now - link.lastUsed < idleMillis) {
                    continue;
                }
                toClose = link.connectionList();
            }
            toClose.forEach(Connection::close);
        }
    }

    /**
     * Reports a dial that has no connection {@link #ASK_AFTER_MILLIS} (and {@link #ASK_AGAIN_MILLIS}) after it started (issue 15: a connection
     * request through a neighbour may make the peer dial us back).
     */
    private void armUnanswered(Link link, PeerInfo to) {
        Runnable check = () -> {
            synchronized (link) {
                if (!link.dialing || link.open() != null) {
                    return;
                }
            }
            unanswered.test(to);
        };
        try {
            timers.schedule(check, ASK_AFTER_MILLIS, TimeUnit.MILLISECONDS);
            timers.schedule(check, ASK_AGAIN_MILLIS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closing) {
            // the node is closing: nobody to ask
        }
    }

    /**
     * @param unanswered told of a peer whose dial has had no connection for {@link #ASK_AFTER_MILLIS} or failed, on a
     *     timer or transport thread; answers whether it asked for a dial back (a failed dial then waits
     *     {@link #REVERSE_WAIT_MILLIS} for it); must not block; not null
     */
    void onUnanswered(Predicate<PeerInfo> unanswered) {
        this.unanswered = java.util.Objects.requireNonNull(unanswered, "unanswered");
    }

    /**
     * Dials {@code to} at once, with nothing to send yet, unless a connection is open or a dial is under way (issue
     * 15: the dial back a connection request asks for, whose packets must leave while the requester's dial still
     * holds its NAT open). A dial waiting for its punch slot is cancelled and replaced: the request is the signal
     * the slot stood in for. A dial back that goes unanswered is not itself reported unanswered (no request loops).
     *
     * @return whether a dial was started
     */
    boolean dialNow(PeerInfo to) {
        if (barred.test(to.id())) {
            return false;
        }
        Link link = links.computeIfAbsent(to.id(), Link::new);
        synchronized (link) {
            link.lastUsed = clock.getAsLong();
            if (link.open() != null || (link.dialing && link.slotDial == null)) {
                return false;
            }
            if (link.slotDial != null) {
                link.slotDial.cancel(false);
                link.slotDial = null;
            }
            link.dialing = true;
        }
        dial(link, to, false);
        return true;
    }

    /** @param seen told of every peer {@link #send} is asked to reach (for the relay transport's candidates); not null */
    void onSend(Consumer<PeerInfo> seen) {
        this.seen = java.util.Objects.requireNonNull(seen, "seen");
    }

    /** @return the open connection to {@code peer}, or null if there is none */
    Connection openConnection(PeerId peer) {
        Link link = links.get(peer);
        if (link == null) {
            return null;
        }
        synchronized (link) {
            LinkOutbox open = link.open();
            return open == null ? null : open.connection();
        }
    }

    /** @param barred peers {@link #send} neither dials nor sends to, from now on; not null, called on any thread */
    void bar(Predicate<PeerId> barred) {
        this.barred = java.util.Objects.requireNonNull(barred, "barred");
    }

    /** Closes every connection to {@code peer}; the topics are told it was lost when the last one closes. */
    void closePeer(PeerId peer) {
        Link link = links.get(peer);
        if (link == null) {
            return;
        }
        List<Connection> all;
        synchronized (link) {
            all = link.connectionList();
        }
        all.forEach(Connection::close);
    }

    /** @return whether {@code peer} has an open connection now */
    boolean isConnected(PeerId peer) {
        Link link = links.get(peer);
        if (link == null) {
            return false;
        }
        synchronized (link) {
            return link.open() != null;
        }
    }

    /** @return the number of peers with an open connection */
    int openCount() {
        int count = 0;
        for (Link link : links.values()) {
            synchronized (link) {
                if (link.open() != null) {
                    count++;
                }
            }
        }
        return count;
    }

    /** Closes every connection. */
    void closeAll(Consumer<Connection> closer) {
        for (Link link : links.values()) {
            List<Connection> all;
            synchronized (link) {
                link.closingAll = true;
                all = link.connectionList();
            }
            all.forEach(closer);
        }
    }
}
