package io.topictracker.engine.gossip.proto;

import io.topictracker.api.PeerId;
import io.topictracker.api.PeerInfo;
import io.topictracker.engine.gossip.GossipEvent;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * HyParView membership (Leitão, Pereira, Rodrigues, DSN 2007): a small symmetric active view used for broadcast and a
 * larger passive view of backups, kept fresh by random walks (join, §4.1), failure repair (§4.2) and shuffles (§4.3).
 *
 * <p>Our additions: Join, Neighbor and ShuffleReply carry an {@link Admission} MAC and are refused without a valid one,
 * and those must name their sender as the peer the transport proved. Both views and the set of pending neighbour
 * requests are bounded by the configured capacities.
 *
 * <p>Pure: no threads, no clock, no IO; not thread-safe (driven on the topic's executor).
 *
 * <p>Size: a little over 400 lines on purpose: it is one protocol (HyParView §4, Join to Shuffle), kept in one class
 * so that each rule can be read next to the paper's; the parts that are not the protocol (admission MACs, the
 * message log, the views' bounds) already live elsewhere.
 */
final class HyParView {
    /** Told when the active view changes, so PlumTree can follow (PlumTree §3.4: eager ∪ lazy = active view). */
    interface Listener {
        void neighborUp(PeerId peer);

        void neighborDown(PeerId peer);
    }

    /** The most peers one JoinPeers command may name. */
    static final int MAX_JOIN_PEERS = 64;

    private final Env env;
    private final Admission admission;
    private final Listener listener;
    private final PeerId self;
    private final Map<PeerId, PeerInfo> active = new LinkedHashMap<>();
    private final Map<PeerId, PeerInfo> passive = new LinkedHashMap<>();
    /**
     * Neighbor requests in flight (§4.2): made only for free places of the active view, so never more than its
     * capacity; a request can outlive its place when a Join fills the view meanwhile (its ACCEPT then evicts).
     */
    private final Map<PeerId, PeerInfo> pending = new LinkedHashMap<>();
    /**
     * Passive peers that refused our low-priority Neighbor request because their view was full (§4.2), not asked again
     * until our own view changes (we lose a neighbour) or our shuffle timer fires: a refill after a refusal goes on
     * through the passive view once, as §4.2 asks, but not round and round. Without this a node one short of a full
     * view among full views (a swarm of N nodes with capacity C has one whenever N × C is odd) asked its passive
     * peers forever, each refusal starting the next request at once: 170–240 Neighbor/Disconnect pairs a second in
     * an idle 55-member swarm. A place that opens at a peer that refused us is not lost: see {@link #refusedByUs}.
     * A subset of the passive view.
     */
    private final Set<PeerId> refusedUs = new HashSet<>();
    /**
     * Passive peers whose low-priority Neighbor request we refused while full: they were short of neighbours, so when
     * a place opens here they are asked first (once each), which is how a place that opens finds a node that stopped
     * asking. A subset of the passive view, in the order refused.
     */
    private final Set<PeerId> refusedByUs = new LinkedHashSet<>();
    private boolean quit;

    HyParView(Env env, Admission admission, Listener listener) {
        this.env = env;
        this.admission = admission;
        this.listener = listener;
        this.self = env.self.id();
    }

    void start() {
        long interval = env.config.shuffleInterval().toMillis();
        // A random first delay keeps the nodes of a swarm from shuffling in lock step.
        env.schedule(interval / 2 + env.random.nextLong(interval / 2 + 1), new Timer.Shuffle());
    }

    Set<PeerId> activeView() {
        return Collections.unmodifiableSet(active.keySet());
    }

    Set<PeerId> passiveView() {
        return Collections.unmodifiableSet(passive.keySet());
    }

    PeerInfo activeInfo(PeerId peer) {
        return active.get(peer);
    }

    boolean isActive(PeerId peer) {
        return active.containsKey(peer);
    }

    boolean isPending(PeerId peer) {
        return pending.containsKey(peer);
    }

    /**
     * Application command: send a Join to each peer (§4.1); the contact answers with Neighbor ACCEPT.
     *
     * @param untilJoined whether each Join is dropped if a contact accepts another of them before it can go (see
     *     {@link Output.Send#untilJoined})
     */
    void joinPeers(List<PeerInfo> peers, boolean untilJoined) {
        if (peers.size() > MAX_JOIN_PEERS) {
            throw new IllegalArgumentException("join at most " + MAX_JOIN_PEERS + " peers at once, got " + peers.size());
        }
        for (PeerInfo peer : peers) {
            if (!peer.id().equals(self) && !active.containsKey(peer.id())) {
                env.send(peer, new Message.Join(env.self, admission.sign(self, peer.id())), untilJoined);
            }
        }
    }

    /** Handles a membership message; returns false if it was refused. */
    boolean onMessage(PeerId from, Message message) {
        if (quit) {
            return false;
        }
        if (message instanceof Message.Join join) {
            return onJoin(from, join);
        } else if (message instanceof Message.ForwardJoin forward) {
            onForwardJoin(from, forward);
        } else if (message instanceof Message.Neighbor neighbor) {
            return onNeighbor(from, neighbor);
        } else if (message instanceof Message.Disconnect disconnect) {
            onDisconnect(from, disconnect);
        } else if (message instanceof Message.Shuffle shuffle) {
            onShuffle(from, shuffle);
        } else if (message instanceof Message.ShuffleReply reply) {
            return onShuffleReply(from, reply);
        }
        return true;
    }

    private boolean admitted(PeerId from, PeerInfo claimed, byte[] mac) {
        if (!claimed.id().equals(from) || !admission.verify(from, self, mac)) {
            env.stats.joinRefused();
            return false;
        }
        return true;
    }

    /**
     * §4.1: the contact adds the joiner (dropping a random peer if full) and starts a random walk per neighbour.
     *
     * <p>A Join from a peer already in the active view is a repeat (its bootstrap sends one per round until our
     * ACCEPT arrives, and Joins queued behind a slow dial arrive together): it gets the ACCEPT again and nothing else,
     * as in iroh-gossip, which ignores a Join from an active peer. Forwarding it again would start fresh random walks
     * for a peer that already has its links, each ending in a new connection and an eviction somewhere.
     */
    private boolean onJoin(PeerId from, Message.Join join) {
        if (!admitted(from, join.from(), join.mac()) || from.equals(self)) {
            return false;
        }
        if (active.containsKey(from)) {
            addActive(join.from(), Message.NeighborKind.ACCEPT); // refreshes its addresses, answers again
            return true;
        }
        addActive(join.from(), Message.NeighborKind.ACCEPT);
        for (PeerInfo peer : new ArrayList<>(active.values())) {
            if (!peer.id().equals(from)) {
                env.send(peer, new Message.ForwardJoin(join.from(), env.config.activeRandomWalkLength()));
            }
        }
        return true;
    }

    /**
     * §4.1: at the end of the walk (ttl 0) or at a node with at most one neighbour, take the joiner into the active view;
     * at ttl = PRWL also into the passive view; otherwise pass the walk on to a random neighbour other than the sender.
     */
    private void onForwardJoin(PeerId from, Message.ForwardJoin forward) {
        PeerInfo joiner = forward.joiner();
        if (joiner.id().equals(self)) {
            return;
        }
        if (forward.ttl() == 0 || active.size() <= 1) {
            addActive(joiner, Message.NeighborKind.ACCEPT);
            return;
        }
        if (forward.ttl() == env.config.passiveRandomWalkLength()) {
            addPassive(joiner);
            refill(); // a new passive peer: worth asking if we stopped for want of one that accepts
        }
        List<PeerInfo> candidates = new ArrayList<>(active.size());
        for (PeerInfo peer : active.values()) {
            if (!peer.id().equals(from) && !peer.id().equals(joiner.id())) {
                candidates.add(peer);
            }
        }
        PeerInfo next = env.pick(candidates);
        if (next == null) {
            addActive(joiner, Message.NeighborKind.ACCEPT);
        } else {
            env.send(next, new Message.ForwardJoin(joiner, forward.ttl() - 1));
        }
    }

    /**
     * §4.2: a high-priority request is always accepted (the requester has no neighbour left); a low-priority one only
     * if we have room, else refused with a Disconnect. An ACCEPT completes our own request (or a join).
     */
    private boolean onNeighbor(PeerId from, Message.Neighbor neighbor) {
        if (!admitted(from, neighbor.from(), neighbor.mac()) || from.equals(self)) {
            return false;
        }
        switch (neighbor.kind()) {
            case ACCEPT -> {
                pending.remove(from);
                addActive(neighbor.from(), null);
            }
            case REQUEST_HIGH -> addActive(neighbor.from(), Message.NeighborKind.ACCEPT);
            case REQUEST_LOW -> {
                if (active.containsKey(from) || active.size() < env.config.activeViewCapacity()) {
                    if (active.containsKey(from)) {
                        env.send(neighbor.from(), ourNeighbor(from, Message.NeighborKind.ACCEPT));
                    } else {
                        addActive(neighbor.from(), Message.NeighborKind.ACCEPT);
                    }
                } else {
                    addPassive(neighbor.from());
                    refusedByUs.retainAll(passive.keySet());
                    if (passive.containsKey(from)) {
                        refusedByUs.add(from);
                    }
                    env.send(neighbor.from(), new Message.Disconnect(true));
                }
            }
        }
        return true;
    }

    /**
     * A peer dropped us (§4.1 "DISCONNECT"): our view changed, so every passive peer is worth asking again; or it
     * refused our Neighbor request (§4.2): it is full, so the refill asks another passive peer, but not that one again
     * until our view changes ({@link #refusedUs}).
     */
    private void onDisconnect(PeerId from, Message.Disconnect disconnect) {
        if (active.containsKey(from)) {
            removeActive(from, disconnect.alive(), false);
            refusedUs.clear();
        } else if (pending.remove(from) != null) {
            if (disconnect.alive()) {
                refusedUs.retainAll(passive.keySet());
                if (passive.containsKey(from)) {
                    refusedUs.add(from);
                }
            } else {
                passive.remove(from);
            }
        }
        refill();
    }

    /**
     * §4.3: pass the shuffle on while its ttl lasts and we have another neighbour; at its end answer the origin with as
     * many of our passive peers and keep what it sent.
     */
    private void onShuffle(PeerId from, Message.Shuffle shuffle) {
        if (shuffle.origin().id().equals(self)) {
            return;
        }
        if (shuffle.ttl() > 0 && active.size() > 1) {
            List<PeerInfo> candidates = new ArrayList<>(active.size());
            for (PeerInfo peer : active.values()) {
                if (!peer.id().equals(from) && !peer.id().equals(shuffle.origin().id())) {
                    candidates.add(peer);
                }
            }
            PeerInfo next = env.pick(candidates);
            if (next != null) {
                env.send(next, new Message.Shuffle(shuffle.origin(), shuffle.peers(), shuffle.ttl() - 1));
                return;
            }
        }
        List<PeerInfo> reply = env.sample(passive.values(), shuffle.peers().size());
        env.send(shuffle.origin(), new Message.ShuffleReply(env.self, reply,
                admission.sign(self, shuffle.origin().id())));
        addPassive(shuffle.origin());
        for (PeerInfo peer : shuffle.peers()) {
            addPassive(peer);
        }
        refill(); // new passive peers: worth asking if we stopped for want of one that accepts
    }

    private boolean onShuffleReply(PeerId from, Message.ShuffleReply reply) {
        if (!admitted(from, reply.from(), reply.mac())) {
            return false;
        }
        for (PeerInfo peer : reply.peers()) {
            addPassive(peer);
        }
        refill(); // new passive peers: worth asking if we stopped for want of one that accepts
        return true;
    }

    /** The connection failed: the peer is considered crashed (§4.2), so it goes to neither view. */
    void onPeerDisconnected(PeerId peer) {
        if (active.containsKey(peer)) {
            removeActive(peer, false, false);
            refusedUs.clear(); // its other neighbours lost it too: places may have opened there
        }
        pending.remove(peer);
        passive.remove(peer);
        refill();
    }

    void onTimer(Timer timer) {
        if (quit) {
            return;
        }
        if (timer instanceof Timer.Shuffle) {
            refusedUs.clear(); // views changed since the last pass: ask them all again, once per shuffle interval
            shuffle();
            env.schedule(env.config.shuffleInterval().toMillis(), new Timer.Shuffle());
        } else if (timer instanceof Timer.NeighborTimeout timeout) {
            if (pending.remove(timeout.peer()) != null) {
                // No answer in time: treat it as dead (§4.2) and try another passive peer.
                passive.remove(timeout.peer());
                refill();
            }
        }
    }

    /** §4.3: send ourselves plus a sample of both views on a random walk from a random neighbour. */
    private void shuffle() {
        refill();
        PeerInfo target = env.pick(new ArrayList<>(active.values()));
        if (target == null) {
            return;
        }
        List<PeerInfo> peers = new ArrayList<>();
        peers.add(env.self);
        for (PeerInfo peer : env.sample(active.values(), env.config.shuffleActiveViewCount())) {
            if (!peer.id().equals(target.id())) {
                peers.add(peer);
            }
        }
        peers.addAll(env.sample(passive.values(), env.config.shufflePassiveViewCount()));
        if (peers.size() > Message.MAX_SHUFFLE_PEERS) {
            peers = peers.subList(0, Message.MAX_SHUFFLE_PEERS);
        }
        env.send(target, new Message.Shuffle(env.self, peers, env.config.shuffleRandomWalkLength()));
    }

    void quit() {
        for (PeerId peer : new ArrayList<>(active.keySet())) {
            removeActive(peer, false, true);
        }
        pending.clear();
        quit = true;
    }

    /**
     * Adds a peer to the active view, dropping a random one when full (§4.1 "dropRandomElementFromActiveView"), and
     * sends it a Neighbor of kind {@code notify} unless that is null.
     */
    private void addActive(PeerInfo peer, Message.NeighborKind notify) {
        PeerId id = peer.id();
        if (id.equals(self)) {
            return;
        }
        if (active.containsKey(id)) {
            active.put(id, peer);
            if (notify != null) {
                env.send(peer, ourNeighbor(id, notify));
            }
            return;
        }
        passive.remove(id);
        pending.remove(id);
        if (active.size() >= env.config.activeViewCapacity()) {
            PeerId victim = env.pick(new ArrayList<>(active.keySet()));
            removeActive(victim, true, true);
        }
        active.put(id, peer);
        env.out.accept(new Output.Emit(new GossipEvent.NeighborUp(id)));
        listener.neighborUp(id);
        if (notify != null) {
            env.send(peer, ourNeighbor(id, notify));
        }
    }

    private Message.Neighbor ourNeighbor(PeerId to, Message.NeighborKind kind) {
        return new Message.Neighbor(env.self, kind, admission.sign(self, to));
    }

    private void removeActive(PeerId peer, boolean keepAsPassive, boolean tellPeer) {
        PeerInfo info = active.remove(peer);
        if (info == null) {
            return;
        }
        if (tellPeer) {
            env.send(info, new Message.Disconnect(true));
        }
        env.out.accept(new Output.Emit(new GossipEvent.NeighborDown(peer)));
        listener.neighborDown(peer);
        env.out.accept(new Output.DisconnectPeer(peer));
        if (keepAsPassive) {
            addPassive(info);
        }
    }

    /** Keeps the passive view bounded by dropping a random entry (§4.1, §4.3). */
    private void addPassive(PeerInfo peer) {
        PeerId id = peer.id();
        if (id.equals(self) || active.containsKey(id) || env.config.passiveViewCapacity() == 0) {
            return;
        }
        if (passive.containsKey(id)) {
            passive.put(id, peer);
            return;
        }
        if (passive.size() >= env.config.passiveViewCapacity()) {
            List<PeerId> evictable = new ArrayList<>(passive.size());
            for (PeerId candidate : passive.keySet()) {
                if (!pending.containsKey(candidate)) {
                    evictable.add(candidate);
                }
            }
            PeerId evicted = env.pick(evictable);
            if (evicted == null) {
                return;
            }
            passive.remove(evicted);
        }
        passive.put(id, peer);
    }

    /**
     * §4.2: while the active view has free places not already covered by a pending request, ask a passive peer that
     * has not refused us since our view last changed ({@link #refusedUs}): one whose request we refused if any (it
     * was short of neighbours), else a random one; high priority when we have no neighbour at all.
     */
    private void refill() {
        if (quit) {
            return;
        }
        while (active.size() + pending.size() < env.config.activeViewCapacity()) {
            // A high-priority request (no neighbour, none asked yet) is never refused, so a refusal does not hold it.
            boolean high = active.isEmpty() && pending.isEmpty();
            List<PeerInfo> candidates = new ArrayList<>();
            PeerInfo next = null;
            for (PeerInfo peer : passive.values()) {
                if (!pending.containsKey(peer.id()) && (high || !refusedUs.contains(peer.id()))) {
                    candidates.add(peer);
                }
            }
            for (PeerId shortOfNeighbours : refusedByUs) {
                PeerInfo peer = passive.get(shortOfNeighbours);
                if (peer != null && candidates.contains(peer)) {
                    next = peer;
                    break;
                }
            }
            if (next == null) {
                next = env.pick(candidates);
            }
            if (next == null) {
                return;
            }
            refusedByUs.remove(next.id());
            pending.put(next.id(), next);
            Message.NeighborKind kind = high ? Message.NeighborKind.REQUEST_HIGH : Message.NeighborKind.REQUEST_LOW;
            env.send(next, ourNeighbor(next.id(), kind));
            env.schedule(env.config.neighborRequestTimeout().toMillis(), new Timer.NeighborTimeout(next.id()));
        }
    }
}
