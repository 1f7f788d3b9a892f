package io.topictracker.engine.gossip.net;

import io.topictracker.api.PeerId;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * When a node behind a NAT may dial a peer again after a dial to it went unanswered: at the pair's next punch slot.
 *
 * <p>Why (issue 15): a hole punch needs both sides' first packets to cross. Many NATs keep an unsolicited packet's
 * flow in their table (Linux conntrack does, for 30 s after the last such packet); a LAN host that then sends to that
 * peer is given another public port, and the punch fails for as long as the early side keeps sending. So after an
 * unanswered dial a node stays silent towards that peer for {@link #QUIET_MILLIS} and then dials only at the instants
 * {@code offset(pair) + k × PERIOD_MILLIS} of the wall clock, the same instants on both sides (the offset is drawn
 * from the two ids, so pairs spread over the period). Since a slot dial ends within the transport's handshake timeout
 * (10 s) and the period exceeds that plus the quiet time, a slot at which both sides dial always finds both NATs
 * clean, whatever either side sent before; and a side that dials at every slot from its first one meets the other
 * at the first slot the other dials at. The first dial of all goes out at once (with NATs that drop unsolicited
 * packets, that is all it takes when both sides dial within a handshake timeout of each other).
 *
 * <p>Needs clocks that agree to within about one one-way delay (NTP does, typically; hosts of one lab share one).
 * Pure: time is passed in. Bounded: remembers at most {@link #MAX_PEERS} peers, oldest failure dropped first. Not
 * thread-safe (the caller synchronizes).
 */
final class PunchSlots {
    /** Silence after an unanswered dial: Linux conntrack's timeout for a UDP flow with no reply (nf_conntrack). */
    static final long QUIET_MILLIS = 30_000;
    /** Slot spacing: a slot dial's packets (within a 10 s handshake timeout) plus the quiet time, and a margin. */
    static final long PERIOD_MILLIS = 45_000;
    static final int MAX_PEERS = 1024;

    private final PeerId self;
    /** Peer to the wall-clock millis its last dial failed; insertion order, so the oldest goes first. */
    private final Map<PeerId, Long> failedAt = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<PeerId, Long> eldest) {
            return size() > MAX_PEERS;
        }
    };

    /** @param self our id, not null */
    PunchSlots(PeerId self) {
        this.self = java.util.Objects.requireNonNull(self, "self");
    }

    /** A dial to {@code peer} ended unanswered at {@code nowMillis} (wall clock). */
    void failed(PeerId peer, long nowMillis) {
        failedAt.remove(peer);
        failedAt.put(peer, nowMillis);
    }

    /** A connection with {@code peer} came up: its next dial, if ever, goes out at once. */
    void connected(PeerId peer) {
        failedAt.remove(peer);
    }

    /**
     * @param nowMillis the wall clock
     * @return when a dial to {@code peer} may go out: {@code nowMillis} if nothing failed, else the pair's first slot
     *     at or after the failure plus {@link #QUIET_MILLIS} (and not before now)
     */
    long dialAt(PeerId peer, long nowMillis) {
        Long failed = failedAt.get(peer);
        if (failed == null) {
            return nowMillis;
        }
        return nextSlot(Math.max(nowMillis, failed + QUIET_MILLIS), peer);
    }

    /** @return the first instant {@code >= notBefore} that is {@code offset(self, peer)} modulo the period */
    long nextSlot(long notBefore, PeerId peer) {
        long offset = offset(self, peer);
        long base = Math.floorDiv(notBefore - offset, PERIOD_MILLIS) * PERIOD_MILLIS + offset;
        return base >= notBefore ? base : base + PERIOD_MILLIS;
    }

    /**
     * @return the pair's slot offset in [0, {@link #PERIOD_MILLIS}): from SHA-256 of the two ids in byte order, so
     *     both sides compute the same one
     */
    static long offset(PeerId a, PeerId b) {
        byte[] first = a.toBytes();
        byte[] second = b.toBytes();
        if (java.util.Arrays.compareUnsigned(first, second) > 0) {
            byte[] swap = first;
            first = second;
            second = swap;
        }
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(first);
            sha.update(second);
            long bits = ByteBuffer.wrap(sha.digest()).getLong();
            return Math.floorMod(bits, PERIOD_MILLIS);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }
}
