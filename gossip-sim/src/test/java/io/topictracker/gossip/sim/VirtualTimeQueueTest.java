package io.topictracker.gossip.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.PriorityQueue;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The simulator's event queue: earliest first, insertion order among equal times, every field kept. */
class VirtualTimeQueueTest {
    private record Expected(long time, long order, int kind, int node, int peer, Object item) {}

    @Test
    void eventsComeOutByTimeThenInsertionOrderWithTheirFields() {
        SplittableRandom random = new SplittableRandom(7);
        VirtualTimeQueue queue = new VirtualTimeQueue();
        PriorityQueue<Expected> model = new PriorityQueue<>((a, b) -> a.time() != b.time()
                ? Long.compare(a.time(), b.time()) : Long.compare(a.order(), b.order()));
        long order = 0;
        long now = 0;
        for (int step = 0; step < 50_000; step++) {
            if (model.isEmpty() || random.nextInt(3) > 0) {
                long time = now + random.nextInt(20);
                Object item = random.nextBoolean() ? null : "item " + step;
                Expected e = new Expected(time, order++, random.nextInt(3), random.nextInt(1000),
                        random.nextInt(1000), item);
                model.add(e);
                queue.add(e.time(), e.kind(), e.node(), e.peer(), e.item());
            } else {
                Expected e = model.poll();
                assertEquals(e.time(), queue.peekTime());
                queue.poll();
                now = e.time();
                assertEquals(e.time(), queue.polledTime());
                assertEquals(e.kind(), queue.polledKind());
                assertEquals(e.node(), queue.polledNode());
                assertEquals(e.peer(), queue.polledPeer());
                assertSame(e.item(), queue.polledItem());
            }
        }
        while (!model.isEmpty()) {
            queue.poll();
            assertEquals(model.poll().node(), queue.polledNode());
        }
        assertTrue(queue.isEmpty());
    }

    @Test
    void aTimeOutOfRangeIsRefused() {
        VirtualTimeQueue queue = new VirtualTimeQueue();
        assertThrows(IllegalArgumentException.class, () -> queue.add(-1, 0, 0, 0, null));
        assertThrows(IllegalArgumentException.class, () -> queue.add(VirtualTimeQueue.MAX_TIME + 1, 0, 0, 0, null));
    }
}
