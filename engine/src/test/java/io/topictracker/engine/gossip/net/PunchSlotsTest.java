package io.topictracker.engine.gossip.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.api.PeerAddress;
import io.topictracker.api.PeerId;
import io.topictracker.api.PeerInfo;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The punch schedule: who may dial when after an unanswered dial, computed alike on both sides. */
class PunchSlotsTest {
    private static PeerId id(int seed) {
        byte[] bytes = new byte[32];
        new Random(seed).nextBytes(bytes);
        return PeerId.of(bytes);
    }

    private final PeerId a = id(1);
    private final PeerId b = id(2);

    @Test
    void bothSidesComputeTheSameOffsetWithinThePeriod() {
        long offset = PunchSlots.offset(a, b);
        assertEquals(offset, PunchSlots.offset(b, a));
        assertTrue(offset >= 0 && offset < PunchSlots.PERIOD_MILLIS, "offset " + offset);
        assertEquals(new PunchSlots(a).nextSlot(1_000_000, b), new PunchSlots(b).nextSlot(1_000_000, a));
    }

    @Test
    void aFirstDialGoesOutAtOnceAndAConnectionClearsTheBackOff() {
        PunchSlots slots = new PunchSlots(a);
        assertEquals(5_000, slots.dialAt(b, 5_000));
        slots.failed(b, 5_000);
        assertTrue(slots.dialAt(b, 5_000) > 5_000);
        slots.connected(b);
        assertEquals(6_000, slots.dialAt(b, 6_000));
    }

    @Test
    void twoFreshPeersFirstDialEachOtherAtTheSameInstantWhateverTheOrderTheyLearntOfEachOther() {
        long sinceA = 1_796_000_000_000L;
        long sinceB = sinceA + 1_700; // b came second: its record is the later one
        PunchSlots onA = new PunchSlots(a);
        PunchSlots onB = new PunchSlots(b);
        // b reads a's record as it starts; a reads b's up to a couple of seconds later
        onB.fresh(a, sinceB, sinceA, sinceB + 400);
        onA.fresh(b, sinceA, sinceB, sinceB + 2_600);
        long instant = sinceB + FirstContact.NEAR_MILLIS; // a still reads the slot without a pause
        assertEquals(instant, onB.dialAt(a, sinceB + 400));
        assertEquals(instant, onA.dialAt(b, sinceB + 2_600));
        assertEquals(instant + 5, onA.dialAt(b, instant + 5), "past the instant: at once");
    }

    @Test
    void aFirstContactInstantPassedOrAfterAFailureOrAheadOfOurClockDoesNotHoldADialBack() {
        PunchSlots slots = new PunchSlots(a);
        long now = 1_796_000_000_000L;
        slots.fresh(b, now - 60_000, now - FirstContact.FAR_MILLIS, now);
        assertEquals(now, slots.dialAt(b, now), "long-standing peers dial at once");

        slots.fresh(b, now, now + 3_600_000, now);
        assertEquals(now + FirstContact.FAR_MILLIS, slots.dialAt(b, now), "a since an hour ahead waits the first-contact time, no more");

        slots.failed(b, now + 1);
        long slot = slots.dialAt(b, now + 1);
        assertTrue(slot >= now + 1 + PunchSlots.QUIET_MILLIS, "after a failure the slots rule");
        slots.fresh(b, now, now + 1, now + 2);
        assertEquals(slot, slots.dialAt(b, now + 2), "and a later fresh Join does not undo them");

        slots.connected(b);
        slots.fresh(b, now, now, now);
        slots.connected(b);
        assertEquals(now, slots.dialAt(b, now), "a connection clears the instant");
    }

