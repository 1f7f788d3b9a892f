package io.topictracker.engine.topic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.engine.records.MessageHash;
import io.topictracker.engine.records.RecordContent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The last-message-hashes list and the join signal. */
class MessageHashesAndSignalTest {
    @Test
    void keepsTheLastFiveNewestFirstWithoutDuplicates() {
        MessageHashes hashes = new MessageHashes();
        for (int i = 0; i < 7; i++) {
            hashes.add(("m" + i).getBytes(StandardCharsets.UTF_8));
        }
        hashes.add("m4".getBytes(StandardCharsets.UTF_8));
        assertEquals(RecordContent.MAX_MESSAGE_HASHES, hashes.snapshot().size());
        assertEquals(MessageHashes.hash("m4".getBytes(StandardCharsets.UTF_8)), hashes.snapshot().get(0));
        assertEquals(MessageHashes.hash("m6".getBytes(StandardCharsets.UTF_8)), hashes.snapshot().get(1));
        assertFalse(hashes.snapshot().contains(MessageHashes.hash("m1".getBytes(StandardCharsets.UTF_8))));
        assertEquals(MessageHash.LENGTH, hashes.snapshot().get(0).toBytes().length);
    }

    @Test
    void aWaitEndsAtOnceWhenJoinedOrCancelledAndRunsAgainAfterTheNeighbourLeft() throws Exception {
        JoinSignal signal = new JoinSignal();
        signal.await(Duration.ofMillis(1)); // times out
        assertFalse(signal.joined());
        signal.up();
        assertTrue(signal.joined());
        signal.await(Duration.ofDays(1)); // returns at once: joined
        signal.down();
        assertFalse(signal.joined());
        signal.cancel();
        signal.await(Duration.ofDays(1)); // returns at once: cancelled
        assertTrue(signal.cancelled());
    }
}
