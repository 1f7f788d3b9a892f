package io.topictracker.e2e;

import static io.topictracker.e2e.Swarm.SECRET;
import static io.topictracker.e2e.Swarm.TOPIC;
import static io.topictracker.e2e.Swarm.WAIT;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.engine.Node;
import io.topictracker.engine.config.NodeConfig;
import io.topictracker.engine.Topic;
import io.topictracker.tck.Await;
import io.topictracker.tck.JvmResources;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * The cycle soak as a test (the full counts, 1,000 topic cycles and 200 node cycles, are {@code bench}'s
 * {@code CycleSoakBenchmark}; node cycles take about half a second each here, so the test runs fewer): a node joins a
 * topic, reaches a neighbour and closes the topic, {@value #TOPIC_CYCLES} times; and a node starts, joins, reaches a
 * neighbour and closes, {@value #NODE_CYCLES} times; both against one anchor node holding the topic, over TCP on
 * 127.0.0.1 and the in-memory DHT. Afterwards every thread and socket, pipe or event descriptor started since the
 * warm-up is gone again (within a bounded wait: closing is partly asynchronous), and the heap after full GCs is back
 * within {@value #HEAP_TOLERANCE_MB} MB of its baseline.
 *
 * <p>Why {@value #HEAP_TOLERANCE_MB} MB: measured here, the used heap after GC moves by up to 0.5 MB between such
 * measurements with nothing leaking, and node cycles add about 2 KB each to the JDK's own certificate cache (each new
 * node's certificate, parsed by the anchor; {@code X509Factory} keeps up to 750 of them, softly), 0.1 MB over
 * {@value #NODE_CYCLES} cycles. What a leak would add is well past it: a closed topic held after closing is about
 * 7 KB (the leak this test found: 1,000 cycles held 6.9 MB, see {@code PendingTimers}), and a node started and
 * joined holds about 2.6 MB, so a single leaked node fails the check.
 */
class CycleSoakTest {
    private static final int WARM_UP = 10;
    private static final int TOPIC_CYCLES = 1000;
    private static final int NODE_CYCLES = 30;
    private static final long HEAP_TOLERANCE_MB = 2;
    private static final Duration RELEASE_WAIT = Duration.ofSeconds(20);

    @Test
    void joiningAndClosingATopicRepeatedlyLeavesNoThreadDescriptorOrHeapBehind() {
        try (Swarm swarm = new Swarm()) {
            Node anchor = swarm.start("anchor", CycleSoakTest::floodGuardRatesRaised);
            Topic anchored = anchor.joinNoWait(TOPIC, SECRET);
            Node cycler = swarm.start("cycler", CycleSoakTest::floodGuardRatesRaised);
            for (int i = 0; i < WARM_UP; i++) {
                topicCycle(cycler, anchored);
            }
            JvmResources.Snapshot before = JvmResources.take();
            long heapBefore = usedHeapAfterGc();
            long start = System.nanoTime();
            for (int i = 0; i < TOPIC_CYCLES; i++) {
                topicCycle(cycler, anchored);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            JvmResources.awaitReleased(before, RELEASE_WAIT,
                    TOPIC_CYCLES + " join/close cycles of a topic must leave no thread or descriptor behind");
            assertHeapBack(heapBefore, TOPIC_CYCLES + " topic cycles", seconds);
        }
    }

    @Test
    void startingJoiningAndClosingANodeRepeatedlyLeavesNoThreadDescriptorOrHeapBehind() {
        try (Swarm swarm = new Swarm()) {
            Node anchor = swarm.start("anchor");
            Topic anchored = anchor.joinNoWait(TOPIC, SECRET);
            for (int i = 0; i < WARM_UP; i++) {
                nodeCycle(swarm, "warm-up-" + i, anchored);
            }
            JvmResources.Snapshot before = JvmResources.take();
            long heapBefore = usedHeapAfterGc();
            long start = System.nanoTime();
            for (int i = 0; i < NODE_CYCLES; i++) {
                nodeCycle(swarm, "cycle-" + i, anchored);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            JvmResources.awaitReleased(before, RELEASE_WAIT,
                    NODE_CYCLES + " start/join/close cycles of a node must leave no thread or descriptor behind");
            assertHeapBack(heapBefore, NODE_CYCLES + " node cycles", seconds);
        }
    }

    /**
     * Joins, waits for the first neighbour (the anchor), closes; then reads the anchor's events (NeighborUp and
     * NeighborDown of each cycle), which would otherwise pile up to the queue's capacity and count as heap growth.
     */
    private static void topicCycle(Node node, Topic anchored) {
        Topic topic = node.joinNoWait(TOPIC, SECRET);
        try {
            Await.result(topic.joined(), WAIT);
        } finally {
            topic.close();
        }
        while (anchored.receiver().poll().isPresent()) {
            // discard
        }
    }

    /**
     * The topic cycles send the anchor a Join, and both sides Neighbor and Disconnect messages, hundreds of times a
     * second from one neighbour: a flood by the flood guard's default rates. What this test measures is what a closed
     * topic leaves behind, so the guard's rates are raised here and the cycles run at full speed; a joiner the guard
     * throttles is {@code ThrottledJoinerTest}'s subject.
     */
    private static NodeConfig.Builder floodGuardRatesRaised(NodeConfig.Builder builder) {
        return builder.set("gossip.max_joins_per_second_per_peer", 100_000)
                .set("gossip.max_control_messages_per_second_per_peer", 100_000)
                .set("gossip.max_shuffles_per_second_per_peer", 100_000);
    }

    private static void nodeCycle(Swarm swarm, String name, Topic anchored) {
        try (Node node = swarm.startUntracked(name)) {
            topicCycle(node, anchored);
        }
    }

    private static void assertHeapBack(long before, String what, double seconds) {
        long after = usedHeapAfterGc();
        System.out.printf(Locale.ROOT, "%s in %.1f s: heap after GC %.1f MB -> %.1f MB (%+.2f MB)%n", what,
                seconds, before / 1e6, after / 1e6, (after - before) / 1e6);
        assertTrue(after - before <= HEAP_TOLERANCE_MB << 20, String.format(Locale.ROOT,
                "after %s the heap after GC grew by %.2f MB, more than the %d MB tolerance", what,
                (after - before) / 1e6, HEAP_TOLERANCE_MB));
    }

    /** @return the used heap after full collections (several: one may leave what finalizers and cleaners free) */
    private static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
