package io.topictracker.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.api.PeerId;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The bounded receiver: drop oldest, report Lagged(n) before the next event, and end after close. */
class TopicEventQueueTest {
    private static final Duration LONG = Duration.ofSeconds(30);

    private static PeerId peer(int i) {
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) i);
        return PeerId.of(key);
    }

    @Test
    void overflowDropsTheOldestAndDeliversLaggedFirst() throws Exception {
        TopicEventQueue queue = new TopicEventQueue(3);
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

    @Test
    void aConsumerBlockedInNextWakesWithClosedWhenTheQueueCloses() throws Exception {
        TopicEventQueue queue = new TopicEventQueue(8);
        CountDownLatch waiting = new CountDownLatch(1);
        CompletableFuture<TopicEvent> answer = CompletableFuture.supplyAsync(() -> {
            waiting.countDown();
            try {
                return queue.next(LONG);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        assertTrue(waiting.await(10, TimeUnit.SECONDS));
        assertFalse(answer.isDone(), "nothing queued and still open: the consumer waits");
        queue.close();
        // far below LONG: the consumer was woken by the close, not by its timeout
        assertEquals(new TopicEvent.Closed(), answer.get(10, TimeUnit.SECONDS));
    }

    @Test
    void closingKeepsWhatIsQueuedThenAnswersClosedToEveryCall() throws Exception {
        TopicEventQueue queue = new TopicEventQueue(2);
        for (int i = 0; i < 3; i++) {
            queue.offer(new TopicEvent.NeighborUp(peer(i)));
        }
        queue.close();
        queue.offer(new TopicEvent.NeighborUp(peer(9)));
        assertFalse(queue.isDrained(), "events are still queued");
        assertEquals(new TopicEvent.Lagged(1), queue.next(LONG));
        assertEquals(new TopicEvent.NeighborUp(peer(1)), queue.next(LONG));
        assertEquals(Optional.of(new TopicEvent.NeighborUp(peer(2))), queue.poll());
        assertTrue(queue.isDrained(), "an offer after close is ignored");
        assertEquals(new TopicEvent.Closed(), queue.next(LONG));
        assertEquals(new TopicEvent.Closed(), queue.next(Duration.ZERO), "again, at once");
        assertEquals(Optional.of(new TopicEvent.Closed()), queue.poll());
    }

    @Test
    void theStreamEndsAfterTheLastQueuedEventOnceClosed() throws Exception {
        TopicEventQueue queue = new TopicEventQueue(8);
        CompletableFuture<List<TopicEvent>> consumed = CompletableFuture.supplyAsync(() -> queue.stream().toList());
        queue.offer(new TopicEvent.NeighborUp(peer(1)));
        queue.offer(new TopicEvent.NeighborDown(peer(1)));
        queue.close();
        assertEquals(List.of(new TopicEvent.NeighborUp(peer(1)), new TopicEvent.NeighborDown(peer(1))),
                consumed.get(10, TimeUnit.SECONDS), "in order, without the Closed marker");
    }

    @Test
    void interruptingTheStreamsThreadEndsTheStreamAndKeepsTheFlag() throws Exception {
        TopicEventQueue queue = new TopicEventQueue(8);
        CompletableFuture<Boolean> interruptedAfter = new CompletableFuture<>();
        Thread consumer = new Thread(() -> {
            long count = queue.stream().count();
            interruptedAfter.complete(count == 0 && Thread.currentThread().isInterrupted());
        });
        consumer.start();
        consumer.interrupt();
        assertTrue(interruptedAfter.get(10, TimeUnit.SECONDS));
        consumer.join(10_000);
    }
}
