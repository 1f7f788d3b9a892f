package io.topictracker.engine.gossip.net;

import io.topictracker.api.PeerAddress;
import io.topictracker.api.PeerId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Decides the direct connection upgrade over relayed connections (issue 15, PROTOCOL.md §9), after libp2p's DCUtR
 * ("Direct Connection Upgrade through Relay", libp2p/specs relay/DCUtR.md): the initiator sends Connect with its
 * addresses over the relayed connection, the responder answers with its own, the initiator measures the round trip,
 * sends Sync and dials after half of it while the responder dials on receiving Sync, so that both sides' first
 * packets cross between the NATs.
 *
 * <p>Who initiates: the side with the lower id (unsigned byte order), so two peers never both start (DCUtR lets the
 * side that accepted the relayed connection start; either end of our relayed connections may be the one behind the
 * harder NAT, and the id rule needs no knowledge of who dialled). Retries: an attempt fails when its answer does not
 * come within {@link #ANSWER_TIMEOUT_MILLIS} or its dial ends unanswered; DCUtR's {@link #ATTEMPTS} attempts follow
 * one another, their Connects at least {@link #ATTEMPT_SPACING_MILLIS} apart, then the next round starts after
 * {@link #RETRY_PERIOD_MILLIS} while the peer is still reached only through a relay (a NAT that turned
 * endpoint-independent is noticed within that period), or at once when our confirmed addresses change. Gives up
 * for the peer's relayed connection when we have no punching transport (we never start) or the peer answers with
 * no address our punching transport can dial.
 *
 * <p>Pure: no IO, no clock of its own (every input carries {@code now}, milliseconds of any monotonic clock). Not
 * thread-safe: the caller serialises calls. Memory is bounded by the peers with a relayed connection plus those that
 * sent us a Connect lately; {@link #forget} drops a peer.
 */
final class DirectUpgrades {
    /** Attempts per round, as DCUtR makes. */
    static final int ATTEMPTS = 3;
    /** How long the initiator waits for the answer to its Connect. */
    static final long ANSWER_TIMEOUT_MILLIS = 10_000;
    /** How long a dial may take before the attempt counts as failed even if the dial never reported (a safety net). */
    static final long DIAL_TIMEOUT_MILLIS = 30_000;
    /** The slow period between rounds while a peer is still reached only through a relay. */
    static final long RETRY_PERIOD_MILLIS = 30_000;
    /** A responder answers one Connect per peer per this long, and so bounds what a peer can make it send and dial. */
    static final long ANSWER_GAP_MILLIS = 1_000;
    /**
     * The least time between two Connects of ours to one peer: twice the responder's {@link #ANSWER_GAP_MILLIS}, so
     * that a retry delayed less on its way than the previous Connect was (scheduling, relay queues) is still answered.
     */
    static final long ATTEMPT_SPACING_MILLIS = 2 * ANSWER_GAP_MILLIS;

    /** What the IO side is to do. */
    sealed interface Action permits SendConnect, SendSync, Dial, RoundFailed {}

    /** Send {@code frame} over the relayed connection to {@code peer}. */
    record SendConnect(PeerId peer, FrameCodec.UpgradeConnect frame) implements Action {}

    /** Send {@code frame} over the relayed connection to {@code peer}. */
    record SendSync(PeerId peer, FrameCodec.UpgradeSync frame) implements Action {}

    /**
     * Dial {@code peer} directly at {@code addresses} over the punching transport after {@code delayMillis}, and report
     * the outcome with {@link #dialEnded}.
     */
    record Dial(PeerId peer, int attempt, List<PeerAddress> addresses, long delayMillis) implements Action {}

    /**
     * A round of {@link #ATTEMPTS} attempts with {@code peer} failed; the next starts after {@link #RETRY_PERIOD_MILLIS}
     * (for the log: {@code round} counts from 1).
     */
    record RoundFailed(PeerId peer, int round) implements Action {}

    private enum Phase { WAITING, AWAITING_ANSWER, DIALING, GAVE_UP }

    /** The initiator's state for one peer. */
    private static final class Initiating {
        Phase phase = Phase.WAITING;
        long nextAt;
        long since;
        /** When our last Connect to the peer was sent (a fresh state: one spacing before it was made). */
        long connectSentAt;
        int attempt;
        int failedInRound;
        int roundsFailed;
    }

    /** The responder's state for one peer: the last Connect it answered. */
    private record Responding(int attempt, List<PeerAddress> addresses, long answeredAt, boolean dialled) {}

    private final PeerId self;
    private final Map<PeerId, Initiating> initiating = new HashMap<>();
    private final Map<PeerId, Responding> responding = new HashMap<>();

    /** @param self our id, not null */
    DirectUpgrades(PeerId self) {
        this.self = Objects.requireNonNull(self, "self");
    }

    /** @return whether we start the upgrade with {@code peer}: our id is the lower */
    boolean initiates(PeerId peer) {
        return self.compareTo(peer) < 0;
    }

    /**
     * Called periodically for each peer reached only through a relay now.
     *
     * @param ours where our punching transport listens (the addresses a Connect carries); empty if we have none
     * @return what to do now; never null
     */
    List<Action> relayed(PeerId peer, long now, List<PeerAddress> ours) {
        if (!initiates(peer) || ours.isEmpty()) {
            return List.of(); // the peer starts, or we cannot punch at all
        }
        Initiating state = initiating.computeIfAbsent(peer, p -> {
            Initiating fresh = new Initiating();
            fresh.nextAt = now;
            fresh.connectSentAt = now - ATTEMPT_SPACING_MILLIS;
            return fresh;
        });
        switch (state.phase) {
            case WAITING:
                if (now < state.nextAt || now - state.connectSentAt < ATTEMPT_SPACING_MILLIS) {
                    return List.of();
                }
                state.attempt = state.attempt % 255 + 1;
                state.phase = Phase.AWAITING_ANSWER;
                state.since = now;
                state.connectSentAt = now;
                return List.of(new SendConnect(peer, new FrameCodec.UpgradeConnect(false, state.attempt, ours)));
            case AWAITING_ANSWER:
                return now - state.since >= ANSWER_TIMEOUT_MILLIS ? failed(peer, state, now) : List.of();
            case DIALING:
                return now - state.since >= DIAL_TIMEOUT_MILLIS ? failed(peer, state, now) : List.of();
            default:
                return List.of();
        }
    }

    /** @return a {@link RoundFailed} if this failure ended a round, else nothing */
    private static List<Action> failed(PeerId peer, Initiating state, long now) {
        state.failedInRound++;
        state.phase = Phase.WAITING;
        if (state.failedInRound < ATTEMPTS) {
            state.nextAt = now;
            return List.of();
        }
        state.failedInRound = 0;
        state.nextAt = now + RETRY_PERIOD_MILLIS;
        state.roundsFailed++;
        return List.of(new RoundFailed(peer, state.roundsFailed));
    }

    /**
     * A Connect arrived from {@code peer} over a relayed connection.
     *
     * @param dialable the addresses in it that our punching transport can dial (the caller filters); not null
     * @param ours where our punching transport listens; empty if we have none
     * @return what to do now; never null
     */
    List<Action> connect(PeerId peer, FrameCodec.UpgradeConnect frame, List<PeerAddress> dialable, long now,
            List<PeerAddress> ours) {
        if (frame.answer()) {
            Initiating state = initiating.get(peer);
            if (state == null || state.phase != Phase.AWAITING_ANSWER || state.attempt != frame.attempt()) {
                return List.of(); // late, or not asked for
            }
            if (dialable.isEmpty()) {
                state.phase = Phase.GAVE_UP; // the peer has no address we could punch to
                return List.of();
            }
            long rtt = now - state.since;
            state.phase = Phase.DIALING;
            state.since = now;
            return List.of(new SendSync(peer, new FrameCodec.UpgradeSync(frame.attempt())),
                    new Dial(peer, frame.attempt(), List.copyOf(dialable), rtt / 2));
        }
        Responding last = responding.get(peer);
        if (last != null && now - last.answeredAt() < ANSWER_GAP_MILLIS) {
            return List.of(); // a peer that asks faster than any honest retry is not answered
        }
        responding.put(peer, new Responding(frame.attempt(), List.copyOf(dialable), now, false));
        return List.of(new SendConnect(peer, new FrameCodec.UpgradeConnect(true, frame.attempt(), ours)));
    }

    /**
     * A Sync arrived from {@code peer}: the responder dials at once (once per answered Connect).
     *
     * @param canPunch whether we have a punching transport
     * @return what to do now; never null
     */
    List<Action> sync(PeerId peer, FrameCodec.UpgradeSync frame, boolean canPunch) {
        Responding last = responding.get(peer);
        if (last == null || last.attempt() != frame.attempt() || last.dialled() || last.addresses().isEmpty()
                || !canPunch) {
            return List.of();
        }
        responding.put(peer, new Responding(last.attempt(), last.addresses(), last.answeredAt(), true));
        return List.of(new Dial(peer, frame.attempt(), last.addresses(), 0));
    }

    /**
     * A dial of ours ended; an unanswered one fails the initiator's attempt.
     *
     * @return what to do now (a {@link RoundFailed} to log, at most); never null
     */
    List<Action> dialEnded(PeerId peer, int attempt, boolean connected, long now) {
        Initiating state = initiating.get(peer);
        if (state != null && state.phase == Phase.DIALING && state.attempt == attempt && !connected) {
            return failed(peer, state, now);
        }
        return List.of();
    }

    /** Our confirmed addresses changed: peers waiting for their next round start it now. */
    void addressesChanged(long now) {
        for (Initiating state : initiating.values()) {
            if (state.phase == Phase.WAITING) {
                state.failedInRound = 0;
                state.nextAt = now;
            }
        }
    }

    /** The peer is reached directly now, or not at all: nothing more to do for it. */
    void forget(PeerId peer) {
        initiating.remove(peer);
        responding.remove(peer);
    }

    /** Forgets every peer {@code keep} rejects (those no longer reached only through a relay). */
    void retainOnly(java.util.function.Predicate<PeerId> keep) {
        List<PeerId> gone = new ArrayList<>();
        for (PeerId peer : initiating.keySet()) {
            if (!keep.test(peer)) {
                gone.add(peer);
            }
        }
        for (PeerId peer : responding.keySet()) {
            if (!keep.test(peer)) {
                gone.add(peer);
            }
        }
        gone.forEach(this::forget);
    }
}
