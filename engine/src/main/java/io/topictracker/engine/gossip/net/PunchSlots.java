package io.topictracker.engine.gossip.net;

import io.topictracker.api.PeerId;
import io.topictracker.api.PeerInfo;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
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
 * <p>A side must dial at the slots even when nothing asks it to any more: measured in the lab (BENCHMARKS.md, hole
 * punching), a side often saw the other's record once, dialled at once (into a NAT that then remapped), and did not
 * see it again for minutes (why is still open), so only the other side kept dialling, at slots where nobody
 * answered. So after an unanswered dial the caller dials
 * again at the next slot on its own ({@link #redial}), up to {@link #SELF_REDIALS} unanswered dials in a row, with
 * the addresses of the last dial ({@link #dialling}).
 *
 * <p>The first dial of all normally goes out at once. Two peers new to the topic wait for their <em>first-contact
 * instant</em> instead ({@link #fresh}): a few seconds after the later of the two instants their records say each
 * started in the topic ({@link FirstContact}). Both sides read both instants from the records (their own
 * and the other's), so they dial at the same instant, when each has surely read the other's record: with NATs that
 * keep unsolicited packets the side that became aware first would otherwise send first and move the other's mapping,
 * costing both the quiet time and a slot (BENCHMARKS.md: 61 s median over 20 trials); with NATs that drop them it
 * costs at most the wait.
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
    /**
     * Unanswered dials in a row after which we stop dialling at slots on our own (dials the topics ask for still
     * go out at slots): the far side dials at every slot from its first, and two sides whose failures fall on
     * either side of a slot boundary meet within two periods of the later one; one more for a slot lost to loss.
     */
    static final int SELF_REDIALS = 4;
    private final PeerId self;
    /** Peer to the wall-clock millis its last dial failed; insertion order, so the oldest goes first. */
    private final Map<PeerId, Long> failedAt = newestPeers();

    /** Peer to the peer (with addresses) we last dialled, for {@link #redial}; same bound and order. */
    private final Map<PeerId, PeerInfo> lastDialled = newestPeers();
    /** Peer to the wall-clock millis its first dial waits for ({@link #fresh}); same bound and order. */
    private final Map<PeerId, Long> firstContactAt = newestPeers();
    /** Peer to its unanswered dials in a row; same bound and order. */
    private final Map<PeerId, Integer> unanswered = newestPeers();

    /** @return an insertion-ordered map that drops its oldest entry past {@link #MAX_PEERS} */
    private static <V> Map<PeerId, V> newestPeers() {
        return PeerMaps.newest(MAX_PEERS);
    }

    /** @param self our id, not null */
    PunchSlots(PeerId self) {
        this.self = java.util.Objects.requireNonNull(self, "self");
    }

    /**
     * Both we and {@code peer} are new to a topic: a first dial to it waits for the pair's first-contact instant
     * ({@link FirstContact#instant}), unless that has passed or a dial to it failed already (the punch slots rule
     * then). A since ahead of our clock (a skewed or lying peer) makes us wait no longer than
     * {@link FirstContact#FAR_MILLIS} from now.
     *
     * @param ourSince our record's since instant; @param theirSince the peer's record's; both wall-clock millis
     */
    void fresh(PeerId peer, long ourSince, long theirSince, long nowMillis) {
        long at = FirstContact.instant(ourSince, theirSince);
        if (at <= nowMillis || failedAt.containsKey(peer)) {
            return;
        }
        firstContactAt.remove(peer);
        firstContactAt.put(peer, Math.min(at, nowMillis + FirstContact.FAR_MILLIS));
    }

    /** A dial to {@code peer} ended unanswered at {@code nowMillis} (wall clock). */
    void failed(PeerId peer, long nowMillis) {
        firstContactAt.remove(peer);
        failedAt.remove(peer);
        failedAt.put(peer, nowMillis);
        Integer count = unanswered.remove(peer);
        unanswered.put(peer, count == null ? 1 : count + 1);
    }

    /** A dial to {@code peer} (not null) starts: its addresses are what {@link #redial} dials again. */
    void dialling(PeerInfo peer) {
        lastDialled.remove(peer.id());
        lastDialled.put(peer.id(), peer);
    }

    /**
     * @return the peer to dial again on our own at {@link #dialAt} after an unanswered dial (the far side may dial
     *     at that slot though nothing here asks for it), or null: no unanswered dial, {@link #SELF_REDIALS} of them
     *     in a row already, or its addresses forgotten
     */
    PeerInfo redial(PeerId peer) {
        Integer count = unanswered.get(peer);
        if (count == null || count > SELF_REDIALS) {
            return null;
        }
        return lastDialled.get(peer);
    }

    /** A connection with {@code peer} came up: its next dial, if ever, goes out at once. */
    void connected(PeerId peer) {
        firstContactAt.remove(peer);
        failedAt.remove(peer);
        unanswered.remove(peer);
    }

    /**
     * @param nowMillis the wall clock
     * @return when a dial to {@code peer} may go out: if nothing failed, {@code nowMillis} or the pair's first-contact
     *     instant if that is later ({@link #fresh}); else the pair's first slot at or after the failure plus
     *     {@link #QUIET_MILLIS} (and not before now)
     */
    long dialAt(PeerId peer, long nowMillis) {
        Long failed = failedAt.get(peer);
        if (failed == null) {
            Long first = firstContactAt.get(peer);
            return first == null ? nowMillis : Math.max(nowMillis, first);
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
