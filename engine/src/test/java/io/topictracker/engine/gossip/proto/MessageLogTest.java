package io.topictracker.engine.gossip.proto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.api.PeerId;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The delivered-id log and payload cache of PlumTree: bounds, expiry, order, and the index under churn. */
class MessageLogTest {
    private static final PeerId AUTHOR = PeerId.of(new byte[32]);

    private static Gossip gossip(long seq, int round) {
        return new Gossip(AUTHOR, seq, ByteBuffer.allocate(8).putLong(seq).array(), new byte[0], round, false);
    }

    @Test
    void anIdIsRememberedForItsRetentionAndAPayloadForItsOwn() {
        MessageLog log = new MessageLog(100, 100, 90, 30);
        Gossip g = gossip(1, 3);
        log.add(g.id(), g, 4, 1_000);
        assertTrue(log.contains(g.id()));
        assertEquals(4, log.cached(g.id()).round(), "answered one hop further than received");
        log.evict(1_029);
        assertEquals(1, log.cachedCount());
        log.evict(1_030);
        assertEquals(0, log.cachedCount());
        assertNull(log.cached(g.id()));
        assertTrue(log.contains(g.id()));
        log.evict(1_089);
        assertTrue(log.contains(g.id()));
        log.evict(1_090);
        assertFalse(log.contains(g.id()));
        assertEquals(0, log.size());
    }

    @Test
    void anOwnBroadcastIsAnsweredAtRoundZeroWithTheSamePayload() {
        MessageLog log = new MessageLog(10, 10, 90, 30);
        Gossip own = gossip(1, 0);
        log.add(own.id(), own, 0, 0);
        Gossip answer = log.cached(own.id());
        assertEquals(0, answer.round());
        assertSame(own.payloadUnsafe(), answer.payloadUnsafe(), "the payload is shared, not copied");
        assertEquals(own.id(), answer.id());
    }

    @Test
    void theOldestIdsAndPayloadsGoFirstWhenFull() {
        MessageLog log = new MessageLog(8, 3, 1_000, 1_000);
        List<Gossip> all = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            Gossip g = gossip(i, 0);
            all.add(g);
            // Every third one carries no payload (a neighbours-only message).
            log.add(g.id(), i % 3 == 2 ? null : g, 1, i);
        }
        assertEquals(8, log.size());
        assertEquals(3, log.cachedCount());
        for (int i = 0; i < 12; i++) {
            assertEquals(i >= 4, log.contains(all.get(i).id()), "id " + i);
        }
        // Payloads: 11 has none; the newest three with one are 10, 9, 7.
        List<Integer> cached = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            if (log.cached(all.get(i).id()) != null) {
                cached.add(i);
            }
        }
        assertEquals(List.of(7, 9, 10), cached);
        List<Long> newestFirst = new ArrayList<>();
        log.forEachCachedNewestFirst(0, (payload, round) -> newestFirst.add(payload.seq()));
        assertEquals(List.of(10L, 9L, 7L), newestFirst);
        List<Long> firstTwo = new ArrayList<>();
        log.forEachCachedNewestFirst(0, (payload, round) -> firstTwo.add(payload.seq()) && firstTwo.size() < 2);
        assertEquals(List.of(10L, 9L), firstTwo);
    }

    @Test
    void expiredPayloadsAreNotListedBeforeTheSweep() {
        MessageLog log = new MessageLog(10, 10, 90, 30);
        Gossip old = gossip(1, 0);
        Gossip fresh = gossip(2, 0);
        log.add(old.id(), old, 1, 0);
        log.add(fresh.id(), fresh, 1, 20);
        List<Long> listed = new ArrayList<>();
        log.forEachCachedNewestFirst(35, (payload, round) -> listed.add(payload.seq()));
        assertEquals(List.of(2L), listed);
    }

    /** Random adds and sweeps against a plain model: the open-addressing index must never lose or invent an id. */
    @Test
    void theIndexAgreesWithAPlainModelUnderChurn() {
        SplittableRandom random = new SplittableRandom(42);
        MessageLog log = new MessageLog(300, 50, 400, 100);
        ArrayDeque<long[]> model = new ArrayDeque<>(); // {seq, time}
        List<Gossip> made = new ArrayList<>();
        long now = 0;
        for (int step = 0; step < 20_000; step++) {
            now += random.nextInt(3);
            Gossip g = gossip(step, 0);
            made.add(g);
            log.add(g.id(), g, 1, now);
            model.addLast(new long[] {step, now});
            if (model.size() > 300) {
                model.removeFirst();
            }
            if (random.nextInt(50) == 0) {
                log.evict(now);
                while (!model.isEmpty() && model.peekFirst()[1] + 400 <= now) {
                    model.removeFirst();
                }
            }
            assertEquals(model.size(), log.size());
            if (step % 97 == 0) {
                long oldest = model.isEmpty() ? Long.MAX_VALUE : model.peekFirst()[0];
                for (int k = Math.max(0, step - 600); k <= step; k++) {
                    assertEquals(k >= oldest, log.contains(made.get(k).id()), "step " + step + " id " + k);
                }
            }
        }
    }
}
