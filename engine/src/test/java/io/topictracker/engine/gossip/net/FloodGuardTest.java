package io.topictracker.engine.gossip.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.api.PeerId;
import io.topictracker.api.PeerInfo;
import io.topictracker.engine.gossip.net.FloodGuard.Kind;
import io.topictracker.engine.gossip.net.FloodGuard.Verdict;
import io.topictracker.engine.gossip.proto.Gossip;
import io.topictracker.engine.gossip.proto.Message;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The per-neighbour throttle of issue 16: buckets by kind, strikes, disconnect and ban. Pure: time is given. */
class FloodGuardTest {
    private static final PeerId ROGUE = PeerId.of(filled(1));
    private static final PeerId HONEST = PeerId.of(filled(2));
    private static final Message BROADCAST = new Gossip(ROGUE, 1, new byte[] {1}, new byte[64], 0, false);
    private static final Message JOIN = new Message.ForwardJoin(new PeerInfo(HONEST, List.of()), 3);
    private static final Message SHUFFLE = new Message.Shuffle(new PeerInfo(HONEST, List.of()), List.of(), 3);
    private static final Message CONTROL = new Message.Disconnect(true);

    private static FloodGuard guard(int broadcasts, int joins, int disconnectAfter, long banMillis) {
        return new FloodGuard(Map.of(Kind.BROADCAST, broadcasts, Kind.RELAYED_BROADCAST, broadcasts, Kind.JOIN,
                joins, Kind.SHUFFLE, 5, Kind.CONTROL, 100), disconnectAfter, banMillis);
    }

    @Test
    void aBurstOfTwiceTheRatePassesThenTheRateItself() {
        FloodGuard guard = guard(10, 10, 1000, 60_000);
        for (int i = 0; i < 20; i++) {
            assertEquals(Verdict.PASS, guard.admit(ROGUE, BROADCAST, 0), "burst message " + i);
        }
        assertEquals(Verdict.DROP, guard.admit(ROGUE, BROADCAST, 0));
        // 100 ms at 10/s is one token
        assertEquals(Verdict.PASS, guard.admit(ROGUE, BROADCAST, 100));
        assertEquals(Verdict.DROP, guard.admit(ROGUE, BROADCAST, 100));
        // a second refills ten, never more than the burst however long the pause
        long now = 100_000;
        int passed = 0;
        for (int i = 0; i < 50; i++) {
            if (guard.admit(ROGUE, BROADCAST, now) == Verdict.PASS) {
                passed++;
            }
        }
        assertEquals(20, passed);
    }

    @Test
    void kindsAndNeighboursHaveBucketsOfTheirOwn() {
        FloodGuard guard = guard(1000, 2, 1000, 60_000);
        for (int i = 0; i < 4; i++) {
            assertEquals(Verdict.PASS, guard.admit(ROGUE, JOIN, 0));
        }
        assertEquals(Verdict.DROP, guard.admit(ROGUE, new Message.Join(new PeerInfo(ROGUE, List.of()), new byte[32]),
                0), "Join and ForwardJoin share the join bucket");
        assertEquals(Verdict.PASS, guard.admit(ROGUE, BROADCAST, 0), "broadcasts are counted apart");
        assertEquals(Verdict.PASS, guard.admit(ROGUE, SHUFFLE, 0));
        assertEquals(Verdict.PASS, guard.admit(ROGUE, CONTROL, 0));
        assertEquals(Verdict.PASS, guard.admit(HONEST, JOIN, 0), "another neighbour has its own bucket");
    }

