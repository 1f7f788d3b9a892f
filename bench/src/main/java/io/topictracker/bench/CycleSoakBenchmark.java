package io.topictracker.bench;

import io.topictracker.bench.support.Args;
import io.topictracker.engine.Node;
import io.topictracker.engine.Topic;
import io.topictracker.engine.config.NodeConfig;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The cycle soak of issue #16 at full counts (e2e-tests' {@code CycleSoakTest} runs the same cycles, fewer node
 * cycles, with assertions): against one anchor node holding a topic, a node joins the topic, reaches the anchor and
 * closes the topic, {@code topic_cycles} times; then a node starts, joins, reaches the anchor and closes,
 * {@code node_cycles} times. Before and after each phase: live threads (without the JDK's shared pools), socket, pipe
 * and event descriptors in {@code /proc/self/fd}, and used heap after full GCs. Then, for scale, the heap that
 * {@code hold} started and joined nodes hold while open. In-memory DHT, TCP (or QUIC) on 127.0.0.1.
 *
 * <pre>
 * java -cp 'bench/target/classes:bench/target/lib/*' io.topictracker.bench.CycleSoakBenchmark \
 *     [topic_cycles=1000] [node_cycles=200] [transport=tcp] [hold=20]
 * </pre>
 */
public final class CycleSoakBenchmark {
    private static final String TOPIC = "cycle-soak";
    private static final byte[] SECRET = "cycle-soak-secret".getBytes(StandardCharsets.UTF_8);
    private static final long WAIT_SECONDS = 60;
    private static final int WARM_UP = 10;
    private static final List<String> SHARED_THREAD_PREFIXES = List.of("ForkJoinPool.commonPool-worker-",
            "CompletableFutureDelayScheduler", "process reaper", "Attach Listener", "Common-Cleaner");

    private CycleSoakBenchmark() {}

    public static void main(String[] args) throws Exception {
        Args opts = Args.parse(args, "topic_cycles", "node_cycles", "transport", "hold");
        int topicCycles = (int) opts.integer("topic_cycles", 1000, 0, 1_000_000);
        int nodeCycles = (int) opts.integer("node_cycles", 200, 0, 100_000);
        String transport = opts.choice("transport", "tcp", "tcp", "quic");
        int hold = (int) opts.integer("hold", 20, 0, 1000);
        String network = "cycle-" + UUID.randomUUID();
        System.out.printf(Locale.ROOT, "cycle soak: topic_cycles=%d node_cycles=%d transport=%s dht=inmemory"
                + " cores=%d java=%s max heap %d MB%n", topicCycles, nodeCycles, transport,
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                Runtime.getRuntime().maxMemory() >> 20);
        try (Node anchor = start(network, transport, "anchor"); Node cycler = start(network, transport, "cycler")) {
            Topic anchored = anchor.joinNoWait(TOPIC, SECRET);
            for (int i = 0; i < WARM_UP; i++) {
                topicCycle(cycler, anchored);
                nodeCycle(network, transport, "warm-up-" + i, anchored);
            }
            Usage base = Usage.settled(null);
            long start = System.nanoTime();
            for (int i = 0; i < topicCycles; i++) {
                topicCycle(cycler, anchored);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            Usage afterTopics = Usage.settled(base);
            System.out.printf(Locale.ROOT, "%d topic join/close cycles in %.1f s (%.1f ms each)%n  before: %s%n"
                    + "  after:  %s%n", topicCycles, seconds, seconds * 1000 / Math.max(1, topicCycles), base,
                    afterTopics);

            start = System.nanoTime();
            for (int i = 0; i < nodeCycles; i++) {
                nodeCycle(network, transport, "cycle-" + i, anchored);
            }
            seconds = (System.nanoTime() - start) / 1e9;
            Usage afterNodes = Usage.settled(afterTopics);
            System.out.printf(Locale.ROOT, "%d node start/join/close cycles in %.1f s (%.0f ms each)%n  before: %s%n"
                    + "  after:  %s%n", nodeCycles, seconds, seconds * 1000 / Math.max(1, nodeCycles), afterTopics,
                    afterNodes);

            if (hold > 0) {
                List<Node> held = new ArrayList<>();
                try {
                    for (int i = 0; i < hold; i++) {
                        Node node = start(network, transport, "held-" + i);
                        held.add(node);
                        node.joinNoWait(TOPIC, SECRET).joined().get(WAIT_SECONDS, TimeUnit.SECONDS);
                    }
                    drain(anchored);
                    long heap = usedHeapAfterGc();
                    System.out.printf(Locale.ROOT, "for scale: %d open nodes, each joined, hold %.1f MB of heap"
                            + " (%.0f KB each)%n", hold, (heap - afterNodes.heap) / 1e6,
                            (heap - afterNodes.heap) / 1e3 / hold);
                } finally {
                    held.parallelStream().forEach(Node::close);
                }
            }
        }
        System.out.printf(Locale.ROOT, "load average %.2f%n",
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    /** Threads, descriptors and heap at one settled moment. */
    private record Usage(int threads, int descriptors, long heap) {
        /**
         * Waits (at most 30 s) until threads and descriptors are down to {@code target}'s (closing is partly
         * asynchronous), then measures; with no target, measures after 2 s.
         */
        static Usage settled(Usage target) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(target == null ? 2 : 30);
            while (System.nanoTime() < deadline) {
                if (target != null && liveThreads() <= target.threads && openDescriptors() <= target.descriptors) {
                    break;
                }
                TimeUnit.MILLISECONDS.sleep(100);
            }
            return new Usage(liveThreads(), openDescriptors(), usedHeapAfterGc());
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "threads %d, descriptors (sockets, pipes, event fds) %d, heap after GC"
                    + " %.2f MB", threads, descriptors, heap / 1e6);
        }
    }

    private static void topicCycle(Node node, Topic anchored) throws Exception {
        Topic topic = node.joinNoWait(TOPIC, SECRET);
        try {
            topic.joined().get(WAIT_SECONDS, TimeUnit.SECONDS);
        } finally {
            topic.close();
        }
        drain(anchored);
    }

    private static void nodeCycle(String network, String transport, String name, Topic anchored) throws Exception {
        try (Node node = start(network, transport, name)) {
            topicCycle(node, anchored);
        }
    }

    /** Reads the anchor's events, which would otherwise pile up to the queue's capacity. */
    private static void drain(Topic anchored) {
        while (anchored.receiver().poll().isPresent()) {
            // discard
        }
    }

    private static Node start(String network, String transport, String name) {
        NodeConfig config = NodeConfig.builder().dhtProvider("inmemory").transports(List.of(transport))
                .set("dht.inmemory.network", network).set("dht.inmemory.name", name)
                .set("transport." + transport + ".bind_address", "127.0.0.1")
                .set("transport." + transport + ".port", 0)
                .set("bootstrap.no_peers_retry_interval", Duration.ofMillis(200))
                .set("bootstrap.discovery_poll_interval", Duration.ofMillis(300))
                .set("bootstrap.join_confirmation_wait_time", Duration.ofMillis(200)).build();
        Node node = Node.builder().config(config).build();
        try {
            return node.start().get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            node.close();
            throw new IllegalStateException("node " + name + " did not start: " + e, e);
        }
    }

    private static int liveThreads() {
        return (int) Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
                .filter(t -> SHARED_THREAD_PREFIXES.stream().noneMatch(t.getName()::startsWith)).count();
    }

    private static int openDescriptors() {
        int count = 0;
        try (Stream<Path> entries = Files.list(Path.of("/proc/self/fd"))) {
            for (Path entry : (Iterable<Path>) entries::iterator) {
                try {
                    String target = Files.readSymbolicLink(entry).toString();
                    if (target.startsWith("socket:") || target.startsWith("pipe:")
                            || target.startsWith("anon_inode:")) {
                        count++;
                    }
                } catch (NoSuchFileException e) {
                    // closed while we looked
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return count;
    }

    private static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
