package io.topictracker.engine.gossip.net;

import io.topictracker.api.PeerId;
import io.topictracker.engine.gossip.proto.Gossip;
import io.topictracker.engine.gossip.proto.Message;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Throttles what each neighbour sends, per message kind, and bans a neighbour that keeps sending over its rates (issue
 * 16: a member that knows the topic secret can flood broadcasts, Joins or Shuffles, and every message it sends costs
 * its receivers a decode, a place in the topic's bounded queue and, for a broadcast, a signature check and a relay).
 *
 * <p>Each (neighbour, {@link Kind}) has a token bucket: {@code rate} tokens a second, holding at most twice that (a
 * burst). A message finds a token or is dropped. Every dropped message (but a relayed broadcast's, see
 * {@link Kind#RELAYED_BROADCAST}) adds a strike; strikes drain at
 * {@code disconnectAfter} a minute, so a neighbour whose excess reaches {@code disconnectAfter} faster than that is
 * disconnected and banned for {@code banMillis}: its connections are refused and it is not dialled. Honest bursts
 * that brush a rate now and then never add up to a disconnect.
 *
 * <p>Why here and not in the protocol state machines: a flood is a property of a connection, across topics, and the
 * remedy (closing connections, refusing them) acts on connections, which only the driver holds; dropping a message
 * before it is queued for its topic also keeps a flooder from crowding honest neighbours' messages out of that
 * queue. The protocol layer stays deterministic and free of clocks. This class is pure: time is given to it.
 *
 * <p>Thread-safe: frames arrive on several transport threads; each neighbour's buckets are guarded by their own lock.
 * Memory: one entry per neighbour with an open connection ({@link #forget} it when the last one closes) and at most
 * {@link #MAX_BANS} bans.
 */
final class FloodGuard {
    /** The most bans remembered; past it expired ones go first, then any (a ban is a courtesy, not a guarantee). */
    static final int MAX_BANS = 4096;

    /** What a message is counted as. */
    enum Kind {
        /** Gossip the neighbour itself authored: its own broadcasts. */
        BROADCAST("broadcast", true),
        /**
         * Gossip of other authors the neighbour relays. An honest relay forwards the whole topic's traffic, and a
         * flood cut at its first hop still reaches the second from every neighbour the flooder had, so dropping
         * these never counts against the relay (it would disconnect honest relays after a flood); they are only
         * throttled, at a higher rate.
         */
        RELAYED_BROADCAST("relayed_broadcast", false),
        /** Join and ForwardJoin: they make receivers open connections and change their views. */
        JOIN("join", true),
        /** Shuffle and ShuffleReply. */
        SHUFFLE("shuffle", true),
        /** IHave, Graft, Prune, Neighbor, Disconnect. */
        CONTROL("control", true);

        final String tag;
        /** Whether a dropped message of this kind is a strike towards a disconnect. */
        final boolean strikes;

        Kind(String tag, boolean strikes) {
            this.tag = tag;
            this.strikes = strikes;
        }

        /** @return what {@code message}, received from {@code from}, counts as; never null */
        static Kind of(PeerId from, Message message) {
            if (message instanceof Gossip gossip) {
                return gossip.author().equals(from) ? BROADCAST : RELAYED_BROADCAST;
            }
            if (message instanceof Message.Join || message instanceof Message.ForwardJoin) {
                return JOIN;
            }
            if (message instanceof Message.Shuffle || message instanceof Message.ShuffleReply) {
                return SHUFFLE;
            }
            return CONTROL;
        }
    }

    /** What to do with a message. */
    enum Verdict {
        /** Within its rate: handle it. */
        PASS,
        /** Over its rate: drop it. */
        DROP,
        /** Over its rate once too often: drop it, close the neighbour's connections; it is banned from now on. */
        DISCONNECT
    }

    private final Map<Kind, Integer> perSecond;
    private final int disconnectAfter;
    private final long banMillis;
    private final Map<PeerId, Neighbour> neighbours = new ConcurrentHashMap<>();
    /** Banned identities and when their ban ends (millis, the clock given to {@link #admit}). */
    private final Map<PeerId, Long> bans = new ConcurrentHashMap<>();

    /**
     * @param perSecond messages a second allowed per neighbour for every kind, each at least 0 (0: no limit); not null
     * @param disconnectAfter dropped messages (draining at this many a minute) at which a neighbour is disconnected,
     *     at least 1
     * @param banMillis how long a disconnected neighbour stays banned, at least 0
     */
    FloodGuard(Map<Kind, Integer> perSecond, int disconnectAfter, long banMillis) {
        this.perSecond = new EnumMap<>(Objects.requireNonNull(perSecond, "perSecond"));
        for (Kind kind : Kind.values()) {
            if (this.perSecond.getOrDefault(kind, -1) < 0) {
                throw new IllegalArgumentException("no rate of at least 0 for " + kind);
            }
        }
        if (disconnectAfter < 1 || banMillis < 0) {
            throw new IllegalArgumentException("disconnectAfter " + disconnectAfter + ", banMillis " + banMillis);
        }
        this.disconnectAfter = disconnectAfter;
        this.banMillis = banMillis;
    }

    /**
     * Counts a message a neighbour sent.
     *
     * @param from the neighbour, not null
     * @param message what it sent, not null
     * @param nowMillis a monotonic clock in milliseconds
     * @return never null; {@link Verdict#DISCONNECT} once, after which the neighbour {@link #isBanned is banned}
     */
    Verdict admit(PeerId from, Message message, long nowMillis) {
        Kind kind = Kind.of(from, message);
        int rate = perSecond.get(kind);
        if (rate == 0) {
            return Verdict.PASS;
        }
        Neighbour neighbour = neighbours.computeIfAbsent(from, id -> new Neighbour(nowMillis));
        boolean disconnect;
        synchronized (neighbour) {
            if (neighbour.take(kind, rate, nowMillis)) {
                return Verdict.PASS;
            }
            if (!kind.strikes) {
                return Verdict.DROP;
            }
            disconnect = neighbour.strike(disconnectAfter, nowMillis);
        }
        if (!disconnect) {
            return Verdict.DROP;
        }
        neighbours.remove(from, neighbour);
        ban(from, nowMillis);
        return Verdict.DISCONNECT;
    }

    /**
     * @param peer not null
     * @param nowMillis the clock of {@link #admit}
     * @return whether the peer is banned now
     */
    boolean isBanned(PeerId peer, long nowMillis) {
        Long until = bans.get(peer);
        if (until == null) {
            return false;
        }
        if (nowMillis < until) {
            return true;
        }
        bans.remove(peer, until);
        return false;
    }

    /** The neighbour has no connection left: its buckets go (a ban stays). */
    void forget(PeerId peer) {
        neighbours.remove(peer);
    }

    /** Drops the buckets of every neighbour {@code keep} rejects (those with no connection left); bans stay. */
    void retainOnly(java.util.function.Predicate<PeerId> keep) {
        neighbours.keySet().removeIf(keep.negate());
    }

    /** @return neighbours with buckets now, for tests */
    int tracked() {
        return neighbours.size();
    }

    private void ban(PeerId peer, long nowMillis) {
        if (bans.size() >= MAX_BANS) {
            bans.values().removeIf(until -> until <= nowMillis);
            Iterator<PeerId> any = bans.keySet().iterator();
            while (bans.size() >= MAX_BANS && any.hasNext()) {
                any.next();
                any.remove();
            }
        }
        bans.put(peer, nowMillis + banMillis);
    }

    /** One neighbour's buckets and strikes; guarded by its own monitor. */
    private static final class Neighbour {
        private final double[] tokens = new double[Kind.values().length];
        private final long[] filledAt = new long[Kind.values().length];
        private double strikes;
        private long struckAt;

        Neighbour(long nowMillis) {
            java.util.Arrays.fill(tokens, -1); // full at first use: see take
            java.util.Arrays.fill(filledAt, nowMillis);
            struckAt = nowMillis;
        }

        /** @return whether a token of this kind was there (and is now taken) */
        boolean take(Kind kind, int rate, long nowMillis) {
            int i = kind.ordinal();
            double burst = 2.0 * rate;
            if (tokens[i] < 0) {
                tokens[i] = burst;
            } else {
                long elapsed = Math.max(0, nowMillis - filledAt[i]);
                tokens[i] = Math.min(burst, tokens[i] + elapsed * rate / 1000.0);
            }
            filledAt[i] = nowMillis;
            if (tokens[i] >= 1) {
                tokens[i] -= 1;
                return true;
            }
            return false;
        }

        /** Adds a strike; @return whether the strikes reached {@code limit} */
        boolean strike(int limit, long nowMillis) {
            long elapsed = Math.max(0, nowMillis - struckAt);
            strikes = Math.max(0, strikes - elapsed * limit / 60_000.0) + 1;
            struckAt = nowMillis;
            return strikes >= limit;
        }
    }
}