    @Test
    void aSustainedFloodIsDisconnectedAndBannedForItsTime() {
        FloodGuard guard = guard(10, 10, 50, 60_000);
        Verdict last = Verdict.PASS;
        int sent = 0;
        while (last != Verdict.DISCONNECT && sent < 1000) {
            last = guard.admit(ROGUE, BROADCAST, sent); // a thousand a second
            sent++;
        }
        assertEquals(Verdict.DISCONNECT, last, "disconnected within 1000 messages");
        // the burst of 20 passes, then (a token per 100 ms) nearly all drop; the 50th drop disconnects
        assertTrue(sent >= 70 && sent < 80, "disconnected after " + sent + " messages");
        long bannedAt = sent - 1; // the clock of the message that disconnected it
        assertTrue(guard.isBanned(ROGUE, bannedAt));
        assertFalse(guard.isBanned(HONEST, bannedAt));
        assertTrue(guard.isBanned(ROGUE, bannedAt + 59_999L));
        assertFalse(guard.isBanned(ROGUE, bannedAt + 60_000L), "the ban ends");
        assertEquals(0, guard.tracked(), "a disconnected neighbour's buckets are gone");
    }

    @Test
    void occasionalOverflowsDrainAndNeverDisconnect() {
        FloodGuard guard = guard(10, 10, 50, 60_000);
        long now = 0;
        // Every 15 s a burst of 30: 20 pass, 10 drop. 60 such bursts (15 minutes) drop 600 in all, 40 a minute,
        // while strikes drain at 50 a minute: the count never reaches 50.
        for (int burst = 0; burst < 60; burst++) {
            for (int i = 0; i < 30; i++) {
                Verdict verdict = guard.admit(HONEST, BROADCAST, now);
                assertTrue(verdict != Verdict.DISCONNECT, "burst " + burst + " message " + i);
            }
            now += 15_000;
        }
        assertFalse(guard.isBanned(HONEST, now));
    }

    @Test
    void relayedBroadcastsAreThrottledButNeverDisconnectTheRelay() {
        FloodGuard guard = guard(10, 10, 5, 60_000);
        Message relayed = new Gossip(ROGUE, 1, new byte[] {1}, new byte[64], 3, false);
        int dropped = 0;
        for (int i = 0; i < 1000; i++) {
            Verdict verdict = guard.admit(HONEST, relayed, 0);
            assertTrue(verdict != Verdict.DISCONNECT, "message " + i);
            if (verdict == Verdict.DROP) {
                dropped++;
            }
        }
        assertEquals(980, dropped, "the burst of 20 passed, the rest dropped");
        assertFalse(guard.isBanned(HONEST, 0));
        Message own = new Gossip(HONEST, 1, new byte[] {1}, new byte[64], 0, false);
        assertEquals(Verdict.PASS, guard.admit(HONEST, own, 0), "its own broadcasts have a bucket of their own");
    }

    @Test
    void aZeroRateMeansNoLimit() {
        FloodGuard guard = guard(0, 10, 1, 60_000);
        for (int i = 0; i < 10_000; i++) {
            assertEquals(Verdict.PASS, guard.admit(ROGUE, BROADCAST, 0));
        }
        assertEquals(0, guard.tracked(), "unlimited kinds keep no state");
    }

    @Test
    void forgettingANeighbourKeepsItsBan() {
        FloodGuard guard = guard(1, 1, 1, 60_000);
        guard.admit(ROGUE, JOIN, 0);
        guard.admit(ROGUE, JOIN, 0);
        assertEquals(Verdict.DISCONNECT, guard.admit(ROGUE, JOIN, 0));
        guard.forget(ROGUE);
        assertTrue(guard.isBanned(ROGUE, 1));
        guard.admit(HONEST, JOIN, 0);
        guard.forget(HONEST);
        assertEquals(0, guard.tracked());
    }

    @Test
    void refusesARateMissingOrNegative() {
        assertThrows(IllegalArgumentException.class,
                () -> new FloodGuard(Map.of(Kind.BROADCAST, 1), 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new FloodGuard(Map.of(Kind.BROADCAST, -1,
                Kind.RELAYED_BROADCAST, 1, Kind.JOIN, 1, Kind.SHUFFLE, 1, Kind.CONTROL, 1), 1, 0));
    }

    private static byte[] filled(int value) {
        byte[] bytes = new byte[32];
        Arrays.fill(bytes, (byte) value);
        return bytes;
    }
}
