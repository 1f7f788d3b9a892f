package io.topictracker.engine.topic;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.topictracker.api.PeerId;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The join log keeps the newest entries, numbered in the order sent. */
class JoinLogTest {
    @Test
    void keepsTheNewestEntriesNumberedFromOne() {
        JoinLog log = new JoinLog();
        PeerId peer = PeerId.of(new byte[32]);
        log.add(peer, JoinLog.Source.BOOTSTRAP);
        assertEquals(List.of(new JoinLog.Entry(1, peer, JoinLog.Source.BOOTSTRAP)), log.snapshot());
        for (int i = 0; i < JoinLog.CAPACITY + 10; i++) {
            log.add(peer, JoinLog.Source.BUBBLE_MERGE);
        }
        List<JoinLog.Entry> kept = log.snapshot();
        assertEquals(JoinLog.CAPACITY, kept.size());
        assertEquals(12, kept.get(0).sequence(), "the 11 oldest were dropped");
        assertEquals(JoinLog.CAPACITY + 11, kept.get(kept.size() - 1).sequence());
    }
}
