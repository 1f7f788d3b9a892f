package io.topictracker.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.api.PeerId;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The bounded receiver: drop oldest, report Lagged(n) before the next event. */
class EventQueueTest {
    private static PeerId peer(int i) {
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) i);
        return PeerId.of(key);
    }

    @Test
    void overflowDropsTheOldestAndDeliversLaggedFirst() throws Exception {
        EventQueue queue = new EventQueue(3);
        for (int i = 0; i < 5; i++) {
            queue.offer(new TopicEvent.NeighborUp(peer(i)));
        }
        assertEquals(3, queue.size(), "never more than the capacity");
        assertEquals(new TopicEvent.Lagged(2), queue.next(Duration.ofSeconds(1)));
        assertEquals(new TopicEvent.NeighborUp(peer(2)), queue.next(Duration.ofSeconds(1)));
        assertEquals(Optional.of(new TopicEvent.NeighborUp(peer(3))), queue.poll());
        assertEquals(Optional.of(new TopicEvent.NeighborUp(peer(4))), queue.poll());
        assertTrue(queue.poll().isEmpty());
        assertNull(queue.next(Duration.ofMillis(1)), "null on timeout");
    }
}
