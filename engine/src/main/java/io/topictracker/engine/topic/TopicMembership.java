package io.topictracker.engine.topic;

import io.topictracker.api.PeerId;
import io.topictracker.api.PeerInfo;
import io.topictracker.api.TopicId;
import io.topictracker.api.dht.Dht;
import io.topictracker.api.signing.SigningKeyPair;
import io.topictracker.api.signing.SigningProvider;
import io.topictracker.engine.config.NodeConfig;
import io.topictracker.engine.gossip.GossipEvent;
import io.topictracker.engine.gossip.net.FirstContact;
import io.topictracker.engine.gossip.net.GossipDriver;
import io.topictracker.engine.gossip.net.GossipNode;
import io.topictracker.engine.gossip.net.PeerMaps;
import io.topictracker.engine.records.Record;
import io.topictracker.engine.records.RecordContent;
import io.topictracker.engine.records.RecordPublisher;
import io.topictracker.engine.records.RecordSealer;
import io.topictracker.engine.records.SecretRotation;
import io.topictracker.engine.records.SlotDerivation;
import io.topictracker.engine.records.SlotRecords;
import io.topictracker.engine.records.TopicKeys;
import io.topictracker.engine.time.UnixMinute;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything one joined topic runs: its gossip handle, its record publisher, the bootstrap thread and, once joined,
 * the {@link Maintenance} workers. Created and started by the node; {@link #close()} stops all of it.
 *
 * <p>Threading: gossip events arrive on the topic's serial executor; the bootstrap loop runs on its own thread
 * (named {@code tt-node-...-bootstrap}) because it blocks between steps; workers run on the node's scheduler and
 * never block it. Thread-safe.
 *
 * <p>Size: a little over 400 lines on purpose: it owns one lifecycle (start, join, close) of parts whose logic lives
 * elsewhere ({@link Bootstrap}, {@link Maintenance}, the record publisher, the gossip driver); splitting the wiring
 * would spread that one lifecycle over several classes.
 */
public final class TopicMembership implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TopicMembership.class);
    /** Neighbour changes as they happen, for diagnosing joins. */
    private static final Logger TIMELINE = LoggerFactory.getLogger("io.topictracker.timeline.topic");
    /** Bound on reading the active view from the topic's executor. */
    private static final long QUERY_SECONDS = 5;
    /** Bound on waiting for a DHT lookup, past its own {@code get_timeout}: only a provider ignoring it meets this. */
    private static final java.time.Duration LOOKUP_BOUND = java.time.Duration.ofMinutes(10);

    /** The node's parts a topic uses; none null. */
    public record Parts(NodeConfig config, SigningKeyPair identity, SigningProvider signing, GossipNode gossip,
            Dht dht, ScheduledExecutorService scheduler, Clock clock, Random random, String threadPrefix,
            TopicMeters meters) {
        /** Parts that count nothing ({@link TopicMeters#NONE}). */
        public Parts(NodeConfig config, SigningKeyPair identity, SigningProvider signing, GossipNode gossip,
                Dht dht, ScheduledExecutorService scheduler, Clock clock, Random random, String threadPrefix) {
            this(config, identity, signing, gossip, dht, scheduler, clock, random, threadPrefix, TopicMeters.NONE);
        }

        public Parts {
            Objects.requireNonNull(config, "config");
            Objects.requireNonNull(identity, "identity");
            Objects.requireNonNull(signing, "signing");
            Objects.requireNonNull(gossip, "gossip");
            Objects.requireNonNull(dht, "dht");
            Objects.requireNonNull(scheduler, "scheduler");
            Objects.requireNonNull(clock, "clock");
            Objects.requireNonNull(random, "random");
            Objects.requireNonNull(threadPrefix, "threadPrefix");
            Objects.requireNonNull(meters, "meters");
        }
    }

    /** What the application hears of a topic. Called on the topic's executor or the node's scheduler; must not block. */
    @FunctionalInterface
    public interface Listener {
        /** @param event a gossip event, not null */
        void gossip(GossipEvent event);

        /** The topic lost its last neighbour and bootstraps again ({@code [bootstrap] rejoin}). */
        default void rejoining() {
        }

        /** After {@link #rejoining()}, the topic has a neighbour again. */
        default void rejoined() {
        }
    }

    private final Parts parts;
    private final TopicId topic;
    private final byte[] secretHash;
    private final Listener listener;
    private final RejoinBackoff backoff;
    /** A rejoin is scheduled or under way (until the next neighbour); guarded by {@code this}. */
    private boolean rejoining;
    private ScheduledFuture<?> rejoinTimer;
    private final Set<PeerId> neighbors = ConcurrentHashMap.newKeySet();
    private final MessageHashes hashes = new MessageHashes();
    private final JoinSignal signal = new JoinSignal();
    private final JoinLog joinLog = new JoinLog();
    private final RequestedPeers requestedPeers = new RequestedPeers();
    /**
     * How long after our first Join to a peer, still without any neighbour, the bootstrap's next Join to it also asks
     * it to dial us: a dial's handshake timeout, so only a Join that has had time to fail asks.
     */
    static final long UNANSWERED_JOIN_MILLIS = 10_000;
    /** Peer to when (the parts' clock) the bootstrap first joined it; the newest 256. Guarded by itself. */
    private final Map<PeerId, Long> joinedAlone = PeerMaps.newest(256);
    /** When we started in the topic (Unix ms, the parts' clock), what our records say as since; 0 until then. */
    private final java.util.concurrent.atomic.AtomicLong sinceMillis = new java.util.concurrent.atomic.AtomicLong();
    /**
     * Publisher to the since instant its newest record read says, while that record names no neighbours; the newest
     * 1024 publishers. Guarded by itself.
     */
    private final Map<PeerId, Long> theirSince = PeerMaps.newest(1024);
    private final CompletableFuture<Void> joined = new CompletableFuture<>();
    private final Set<CompletableFuture<?>> inFlight = ConcurrentHashMap.newKeySet();
    private final TopicMeters meters;
    /** The publisher's refused-record count as already added to the meter. */
    private final java.util.concurrent.atomic.AtomicLong refusedCounted = new java.util.concurrent.atomic.AtomicLong();
    private volatile long startedNanos;
    private volatile GossipDriver gossip;
    private volatile RecordPublisher publisher;
    /** The addresses in the last record we built for a publish; null before the first. */
    private volatile List<io.topictracker.api.PeerAddress> lastPublishedAddresses;
    private volatile Thread bootstrapThread;
    private volatile Maintenance maintenance;
    private volatile boolean closed;

    /**
     * @param parts the node's parts, not null
     * @param topic not null
     * @param secret the topic secret, not null; only its hash is kept (SHA-512 prefix, {@code initial_secret_hash})
     * @param listener gets every gossip event and the rejoins; must not block; not null
     */
    public TopicMembership(Parts parts, TopicId topic, byte[] secret, Listener listener) {
        this.parts = Objects.requireNonNull(parts, "parts");
        this.topic = Objects.requireNonNull(topic, "topic");
        this.secretHash = SlotDerivation.initialSecretHash(Objects.requireNonNull(secret, "secret"));
        this.listener = Objects.requireNonNull(listener, "listener");
        this.meters = parts.meters();
        this.backoff = new RejoinBackoff(parts.config().bootstrap().rejoinDelay(),
                parts.config().bootstrap().rejoinMaxDelay());
    }

    /**
     * Joins the gossip topic (no peers yet) and starts the bootstrap thread.
     *
     * @throws IllegalStateException if the node already has this topic or is closed
     */
    public void start() {
        NodeConfig config = parts.config();
        TopicKeys keys = new TopicKeys(topic, secretHash, SecretRotation.standard(), parts.signing());
        RecordPublisher.Settings settings = new RecordPublisher.Settings(config.dhtCalls().retries(),
                config.dhtCalls().baseRetryInterval(), config.dhtCalls().maxRetryJitter(), config.dhtCalls().getTimeout(),
                config.dhtCalls().putTimeout(), Math.max(1, config.bootstrap().maxBootstrapRecords()));
        publisher = new RecordPublisher(parts.dht(), keys, parts.identity().peerId(), settings, parts.scheduler(),
                parts.random(), new RecordSealer(new SecureRandom()));
        gossip = parts.gossip().join(topic, secretHash, List.of(), this::onEvent);
        startedNanos = System.nanoTime();
        // Before any lookup: a Join to a fresh peer needs it (PROTOCOL.md §8), and the first may come before our first
        // record is built (the startup publish is not waited for).
        sinceMillis.set(Math.max(1, parts.clock().millis()));
        joined.thenRun(this::startMaintenance);
        Thread thread = new Thread(this::bootstrap, parts.threadPrefix() + "bootstrap-" + topic.toString()
                .substring(0, 8));
        thread.setDaemon(true);
        bootstrapThread = thread;
        thread.start();
    }

    /** The last neighbour went: bootstrap again after the backoff, unless closed or rejoining is off. */
    private synchronized void scheduleRejoin() {
        if (closed || rejoining || !joined.isDone() || joined.isCompletedExceptionally()
                || !parts.config().bootstrap().rejoin()) {
            return;
        }
        rejoining = true;
        java.time.Duration delay = backoff.lost(System.nanoTime());
        LOG.debug("topic {}: lost its last neighbour; bootstrapping again in {} ms", topic, delay.toMillis());
        try {
            rejoinTimer = parts.scheduler().schedule(this::rejoin, delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException nodeClosing) {
            rejoining = false;
        }
    }

    private synchronized void rejoin() {
        if (closed || !rejoining || signal.joined()) {
            return; // closed, or a neighbour came back by itself (it dialled us): nothing to do
        }
        listener.rejoining();
        Thread running = bootstrapThread;
        if (running != null && running.isAlive()) {
            return; // the first bootstrap has not noticed it was joined: it carries on looking
        }
        Thread thread = new Thread(this::bootstrap, parts.threadPrefix() + "rejoin-" + topic.toString()
                .substring(0, 8));
        thread.setDaemon(true);
        bootstrapThread = thread;
        thread.start();
    }

    /** A neighbour is up while rejoining: the rejoin is over. */
    private synchronized void rejoinedIfRejoining() {
        if (!rejoining) {
            return;
        }
        rejoining = false;
        if (rejoinTimer != null) {
            rejoinTimer.cancel(false);
        }
        backoff.rejoined(System.nanoTime());
        listener.rejoined();
    }

    private void onEvent(GossipEvent event) {
        if (event instanceof GossipEvent.NeighborUp up) {
            TIMELINE.debug("neighbour up {}", up.peer().shortText());
            boolean first = neighbors.isEmpty();
            neighbors.add(up.peer());
            signal.up();
            if (joined.complete(null)) {
                LOG.debug("topic {}: joined, first neighbour {}", topic, up.peer().shortText());
                meters.joined.increment();
                meters.timeToJoin.record(System.nanoTime() - startedNanos);
            } else if (first) {
                meters.rejoins.increment(); // had lost every neighbour, and has one again
                rejoinedIfRejoining();
            }
        } else if (event instanceof GossipEvent.NeighborDown down) {
            TIMELINE.debug("neighbour down {}", down.peer().shortText());
            neighbors.remove(down.peer());
            signal.down();
            if (neighbors.isEmpty()) {
                scheduleRejoin();
            }
        } else if (event instanceof GossipEvent.Received received) {
            hashes.add(received.payload());
        }
        listener.gossip(event);
    }

    private void bootstrap() {
        TIMELINE.debug("bootstrap started");
        try {
            Bootstrap.Trace trace = new Bootstrap(parts.config().bootstrap(), parts.identity().peerId(), new Io(),
                    parts.random()).run();
            LOG.debug("topic {} bootstrap ended after {} rounds, {} publishes, {} joins sent", topic,
                    trace.rounds(), trace.publishes(), trace.joinsSent().size());
        } catch (InterruptedException e) {
            LOG.debug("topic {} bootstrap interrupted", topic);
        } catch (RuntimeException e) {
            LOG.warn("topic {} bootstrap failed", topic, e);
            joined.completeExceptionally(e);
            cancelInFlight();
        }
        // A publish the loop started goes on after it ended, as the crate's spawned publish does; close cancels it.
    }

    private void startMaintenance() {
        if (closed) {
            return;
        }
        Maintenance workers = new Maintenance(parts.config(), parts.scheduler(), parts.random(), this);
        maintenance = workers;
        try {
            workers.start();
        } catch (RuntimeException e) {
            // The crate's fail_topic_creation_on_*_startup_failure: we start the workers once joined, so "fail the
            // topic" means closing it; otherwise the topic carries on without them.
            LOG.warn("topic {}: workers could not start", topic, e);
            if (workers.failTopicOnStartupFailure()) {
                close();
                return;
            }
        }
        if (closed) {
            workers.close();
        }
    }

    // ---- what the workers and the bootstrap share ----

    long minute() {
        return UnixMinute.now(parts.clock());
    }

    PeerId self() {
        return parts.identity().peerId();
    }

    /** Fetches one minute's records of other publishers, tracking the lookup so a close cancels it. */
    CompletableFuture<List<Record>> records(long minute) {
        return slot(minute).thenApply(SlotRecords::others);
    }

    /** Fetches one minute's slot (others' records, and whether ours is there), tracked so a close cancels it. */
    CompletableFuture<SlotRecords> slot(long minute) {
        return slot(minute, record -> { });
    }

    /**
     * As {@link #slot(long)}, handing each other publisher's record to {@code onArrival} as it arrives (see
     * {@link RecordPublisher#slot(long, java.util.function.Consumer)}).
     */
    CompletableFuture<SlotRecords> slot(long minute, java.util.function.Consumer<Record> onArrival) {
        CompletableFuture<SlotRecords> lookup = publisher.slot(minute, record -> {
            noteSince(List.of(record)); // before the bootstrap's early Join to its publisher
            onArrival.accept(record);
        });
        track(lookup);
        meters.lookups.increment();
        lookup.thenAccept(found -> {
            meters.recordsFound.increment(found.others().size());
            noteSince(found.others()); // the records that came from the cache, without an arrival
            long refused = publisher.rejectedCount();
            long counted = refusedCounted.getAndAccumulate(refused, Math::max);
            if (refused > counted) {
                meters.recordsRefused.increment(refused - counted);
            }
        });
        return lookup.exceptionally(failure -> {
            LOG.debug("topic {}: lookup of minute {} failed: {}", topic, minute, failure.toString());
            return SlotRecords.ofOthers(List.of());
        });
    }

    /**
     * Builds our record for {@code minute} (addresses, up to 5 neighbours, 5 last hashes) and publishes it, rate
     * limited by {@code cached}, the last lookup of that minute's slot.
     */
    CompletableFuture<RecordPublisher.Outcome> publish(long minute, SlotRecords cached) {
        return gossip.neighborInfos().thenCompose(peers -> {
            PeerInfo me = parts.gossip().self();
            lastPublishedAddresses = me.addresses();
            LOG.debug("topic {}: publishing for minute {} at {}", topic, minute, me.addresses());
            long now = parts.clock().millis();
            List<PeerId> requests = requestedPeers.standing(neighbors(), now);
            sinceMillis.compareAndSet(RecordContent.SINCE_UNKNOWN, Math.max(1, now)); // publish() without start()
            Record record = Record.sign(topic, minute, parts.identity(),
                    RecordContent.fitting(me.addresses(), peers, hashes.snapshot(), requests, sinceMillis.get()));
            CompletableFuture<RecordPublisher.Outcome> put = publisher.publish(record, cached);
            track(put);
            put.whenComplete((outcome, failure) -> {
                if (outcome != null) {
                    meters.published(outcome).increment();
                } else if (!(failure instanceof CancellationException)) {
                    meters.publishFailed.increment();
                }
            });
            return put;
        });
    }

    /**
     * Asks these peers, through our next records, to dial us (PROTOCOL.md §11): for a peer our own dial may not reach
     * (behind a NAT that drops what it did not ask for) when no neighbour of ours can pass a request on (§10).
     *
     * @param peers not null; only the newest {@link RecordContent#MAX_CONNECT_REQUESTS} requests stand
     */
    void askToConnect(List<PeerInfo> peers) {
        requestedPeers.ask(peers.stream().map(PeerInfo::id).toList(), parts.clock().millis());
    }

    /**
     * Answers the connection requests in a slot we read (PROTOCOL.md §11): Joins the publishers whose records ask us
     * to dial them and are not our neighbours yet, at most {@link RecordContent#MAX_CONNECT_REQUESTS} a call.
     *
     * @param slot a slot as read, not null
     * @return completes when the Joins are handed to the topic's gossip; never null
     */
    CompletableFuture<Void> answerConnectRequests(SlotRecords slot) {
        List<PeerInfo> requesters = Candidates.requesters(slot.others(), self(), neighbors(),
                RecordContent.MAX_CONNECT_REQUESTS);
        if (!requesters.isEmpty()) {
            LOG.debug("topic {}: dialling {} as their records ask", topic,
                    requesters.stream().map(p -> p.id().shortText()).toList());
        }
        return joinPeers(requesters, JoinLog.Source.CONNECT_REQUEST);
    }

    /**
     * Sends a Join to each peer, noting who asked in the {@link #joinLog()}.
     *
     * @return completes when the Joins are handed to the topic's gossip; never null
     */
    public CompletableFuture<Void> joinPeers(List<PeerInfo> peers, JoinLog.Source source) {
        if (peers.isEmpty() || closed) {
            return CompletableFuture.completedFuture(null);
        }
        long ours = sinceMillis.get();
        boolean alone = neighbors.isEmpty();
        for (PeerInfo peer : peers) {
            joinLog.add(peer.id(), source);
            Long theirs;
            synchronized (theirSince) {
                theirs = theirSince.get(peer.id());
            }
            if (alone && ours != RecordContent.SINCE_UNKNOWN && theirs != null) {
                parts.gossip().meetingFresh(peer, ours, theirs);
            }
        }
        meters.joinSent(source).increment(peers.size());
        // A bootstrap Join is for a node alone: one that waited behind a slow dial while another contact accepted us
        // would only start walks for a member. Every other source joins as a member on purpose (merges, requests).
        return gossip.joinPeers(peers, source == JoinLog.Source.BOOTSTRAP);
    }

    /**
     * Notes the since instants of the records read whose publishers had no neighbours: peers still bootstrapping,
     * which read the slot every few seconds and so will know of us by a first-contact instant (PROTOCOL.md §8); a
     * publisher with neighbours is forgotten (it reads the slot once a minute or less, and its neighbours can pass a
     * connection request on, §10).
     */
    private void noteSince(List<Record> records) {
        synchronized (theirSince) {
            for (Record record : records) {
                long since = record.content().sinceMillis();
                theirSince.remove(record.publisher());
                if (since != RecordContent.SINCE_UNKNOWN && record.content().activePeers().isEmpty()) {
                    theirSince.put(record.publisher(), since);
                }
            }
        }
    }

    private void track(CompletableFuture<?> future) {
        inFlight.add(future);
        future.whenComplete((v, e) -> inFlight.remove(future));
        if (closed) {
            future.cancel(true);
        }
    }

    private void cancelInFlight() {
        for (CompletableFuture<?> future : List.copyOf(inFlight)) {
            future.cancel(true);
        }
    }

    // ---- public view ----

    /** @return the topic id, never null */
    public TopicId topic() {
        return topic;
    }

    /** @return completes at the first neighbour; fails with {@link CancellationException} if closed before */
    public CompletableFuture<Void> joined() {
        return joined;
    }

    /** @return the current neighbours, a snapshot; never null */
    public Set<PeerId> neighbors() {
        return Set.copyOf(neighbors);
    }

    /** @return the neighbour count, without copying */
    int neighborCount() {
        return neighbors.size();
    }

    /** @return our last message hashes, newest first; never null */
    public MessageHashes hashes() {
        return hashes;
    }

    /** @return the gossip handle, never null once started */
    public GossipDriver gossip() {
        return gossip;
    }

    /** @return the newest Joins this topic sent and who asked for each; never null */
    public JoinLog joinLog() {
        return joinLog;
    }

    /** @return the record publisher's counters, for tests and metrics; never null once started */
    public RecordPublisher.Stats recordStats() {
        return publisher.stats();
    }

    /**
     * Stops the bootstrap (waiting up to a second for its thread), the workers and every lookup or put in flight,
     * and leaves the gossip topic. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        signal.cancel();
        synchronized (this) {
            if (rejoinTimer != null) {
                rejoinTimer.cancel(false);
            }
        }
        Thread thread = bootstrapThread;
        if (thread != null) {
            thread.interrupt();
        }
        Maintenance workers = maintenance;
        if (workers != null) {
            workers.close();
        }
        cancelInFlight();
        joined.completeExceptionally(new CancellationException("topic closed before it had a neighbour"));
        GossipDriver handle = gossip;
        if (handle != null) {
            handle.close();
        }
        if (thread != null && thread != Thread.currentThread()) {
            try {
                thread.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The bootstrap's IO, blocking on the bootstrap thread. */
    private final class Io implements Bootstrap.Env {
        /**
         * The minutes whose last lookup found our own record. {@link Bootstrap} caches other publishers' records
         * only; this keeps the rest of what the lookup said, so its publishes obey the same rate limit as the
         * publisher worker's. Used on the bootstrap thread only.
         */
        private final Set<Long> holdingOurs = new HashSet<>();
        /**
         * When (System.nanoTime) a publish of ours for each minute was last stored; written on DHT threads, read on
         * the bootstrap thread.
         */
        private final Map<Long, Long> storedAt = new java.util.concurrent.ConcurrentHashMap<>();
        /**
         * The minutes whose last fetch began after our record for them was stored and did not find it
         * ({@link Bootstrap.Env#ourRecordMissing}). Used on the bootstrap thread only.
         */
        private final Set<Long> missingOurs = new HashSet<>();

        @Override
        public boolean joined() {
            return signal.joined();
        }

        @Override
        public boolean cancelled() {
            return signal.cancelled();
        }

        @Override
        public long minute() {
            return TopicMembership.this.minute();
        }

        @Override
        public Bootstrap.Fetch fetch(long... minutes) {
            TIMELINE.debug("lookup of minutes {}", Arrays.toString(minutes));
            return new SlotFetch(minutes);
        }

        /**
         * The lookups of one round: records queue up as they arrive (on DHT threads) and the bootstrap thread takes
         * them; {@link JoinSignal#wake} tells a waiting bootstrap thread of each arrival and of each lookup's end.
         */
        private final class SlotFetch implements Bootstrap.Fetch {
            private final long[] minutes;
            private final long startedNanos = System.nanoTime();
            private final List<CompletableFuture<SlotRecords>> lookups = new ArrayList<>();
            /** Arrived, not yet taken; guarded by {@code this}. */
            private final List<Record> pending = new ArrayList<>();

            SlotFetch(long[] minutes) {
                this.minutes = minutes.clone();
                for (long m : minutes) {
                    CompletableFuture<SlotRecords> lookup = slot(m, this::onArrival);
                    lookups.add(lookup);
                    lookup.whenComplete((found, failure) -> signal.wake());
                }
            }

            private void onArrival(Record record) {
                TIMELINE.debug("record of {} arrived", record.publisher().shortText());
                synchronized (this) {
                    pending.add(record);
                }
                signal.wake();
            }

            private synchronized boolean hasPending() {
                return !pending.isEmpty();
            }

            private boolean ended() {
                return lookups.stream().allMatch(CompletableFuture::isDone);
            }

            @Override
            public List<Record> arrived() throws InterruptedException {
                // The DHT calls carry their own timeouts (get_timeout); this only bounds a provider that ignores them.
                signal.awaitUntil(() -> hasPending() || ended(), LOOKUP_BOUND);
                synchronized (this) {
                    List<Record> taken = List.copyOf(pending);
                    pending.clear();
                    return taken;
                }
            }

            @Override
            public Map<Long, List<Record>> all() throws InterruptedException {
                Map<Long, List<Record>> result = new LinkedHashMap<>();
                for (int i = 0; i < minutes.length; i++) {
                    SlotRecords found = get(lookups.get(i), SlotRecords.ofOthers(List.of()));
                    result.put(minutes[i], found.others());
                    if (found.holdsOurs()) {
                        holdingOurs.add(minutes[i]);
                    } else {
                        holdingOurs.remove(minutes[i]);
                    }
                    Long stored = storedAt.get(minutes[i]);
                    if (!found.holdsOurs() && stored != null && stored - startedNanos < 0) {
                        // a failed lookup reads as an empty slot too: a republish, bounded by the Bootstrap
                        missingOurs.add(minutes[i]);
                    } else {
                        missingOurs.remove(minutes[i]);
                    }
                }
                holdingOurs.removeIf(m -> m < minutes[0] - 2); // only recent slots are ever published to
                missingOurs.removeIf(m -> m < minutes[0] - 2);
                storedAt.keySet().removeIf(m -> m < minutes[0] - 2);
                LOG.debug("topic {}: records of minutes {}: {}", topic, Arrays.toString(minutes), result.values()
                        .stream().mapToInt(List::size).sum());
                return result;
            }
        }

        @Override
        public void publish(long minute, List<Record> cached) {
            SlotRecords slot = new SlotRecords(cached, holdingOurs.contains(minute));
            logOutcome(minute, TopicMembership.this.publish(minute, slot));
        }

        @Override
        public boolean ownAddressesChanged() {
            List<io.topictracker.api.PeerAddress> published = lastPublishedAddresses;
            return published != null && !published.equals(parts.gossip().self().addresses());
        }

        @Override
        public void fetchAndPublish(long minute) {
            logOutcome(minute, slot(minute).thenCompose(found -> TopicMembership.this.publish(minute, found)));
        }

        private void logOutcome(long minute, CompletableFuture<RecordPublisher.Outcome> publish) {
            publish.whenComplete((outcome, failure) -> {
                if (outcome == RecordPublisher.Outcome.PUBLISHED) {
                    storedAt.put(minute, System.nanoTime());
                }
                LOG.debug("topic {}: publish for minute {}: {}", topic, minute,
                        failure != null ? failure.toString() : outcome);
            });
        }

        @Override
        public boolean ourRecordMissing(long minute) {
            return missingOurs.contains(minute);
        }

        @Override
        public void joinPeer(PeerInfo peer) {
            LOG.debug("topic {}: joining {} at {}", topic, peer.id().shortText(), peer.addresses());
            if (neighbors.isEmpty()) {
                long now = parts.clock().millis();
                Long first;
                synchronized (joinedAlone) {
                    first = joinedAlone.putIfAbsent(peer.id(), now);
                }
                if (first != null && now - first >= UNANSWERED_JOIN_MILLIS) {
                    // Still alone long after a Join to this peer: a NAT may drop our dials, and no neighbour can
                    // pass a request on (§10). Our records ask it to dial us (§11), even in a full slot.
                    askToConnect(List.of(peer));
                }
            }
            joinPeers(List.of(peer), JoinLog.Source.BOOTSTRAP);
        }

        @Override
        public boolean firstContactWindow() {
            long since = sinceMillis.get();
            return since != RecordContent.SINCE_UNKNOWN
                    && parts.clock().millis() - since < FirstContact.WINDOW_MILLIS;
        }

        @Override
        public void await(java.time.Duration duration) throws InterruptedException {
            signal.await(duration);
        }

        private <T> T get(CompletableFuture<T> future, T fallback) throws InterruptedException {
            try {
                // The DHT calls carry their own timeouts (get_timeout, put_timeout x retries); this only bounds a
                // provider that ignores them.
                return future.get(LOOKUP_BOUND.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException | CancellationException | TimeoutException e) {
                LOG.debug("topic {}: {}", topic, e.toString());
                return fallback;
            } catch (InterruptedException e) {
                future.cancel(true);
                throw e;
            }
        }
    }
}