    @Test
    void afterAnUnansweredDialTheNextWaitsTheQuietTimeAndLandsOnThePairsSlot() {
        PunchSlots slots = new PunchSlots(a);
        long failed = 1_700_000_000_000L;
        slots.failed(b, failed);
        long next = slots.dialAt(b, failed + 1);
        assertTrue(next >= failed + PunchSlots.QUIET_MILLIS, "quiet first");
        assertTrue(next < failed + PunchSlots.QUIET_MILLIS + PunchSlots.PERIOD_MILLIS, "then the next slot");
        assertEquals(PunchSlots.offset(a, b), Math.floorMod(next, PunchSlots.PERIOD_MILLIS));
        assertEquals(next, slots.dialAt(b, next), "a dial due at its slot goes out then");
    }

    /**
     * The property the schedule exists for: two sides that failed at different moments, each dialling at every slot
     * after its quiet time (a slot dial ends within 10 s), meet at a slot where both dial and where neither has sent
     * anything in the quiet time before it.
     */
    @Test
    void twoSidesThatFailedAtDifferentMomentsMeetAtACleanSlot() {
        Random random = new Random(7);
        for (int trial = 0; trial < 2_000; trial++) {
            PunchSlots atA = new PunchSlots(a);
            PunchSlots atB = new PunchSlots(b);
            long start = 1_700_000_000_000L + random.nextInt(1_000_000);
            long aFailed = start + 10_000;
            long bFailed = start + random.nextInt(60_000) + 10_000;
            atA.failed(b, aFailed);
            atB.failed(a, bFailed);
            long aSlot = atA.dialAt(b, aFailed);
            long bSlot = atB.dialAt(a, bFailed);
            // each side keeps dialling at every slot (its slot dial fails at slot + 10 s) until both dial at one
            for (int round = 0; round < 10 && aSlot != bSlot; round++) {
                if (aSlot < bSlot) {
                    long lastPacket = aSlot + 10_000;
                    atA.failed(b, lastPacket);
                    long nextA = atA.dialAt(b, lastPacket);
                    assertTrue(nextA - lastPacket >= PunchSlots.QUIET_MILLIS, "A stays quiet long enough");
                    aSlot = nextA;
                } else {
                    long lastPacket = bSlot + 10_000;
                    atB.failed(a, lastPacket);
                    bSlot = atB.dialAt(a, lastPacket);
                }
            }
            assertEquals(aSlot, bSlot, "trial " + trial);
            long meeting = aSlot;
            // nothing either side sent before the meeting slot is within the quiet time of it
            assertTrue(meeting - aFailed >= PunchSlots.QUIET_MILLIS && meeting - bFailed >= PunchSlots.QUIET_MILLIS);
            assertTrue(meeting - Math.max(aFailed, bFailed) < PunchSlots.QUIET_MILLIS + 2 * PunchSlots.PERIOD_MILLIS,
                    "within two periods of the later failure");
        }
    }

    /**
     * The lab's failure mode: a side saw the other's record once, its first dial went unanswered, and nothing asked
     * it to dial again. It redials on its own at the next slots with the last dial's addresses, up to
     * {@link PunchSlots#SELF_REDIALS} unanswered dials in a row; a connection ends that.
     */
    @Test
    void afterAnUnansweredDialItRedialsOnItsOwnWithTheSameAddressesABoundedNumberOfTimes() {
        PunchSlots slots = new PunchSlots(a);
        assertNull(slots.redial(b), "nothing failed: nothing to redial");
        PeerInfo peer = new PeerInfo(b, List.of(PeerAddress.parse("quic://198.51.100.2:4000")));
        long now = 1_700_000_000_000L;
        slots.dialling(peer);
        for (int failure = 1; failure <= PunchSlots.SELF_REDIALS; failure++) {
            slots.failed(b, now);
            assertEquals(peer, slots.redial(b), "redial after unanswered dial " + failure);
            now = slots.dialAt(b, now) + 10_000;
        }
        slots.failed(b, now);
        assertNull(slots.redial(b), "bounded: the far side has had every slot to answer");
        slots.connected(b);
        slots.failed(b, now + 1);
        assertEquals(peer, slots.redial(b), "a connection starts the count again");
        PunchSlots forgetful = new PunchSlots(a);
        forgetful.failed(b, now);
        assertNull(forgetful.redial(b), "without a dial's addresses there is nothing to redial");
    }
}
