package io.topictracker.engine.gossip.proto;

import io.topictracker.api.PeerId;
import io.topictracker.api.PeerInfo;
import io.topictracker.engine.gossip.GossipEvent;
import io.topictracker.api.MessageTooLargeException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * PlumTree broadcast (Leitão, Pereira, Rodrigues, "Epidemic Broadcast Trees", SRDS 2007): payloads go eagerly along a
 * spanning tree of the active view and ids lazily (IHave) along the other links; duplicates prune links (§3.5),
 * missing announced messages graft them back (§3.6), and a much shorter lazy path replaces an eager one (§3.8).
 *
 * <p>Our additions: the message id covers author and sequence number (so a repeated payload is delivered again); the
 * author's signature is checked before delivery; an over-size broadcast is refused to the caller; a link that carries
 * another author's messages is spared one duplicate before it is pruned ({@link PruneGrace}). The received-id
 * set, the payload cache, the missing-message table and the per-peer IHave queues are all bounded.
 *
 * <p>Pure: no threads, no clock, no IO; not thread-safe (driven on the topic's executor).
 */
final class PlumTree implements HyParView.Listener {
    /** The most announcers remembered per missing message. */
    static final int MAX_ANNOUNCERS = 16;

    /** The most grafted messages remembered to measure how late their eager copy came after all. */
    static final int MAX_GRAFTED_REMEMBERED = 1024;

    private record Announce(PeerId peer, int round) {}

    /** A message announced but not yet received: when it was first announced, and by whom (oldest first). */
    private record Missing(long since, ArrayDeque<Announce> announcers) {}

    /** Field-less messages and timers are immutable: one instance serves every send. */
    private static final Message.Prune PRUNE = new Message.Prune();
    private static final Timer.DispatchLazy DISPATCH_LAZY = new Timer.DispatchLazy();
    private static final Timer.EvictCaches EVICT_CACHES = new Timer.EvictCaches();

    private final Env env;
    private final BroadcastAuth auth;
    private final Function<PeerId, PeerInfo> activeInfo;
    private final Set<PeerId> eager = new LinkedHashSet<>();
    private final Set<PeerId> lazy = new LinkedHashSet<>();
    /** Delivered ids (message_id_retention) and the payloads to answer Grafts (message_cache_retention). */
    private final MessageLog received;
    /** Announced but not yet received (§3.6 "missing"). */
    private final Map<MessageId, Missing> missing = new LinkedHashMap<>();
    /** The ids in {@link #missing} we sent a Graft for: a subset of its keys, so bounded by it. */
    private final Set<MessageId> grafted = new HashSet<>();
    /**
     * Messages a Graft fetched, with when they were first announced, until their late eager copy comes (it measures how
     * late eager copies are): at most {@link #MAX_GRAFTED_REMEMBERED}, the oldest forgotten first.
     */
    private final Map<MessageId, Long> graftedSince = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<MessageId, Long> eldest) {
            return size() > MAX_GRAFTED_REMEMBERED;
        }
    };
    /** The wait before grafting, learnt from how late eager copies come after their announcement. */
    private final GraftTimeout graftTimeout;
    private final Map<PeerId, List<Message.IHaveEntry>> lazyQueue = new LinkedHashMap<>();
    /** Hops from the author within which a message is pushed to every active peer: see {@link #zonePush}. */
    private final int floodRounds;
    /** Per author, the peers that told us they get that author's near-author copies by a faster path. */
    private final RootPrunes rootPrunes = new RootPrunes(RootPrunes.MAX_ROOTS);
    /** Per active peer, the author of the last payload we sent it and whether that copy was a near-author one. */
    private final Map<PeerId, LastSent> lastSent = new HashMap<>();
    /** Shared-tree links spared one duplicate because they carry another author's messages. */
    private final PruneGrace pruneGrace;
    /** Per hop count near the author, how many of our pushes there found the message already delivered. */
    private final FloodSaturation saturation;
    private boolean dispatchScheduled;
    /**
     * Whether an eviction sweep is due: only while the log holds something, so an idle topic's timer does not wake
     * its node every {@code cache_evict_interval} for nothing (55 wake-ups a second in a 55-member process).
     */
    private boolean evictScheduled;
    private long nextSeq;
    private long now;

    PlumTree(Env env, BroadcastAuth auth, Function<PeerId, PeerInfo> activeInfo) {
        this.env = env;
        this.auth = auth;
        this.activeInfo = activeInfo;
        this.floodRounds = env.config.eagerFloodRounds();
        this.saturation = new FloodSaturation(floodRounds);
        this.pruneGrace = new PruneGrace(env.config.pruneGrace().toMillis());
        this.graftTimeout = new GraftTimeout(env.config.graftTimeout1().toMillis(),
                env.config.graftTimeoutMin().toMillis(), env.config.graftTimeoutMax().toMillis());
        this.received = new MessageLog(env.config.messageIdCapacity(), env.config.messageCacheCapacity(),
                env.config.messageIdRetention().toMillis(), env.config.messageCacheRetention().toMillis());
        // A random start makes a restarted author unlikely to reuse a (seq, payload) pair still remembered by others.
        this.nextSeq = env.random.nextLong() >>> 2;
    }

    void start(long time) {
        now = time;
    }

    /** Records a message in the log, and makes sure a sweep will drop it once its retention passed. */
    private void remember(MessageId id, Gossip cached, int round) {
        received.add(id, cached, round, now);
        if (!evictScheduled) {
            evictScheduled = true;
            env.schedule(env.config.cacheEvictInterval().toMillis(), EVICT_CACHES);
        }
    }

    void setNow(long time) {
        now = time;
    }

    Set<PeerId> eagerPeers() {
        return Collections.unmodifiableSet(eager);
    }

    Set<PeerId> lazyPeers() {
        return Collections.unmodifiableSet(lazy);
    }

    /**
     * §3.4: a new neighbour starts as an eager peer. Ours: it is also sent IHaves for the payloads still cached (newest
     * first, at most {@code lazy_queue_capacity}), so it grafts whatever went through the overlay while it had no path
     * to us.
     *
     * <p>Why: the paper's PlumTree announces a message only when it first arrives, so a node whose active view was
     * being replaced (HyParView evicts a random neighbour on every join it accepts) or that broadcast while its active
     * view was empty missed that message for good; that is what made the 20-node end-to-end test lose a broadcast
     * under CPU load. iroh-gossip has the same gap and promises no delivery to a peer that was not connected when the
     * message passed; we close it for as long as the cache keeps the payload ({@code message_cache_retention}), and no
     * further. An announcement of something the peer already has costs one IHave entry and is ignored there.
     */
    @Override
    public void neighborUp(PeerId peer) {
        lazy.remove(peer);
        eager.add(peer);
        announceCacheTo(peer);
    }

    private void announceCacheTo(PeerId peer) {
        if (received.cachedCount() == 0) {
            return;
        }
        int room = env.config.lazyQueueCapacity();
        List<Message.IHaveEntry> newestFirst = new ArrayList<>();
        received.forEachCachedNewestFirst(now, (gossip, round) -> {
            if (!gossip.author().equals(peer)) {
                newestFirst.add(new Message.IHaveEntry(gossip.id(), round));
            }
            return newestFirst.size() < room;
        });
        if (newestFirst.isEmpty()) {
            return;
        }
        List<Message.IHaveEntry> queue = lazyQueue.computeIfAbsent(peer, p -> new ArrayList<>());
        for (int i = newestFirst.size() - 1; i >= 0 && queue.size() < room; i--) {
            queue.add(newestFirst.get(i));
        }
        scheduleDispatch();
    }

    private void scheduleDispatch() {
        if (!dispatchScheduled) {
            dispatchScheduled = true;
            env.schedule(env.config.dispatchTimeout().toMillis(), DISPATCH_LAZY);
        }
    }

    @Override
    public void neighborDown(PeerId peer) {
        eager.remove(peer);
        lazy.remove(peer);
        lazyQueue.remove(peer);
        lastSent.remove(peer);
        pruneGrace.forget(peer);
        rootPrunes.forget(peer);
        for (Missing entry : missing.values()) {
            entry.announcers().removeIf(a -> a.peer().equals(peer));
        }
    }

    /**
     * Broadcasts our own message.
     *
     * @throws MessageTooLargeException if the payload is over {@code max_message_size}
     */
    void broadcast(byte[] payload, boolean neighborsOnly) {
        if (payload.length > env.config.maxMessageSize()) {
            throw new MessageTooLargeException(payload.length, env.config.maxMessageSize());
        }
        long seq = nextSeq++;
        Gossip gossip = new Gossip(env.self.id(), seq, payload, auth.sign(seq, payload), 0, neighborsOnly);
        remember(gossip.id(), neighborsOnly ? null : gossip, 0);
        if (neighborsOnly) {
            for (PeerId peer : activePeers()) {
                send(peer, gossip);
            }
            return;
        }
        if (floodRounds > 0) {
            zonePush(gossip, null);
        } else {
            eagerPush(gossip, null);
            lazyPush(gossip, null, null);
        }
    }

    private List<PeerId> activePeers() {
        List<PeerId> peers = new ArrayList<>(eager.size() + lazy.size());
        peers.addAll(eager);
        peers.addAll(lazy);
        return peers;
    }

    void onMessage(PeerId from, Message message) {
        if (message instanceof Gossip gossip) {
            onGossip(from, gossip);
        } else if (message instanceof Message.IHave ihave) {
            onIHave(from, ihave);
        } else if (message instanceof Message.Graft graft) {
            onGraft(from, graft);
        } else if (message instanceof Message.Prune) {
            onPrune(from);
        }
    }

    /**
     * §3.5: the sender got our payload twice; it keeps only announcements for us. A Prune names no message, so which
     * tree it prunes is read from the last payload we sent that peer (links are FIFO and a Prune answers a duplicate
     * at once): after a near-author copy it prunes that author's near-author links only, otherwise the shared tree.
     * When another payload crossed the Prune on the way the guess can be wrong; either error is repaired the usual
     * way (a pruned peer still gets IHaves and grafts; a link left eager brings a duplicate and another Prune).
     */
    private void onPrune(PeerId from) {
        LastSent last = lastSent.get(from);
        if (last != null && last.nearAuthor) {
            rootPrunes.prune(last.author, from);
            saturation.pruned(last.round);
        } else if (eager.remove(from)) {
            lazy.add(from);
        }
    }

    /** §3.3–3.5 and §3.8. */
    private void onGossip(PeerId from, Gossip gossip) {
        if (gossip.payloadUnsafe().length > env.config.maxMessageSize()) {
            env.stats.forged();
            return;
        }
        MessageId id = gossip.id();
        if (received.contains(id)) {
            env.stats.duplicate();
            if (gossip.neighborsOnly()) {
                return;
            }
            Long graftedAnnouncedAt = graftedSince.remove(id);
            if (graftedAnnouncedAt != null) {
                // The eager copy of a message we grafted came after all, this late: wait longer next time.
                graftTimeout.sample(now - graftedAnnouncedAt);
            }
            if (nearAuthor(gossip.round())) {
                // A near-author copy we already have: the sender stops pushing this author's messages to us (only
                // this author's: the shared tree is left alone); it announces them instead.
                send(from, PRUNE);
            } else if (eager.contains(from) && !pruneGrace.spare(from, gossip.author(), now)) {
                // §3.5: a duplicate means this link is redundant; make it lazy on both ends.
                eager.remove(from);
                lazy.add(from);
                send(from, PRUNE);
            }
            return;
        }
        if (!auth.verify(gossip.author(), gossip.seq(), gossip.payloadUnsafe(), gossip.signatureUnsafe())) {
            // Forged or altered: not remembered, so the genuine message is still delivered when it comes.
            env.stats.forged();
            return;
        }
        // Cached without its hop count (shared by every hop of the message), answered one hop further.
        remember(id, gossip.neighborsOnly() ? null : gossip, Math.min(gossip.round() + 1, 0xFFFF));
        env.stats.deliver();
        env.out.accept(new Output.Emit(new GossipEvent.Received(gossip.payload(), gossip.author(), from,
                gossip.neighborsOnly())));
        if (gossip.neighborsOnly()) {
            return;
        }
        Missing wasMissing = missing.remove(id);
        ArrayDeque<Announce> announcers = wasMissing == null ? null : wasMissing.announcers();
        if (wasMissing != null) {
            if (grafted.remove(id)) {
                env.stats.deliverAfterGraft();
                graftedSince.put(id, wasMissing.since());
            } else {
                graftTimeout.sample(now - wasMissing.since());
            }
        }
        if (!nearAuthor(gossip.round())) {
            pruneGrace.firstCopy(from, gossip.author(), now);
        }
        Gossip next = gossip.nextHop();
        if (nearAuthor(next.round()) && (rootPrunes.known(next.author()) || saturation.shouldPush(next.round()))) {
            zonePush(next, from);
        } else {
            eagerPush(next, from);
            lazyPush(next, from, announcers);
        }
        if (nearAuthor(gossip.round())) {
            // Pushed to us because we are near the author, not along the shared tree: the tree stays as it is.
            return;
        }
        if (lazy.remove(from)) {
            eager.add(from);
        }
        optimize(from, gossip.round(), announcers);
    }

    /**
     * §3.8: if a peer announced this message at a round at least {@code optimization_threshold} hops lower than the
     * round it reached us eagerly, the lazy link is the shorter path: graft it and prune the eager sender.
     */
    private void optimize(PeerId sender, int round, ArrayDeque<Announce> announcers) {
        if (announcers == null || announcers.isEmpty()) {
            return;
        }
        Announce best = announcers.peekFirst();
        for (Announce a : announcers) {
            if (a.round() < best.round()) {
                best = a;
            }
        }
        if (round - best.round() >= env.config.optimizationThreshold() && !best.peer().equals(sender)
                && activeInfo.apply(best.peer()) != null) {
            lazy.remove(best.peer());
            eager.add(best.peer());
            send(best.peer(), new Message.Graft(null, best.round()));
            if (eager.remove(sender)) {
                lazy.add(sender);
            }
            send(sender, PRUNE);
        }
    }

    /** §3.6: remember who announced a message we lack, and start the graft timer on the first announcement. */
    private void onIHave(PeerId from, Message.IHave ihave) {
        Set<MessageId> theyHave = null;
        for (Message.IHaveEntry entry : ihave.entries()) {
            if (received.contains(entry.id())) {
                if (theyHave == null) {
                    theyHave = new HashSet<>();
                }
                theyHave.add(entry.id());
                continue;
            }
            Missing wanted = missing.get(entry.id());
            if (wanted == null) {
                if (missing.size() >= env.config.messageIdCapacity()) {
                    continue;
                }
                // Most messages are announced by one or two peers before they arrive: start small.
                wanted = new Missing(now, new ArrayDeque<>(2));
                missing.put(entry.id(), wanted);
                env.schedule(graftTimeout.firstMillis(), new Timer.Graft(entry.id()));
            }
            if (wanted.announcers().size() < MAX_ANNOUNCERS) {
                wanted.announcers().add(new Announce(from, entry.round()));
            }
        }
        if (theyHave != null) {
            withdrawAnnouncements(from, theyHave);
        }
    }

    /** §3.6: the next announcer becomes an eager peer and is asked for the payload; try again after timeout 2. */
    private void onGraftTimer(MessageId id) {
        Missing wanted = missing.get(id);
        if (wanted == null) {
            return;
        }
        Announce next = wanted.announcers().pollFirst();
        if (next == null) {
            missing.remove(id);
            grafted.remove(id);
            return;
        }
        grafted.add(id);
        lazy.remove(next.peer());
        eager.add(next.peer());
        send(next.peer(), new Message.Graft(id, next.round()));
        env.schedule(graftTimeout.nextMillis(env.config.graftTimeout1().toMillis(),
                env.config.graftTimeout2().toMillis()), new Timer.Graft(id));
    }

    /** §3.6: the link becomes eager; answer with the payload if we still have it. */
    private void onGraft(PeerId from, Message.Graft graft) {
        lazy.remove(from);
        eager.add(from);
        if (graft.id() != null) {
            Gossip cached = received.cached(graft.id());
            if (cached != null) {
                // It lacked the message after our announcement: push this author's near-author copies to it again.
                rootPrunes.unprune(cached.author(), from);
                send(from, cached);
            }
        }
    }

    void onTimer(Timer timer) {
        if (timer instanceof Timer.Graft graft) {
            onGraftTimer(graft.id());
        } else if (timer instanceof Timer.DispatchLazy) {
            dispatchLazy();
        } else if (timer instanceof Timer.EvictCaches) {
            received.evict(now);
            evictScheduled = received.size() > 0;
            if (evictScheduled) {
                env.schedule(env.config.cacheEvictInterval().toMillis(), EVICT_CACHES);
            }
        }
    }

    private void eagerPush(Gossip gossip, PeerId except) {
        for (PeerId peer : eager) {
            if (!peer.equals(except) && !peer.equals(gossip.author())) {
                send(peer, gossip);
            }
        }
    }

    /** @return whether a copy at hop count {@code round} is within {@code eager_flood_rounds} of its author */
    private boolean nearAuthor(int round) {
        return round < floodRounds;
    }

    /**
     * Ours: within {@code eager_flood_rounds} hops of its author a message goes to every active peer rather than
     * along the shared tree, except to the peers that pruned this author's near-author copies (they get an IHave).
     *
     * <p>Why: PlumTree's one tree (§3, and iroh-gossip's) is the fastest tree of whoever sent recently; a message
     * from anyone else follows that tree's paths, about twice the overlay's shortest. Pushed to everyone near the
     * author, a message enters the shared tree at dozens of points at once, so every node is a few tree hops from
     * one of them. An author that sends again gets its own tree near it: each duplicate there prunes one link for
     * that author (the paper's tree per sender, SRDS 2007 §3, kept only where it pays: a few hops from the author).
     * Where the push mostly reaches nodes that have the message already (a small topic), {@link FloodSaturation}
     * sends the copies of authors we never pushed along the shared tree instead.
     */
    private void zonePush(Gossip gossip, PeerId except) {
        Set<PeerId> pruned = rootPrunes.pushing(gossip.author());
        Message.IHaveEntry announcement = null;
        for (PeerId peer : activePeers()) {
            if (peer.equals(except) || peer.equals(gossip.author())) {
                continue;
            }
            if (pruned.contains(peer)) {
                if (announcement == null) {
                    announcement = new Message.IHaveEntry(gossip.id(), gossip.round());
                }
                announce(peer, announcement);
            } else {
                send(peer, gossip, true);
                saturation.pushed(gossip.round());
            }
        }
    }

    private void announce(PeerId peer, Message.IHaveEntry announcement) {
        List<Message.IHaveEntry> queue = lazyQueue.computeIfAbsent(peer, p -> new ArrayList<>());
        if (queue.size() < env.config.lazyQueueCapacity()) {
            queue.add(announcement);
            scheduleDispatch();
        }
    }

    /**
     * §3.3: announcements are queued per peer and sent in one IHave after {@code dispatch_timeout}. Ours: not to the
     * peers that announced the message to us ({@code announcers}, may be null): they have it, and an IHave they
     * ignore still costs a frame on each end (IHaves were over half of the messages per broadcast, BENCHMARKS.md).
     */
    private void lazyPush(Gossip gossip, PeerId except, ArrayDeque<Announce> announcers) {
        Message.IHaveEntry announcement = null;
        for (PeerId peer : lazy) {
            if (peer.equals(except) || peer.equals(gossip.author()) || announced(announcers, peer)) {
                continue;
            }
            List<Message.IHaveEntry> queue = lazyQueue.computeIfAbsent(peer, p -> new ArrayList<>());
            if (queue.size() < env.config.lazyQueueCapacity()) {
                if (announcement == null) {
                    // Immutable, so one entry serves every lazy peer.
                    announcement = new Message.IHaveEntry(gossip.id(), gossip.round());
                }
                queue.add(announcement);
            }
        }
        if (announcement != null) {
            scheduleDispatch();
        }
    }

    private static boolean announced(ArrayDeque<Announce> announcers, PeerId peer) {
        if (announcers != null) {
            for (Announce a : announcers) {
                if (a.peer().equals(peer)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * The peer announced messages we have: it has them too, so our announcements of them still waiting in its queue
     * are dropped (two neighbours that got a message about together otherwise announce it to each other). One pass
     * over the queue (at most {@code lazy_queue_capacity}) per IHave, whatever its number of entries.
     */
    private void withdrawAnnouncements(PeerId peer, Set<MessageId> theyHave) {
        List<Message.IHaveEntry> queue = lazyQueue.get(peer);
        if (queue != null && !queue.isEmpty()) {
            queue.removeIf(entry -> theyHave.contains(entry.id()));
        }
    }

    private void dispatchLazy() {
        dispatchScheduled = false;
        for (Map.Entry<PeerId, List<Message.IHaveEntry>> entry : lazyQueue.entrySet()) {
            List<Message.IHaveEntry> queue = entry.getValue();
            for (int start = 0; start < queue.size(); start += Message.MAX_IHAVE_ENTRIES) {
                int end = Math.min(queue.size(), start + Message.MAX_IHAVE_ENTRIES);
                send(entry.getKey(), new Message.IHave(queue.subList(start, end)));
            }
        }
        lazyQueue.clear();
    }

    private void send(PeerId peer, Message message) {
        send(peer, message, false);
    }

    private void send(PeerId peer, Message message, boolean zoneCopy) {
        PeerInfo info = activeInfo.apply(peer);
        if (info != null) {
            if (message instanceof Gossip gossip && !gossip.neighborsOnly()) {
                lastSent.computeIfAbsent(peer, p -> new LastSent()).set(gossip.author(), zoneCopy, gossip.round());
            }
            env.send(info, message);
        }
    }

    /** The author and kind of the last payload sent to one peer; mutable, one per active peer. */
    private static final class LastSent {
        private PeerId author;
        private boolean nearAuthor;
        private int round;

        void set(PeerId author, boolean nearAuthor, int round) {
            this.author = author;
            this.nearAuthor = nearAuthor;
            this.round = round;
        }
    }

    int receivedCount() {
        return received.size();
    }

    int cachedCount() {
        return received.cachedCount();
    }
}
