package io.topictracker.bench;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.topictracker.api.PeerId;
import io.topictracker.api.metrics.Metrics;
import io.topictracker.bench.support.Args;
import io.topictracker.bench.support.BenchSigning;
import io.topictracker.dht.mainline.LocalTestnet;
import io.topictracker.engine.JoinRequest;
import io.topictracker.engine.MeterRegistryMetrics;
import io.topictracker.engine.Node;
import io.topictracker.engine.OverlayGraph;
import io.topictracker.engine.Topic;
import io.topictracker.engine.TopicEvent;
import io.topictracker.engine.config.NodeConfig;
import io.topictracker.engine.gossip.GossipConfig;
import io.topictracker.engine.measure.Percentiles;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

/**
 * The swarm benchmark: N whole nodes in one JVM over the chosen DHT and transport providers.
 *
 * <ol>
 *   <li>cold start: N started nodes join one topic at once; time until every node has a neighbour and until the
 *       union of neighbour sets is connected;</li>
 *   <li>newcomers: nodes started one after another join the existing swarm (its records exist); time of each
 *       {@code join} future;</li>
 *   <li>broadcasts: B broadcasts from random members; per-delivery latency (same JVM clock), delivery ratio and
 *       gossip messages sent per broadcast (all kinds, from the topics' counters, minus those before the phase).</li>
 * </ol>
 *
 * <pre>
 * java -cp 'bench/target/classes:bench/target/lib/*' io.topictracker.bench.SwarmBenchmark \
 *     [nodes=50] [dht=inmemory] [transport=tcp] [newcomers=20] [broadcasts=100] [fast=true] [io_threads=0] \
 *     [warmup=0] [trace=0] [hosts=each|one] [handshakes_per_ip=N] [inbound_per_ip=N] [share=default|true|false] [gap=20]
 * </pre>
 * {@code share=true|false} sets the network transport's {@code share_event_loops} (default: the transport's own
 * default, shared for TCP, a loop per node for QUIC).
 * {@code handshakes_per_ip=N} sets the network transport's {@code max_handshakes_in_flight_per_ip} (0: its default,
 * 16). Every node of the swarm dials from 127.0.0.1, so the per-address bound, meant for one remote host, counts the
 * whole swarm as one: in a QUIC cold start hundreds of handshakes were refused by it. {@code inbound_per_ip=N} sets
 * {@code [gossip] max_inbound_connections_per_ip} (0: the engine's default, 32) for the same reason: the most asked
 * nodes refused the rest of the swarm, and a cold start took about 12 s instead of 2–4. {@code hosts=each} (the
 * default) stands each node for a host of its own, as a swarm of 50 is on a network: both default to their maximum
 * (256 and 512), so no per-IP bound is reached; {@code hosts=one} keeps both at 0 (the defaults), 50 nodes on one
 * host.
 * {@code eager_flood_rounds=N} sets {@code [gossip] eager_flood_rounds} (default: the engine's; 0 is PlumTree's one
 * shared tree); {@code graft_timeout_min=MS} and {@code graft_timeout_max=MS} the bounds of the learnt graft wait
 * (default: both {@code graft_timeout_1}, a fixed wait; {@code graft_timeout_min=20} learns it);
 * {@code prune_grace=MS} sets {@code [gossip] prune_grace} (default: the engine's; 0 prunes on every duplicate, PlumTree
 * §3.5 as written). {@code gap=MS} (20) is the pause after each broadcast of the paced phase: the issue's figures are at 20 ms, 50 broadcasts a second. {@code idle=S} (2) is how long the idle swarm's CPU is measured before the broadcasts. {@code trace=N} then
 * sends N more broadcasts one at a time and prints where their latency went (see
 * {@link BroadcastTrace}).
 * {@code fast=true} shortens the bootstrap intervals (no_peers_retry 200 ms, discovery_poll 300 ms,
 * join_confirmation_wait 200 ms); {@code fast=false} keeps the Rust crate's defaults. {@code warmup=N} first runs a
 * cold start of N nodes on a network of their own and closes them, so the measured cold start is not also the JVM's
 * first TLS handshakes (off by default). {@code dht=mainline} starts a loopback mainline testnet of
 * {@value #TESTNET_NODES} nodes in this JVM first and gives every swarm node a mainline DHT node of its own on
 * 127.0.0.1 bootstrapped from it (never the public routers); {@code dht=inmemory} shares one in-process DHT.
 */
public final class SwarmBenchmark {
    private static final String TOPIC = "swarm-bench";
    private static final byte[] SECRET = "swarm-bench-secret".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final int TESTNET_NODES = 32;
    /** Set when {@code dht=mainline}: "127.0.0.1:port" nodes of the loopback testnet to bootstrap from. */
    private static List<String> mainlineBootstrap = List.of();

    private SwarmBenchmark() {}

    public static void main(String[] args) throws Exception {
        Args opts = Args.parse(args, "nodes", "dht", "transport", "newcomers", "broadcasts", "fast", "io_threads",
                "warmup", "metrics", "trace", "idle", "eager_flood_rounds", "handshakes_per_ip", "inbound_per_ip", "share",
                "graft_timeout_min", "graft_timeout_max", "gap", "hosts", "prune_grace");
        // metrics=false (default): nodes count nothing; true: every node counts into one Micrometer registry (as the
        // command's --metrics does); both: without, with, without, with, in this JVM (the first run also warms the JIT)
        String metricsMode = opts.choice("metrics", "false", "true", "false", "both");
        for (boolean metered : metricsMode.equals("both") ? new boolean[] {false, true, false, true}
                : new boolean[] {metricsMode.equals("true")}) {
            metrics = metered ? MeterRegistryMetrics.of(new SimpleMeterRegistry()) : Metrics.none();
            System.out.printf(Locale.ROOT, "=== metrics %s%n", metered ? "on (Micrometer SimpleMeterRegistry)"
                    : "off (Metrics.none())");
            run(opts);
        }
    }

    /** Metrics of the nodes of the current run. */
    private static Metrics metrics = Metrics.none();

    private static void run(Args opts) throws Exception {
        int n = (int) opts.integer("nodes", 50, 2, 1000);
        String dht = opts.choice("dht", "inmemory", "inmemory", "mainline");
        String transport = opts.choice("transport", "tcp", "tcp", "quic", "inmemory");
        int newcomers = (int) opts.integer("newcomers", 20, 0, 1000);
        int broadcasts = (int) opts.integer("broadcasts", 100, 0, 100_000);
        boolean fast = opts.flag("fast", true);
        ioThreads = (int) opts.integer("io_threads", 0, 0, 64);
        // Each node stands for a host of its own unless hosts=one: then the per-IP bounds below are the engine's and
        // the transports' defaults, and count the whole swarm (all on 127.0.0.1) as one host.
        boolean hostEach = opts.choice("hosts", "each", "each", "one").equals("each");
        handshakesPerIp = (int) opts.integer("handshakes_per_ip", hostEach ? 256 : 0, 0, 256);
        inboundPerIp = (int) opts.integer("inbound_per_ip", hostEach ? 512 : 0, 0, 512);
        shareEventLoops = opts.choice("share", "default", "default", "true", "false");
        eagerFloodRounds = opts.integer("eager_flood_rounds", -1, -1, 16);
        graftTimeoutMin = opts.integer("graft_timeout_min", -1, -1, 3_600_000);
        graftTimeoutMax = opts.integer("graft_timeout_max", -1, -1, 3_600_000);
        pruneGrace = opts.integer("prune_grace", -1, -1, GossipConfig.MAX_PRUNE_GRACE.toMillis());
        broadcastGapMillis = opts.integer("gap", 20, 0, 60_000);
        String network = "bench-" + UUID.randomUUID();
        System.out.printf(Locale.ROOT, "swarm benchmark: nodes=%d dht=%s transport=%s newcomers=%d broadcasts=%d"
                + " fast=%s io_threads=%d handshakes_per_ip=%d inbound_per_ip=%d share=%s gap=%d cores=%d java=%s%n", n,
                dht, transport, newcomers, broadcasts, fast, ioThreads, handshakesPerIp, inboundPerIp, shareEventLoops,
                broadcastGapMillis, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));

        LocalTestnet testnet = null;
        if (dht.equals("mainline")) {
            testnet = LocalTestnet.builder(BenchSigning.ed25519()).nodes(TESTNET_NODES)
                    .start();
            mainlineBootstrap = testnet.nodes().stream().limit(8)
                    .map(node -> "127.0.0.1:" + node.localAddress().getPort()).toList();
        }
        int warmup = (int) opts.integer("warmup", 0, 0, 1000);
        if (warmup > 0) {
            warmUp(warmup, dht, transport, fast);
        }
        List<Node> nodes = new ArrayList<>();
        try {
            nodes.addAll(IntStream.range(0, n).parallel().mapToObj(i -> node(network, dht, transport, fast, "n" + i))
                    .toList());
            // 1. cold start, with the CPU it costs (handshakes, signatures, JIT: what a 3 s target competes with)
            Map<String, long[]> coldThreads = ThreadCpu.byName();
            long coldCpu = processCpuNanos();
            long t0 = System.nanoTime();
            List<Topic> topics = new ArrayList<>(nodes.stream().map(node -> node.joinNoWait(TOPIC, SECRET)).toList());
            long[] joinedAt = new long[n];
            for (int i = 0; i < n; i++) {
                int me = i;
                topics.get(i).joined().thenRun(() -> joinedAt[me] = System.nanoTime());
            }
            for (Topic t : topics) {
                t.joined().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            }
            long allJoined = System.nanoTime();
            waitConnected(topics, nodes);
            long connected = System.nanoTime();
            double[] joinMs = Arrays.stream(joinedAt).mapToDouble(t -> (t - t0) / 1e6).sorted().toArray();
            System.out.printf(Locale.ROOT, "cold start %d nodes: all joined %.0f ms (per node p50 %.0f, max %.0f);"
                    + " all connected %.0f ms%n", n, (allJoined - t0) / 1e6, Percentiles.of(joinMs).atOrNaN(50),
                    Percentiles.of(joinMs).atOrNaN(100), (connected - t0) / 1e6);
            double coldSeconds = (connected - t0) / 1e9;
            System.out.printf(Locale.ROOT, "cold start: process CPU %.0f ms per second; by thread:%n%s",
                    (processCpuNanos() - coldCpu) / 1e6 / coldSeconds,
                    ThreadCpu.perSecondByName(coldThreads, ThreadCpu.byName(), coldSeconds));
            // What the cold start cost: every Join is a contact's random walks, and most messages a new connection.
            long bootstrapJoins = topics.stream().flatMap(t -> t.joinRequests().stream())
                    .filter(r -> r.source() == JoinRequest.Source.BOOTSTRAP).count();
            System.out.printf(Locale.ROOT, "cold start work: %d Joins sent by bootstraps, %d gossip messages sent%n",
                    bootstrapJoins, sent(topics));

            // 2. newcomers into a swarm whose records exist
            double[] newcomerMs = new double[newcomers];
            for (int i = 0; i < newcomers; i++) {
                Node node = node(network, dht, transport, fast, "new" + i);
                nodes.add(node);
                long start = System.nanoTime();
                Topic topic = node.join(TOPIC, SECRET).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                newcomerMs[i] = (System.nanoTime() - start) / 1e6;
                topics.add(topic);
            }
            Arrays.sort(newcomerMs);
            if (newcomers > 0) {
                Percentiles newcomer = Percentiles.of(newcomerMs);
                System.out.printf(Locale.ROOT, "newcomer join (%d, one after another): p50 %.1f ms, p90 %.1f ms,"
                        + " max %.1f ms%n", newcomers, newcomer.atOrNaN(50), newcomer.atOrNaN(90),
                        newcomer.atOrNaN(100));
            }
            waitConnected(topics, nodes);
            System.out.println(pathLengths(topics, nodes));

            // What the swarm burns doing nothing (timers, DHT polls, shuffles): the floor under the broadcast phase.
            long idleSent = sent(topics);
            long idleCpu = processCpuNanos();
            Map<String, long[]> idleThreads = ThreadCpu.byName();
            long idleStart = System.nanoTime();
            TimeUnit.SECONDS.sleep(opts.integer("idle", 2, 1, 3600));
            double idleSeconds = (System.nanoTime() - idleStart) / 1e9;
            long idleCpuNanos = processCpuNanos() - idleCpu;
            Map<String, long[]> idleThreadsAfter = ThreadCpu.byName();
            // Nothing is broadcast: these are membership messages (shuffles, Neighbor requests and their refusals).
            System.out.printf(Locale.ROOT, "idle swarm: %.1f gossip messages sent per second (all topics)%n",
                    (sent(topics) - idleSent) / idleSeconds);
            System.out.printf(Locale.ROOT, "idle swarm: process CPU %.0f ms per second; by thread:%n%s",
                    idleCpuNanos / 1e6 / idleSeconds,
                    ThreadCpu.perSecondByName(idleThreads, idleThreadsAfter, idleSeconds));

            // 3. broadcasts, with the process CPU they cost (every node's threads: the metrics' cost shows here)
            // (per thread name read first and last: reading /proc for 250 threads is not the phase's CPU)
            Map<String, long[]> namesBefore = ThreadCpu.byName();
            long cpuBefore = processCpuNanos();
            Map<String, Long> threadsBefore = ThreadCpu.snapshot();
            long phaseStart = System.nanoTime();
            broadcastPhase(topics, broadcasts);
            System.out.printf(Locale.ROOT, "broadcast phase: process CPU %.2f ms per broadcast (%s), %.0f ms per"
                    + " second of the phase%n", (processCpuNanos() - cpuBefore) / 1e6 / Math.max(1, broadcasts),
                    ThreadCpu.perOperation(threadsBefore, ThreadCpu.snapshot(), Math.max(1, broadcasts)),
                    (processCpuNanos() - cpuBefore) / 1e6 / ((System.nanoTime() - phaseStart) / 1e9));
            Map<String, long[]> namesAfter = ThreadCpu.byName();
            System.out.printf(Locale.ROOT, "broadcast phase: per broadcast by thread name: %s%n",
                    ThreadCpu.wakeUpsPerOperation(namesBefore, namesAfter, Math.max(1, broadcasts)));
            // 4. (trace=N) where the latency goes: N more broadcasts, one at a time, each traced hop by hop
            int traced = (int) opts.integer("trace", 0, 0, 10_000);
            if (traced > 0) {
                BroadcastTrace.run(topics, nodes, traced);
            }
        } finally {
            long closeStart = System.nanoTime();
            nodes.parallelStream().forEach(Node::close);
            System.out.printf(Locale.ROOT, "closed %d nodes in %.0f ms%n", nodes.size(),
                    (System.nanoTime() - closeStart) / 1e6);
            if (testnet != null) {
                testnet.close();
            }
        }
    }

    /**
     * {@code [transport.tcp|quic] io_threads}, or 0 for the transport's default (min(2, cores); shared by the nodes when
     * their transport shares its loops).
     */
    private static int ioThreads = 0;
    /** {@code max_handshakes_in_flight_per_ip} of the network transport, or 0 for its default. */
    private static int handshakesPerIp = 0;
    /** {@code [gossip] max_inbound_connections_per_ip} of every node, or 0 for the engine's default. */
    private static int inboundPerIp = 0;
    /** {@code share_event_loops} of the network transport: "true", "false", or "default" to leave it unset. */
    private static String shareEventLoops = "default";

    /** @return the CPU time of this JVM so far, every thread */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /**
     * Runs a cold start of {@code count} nodes on a network of its own and closes them, so the measured phases do not
     * pay the JVM's one-time costs (class loading, JIT compilation of TLS and Ed25519 code) that separate processes
     * would each pay on their own cores.
     */
    private static void warmUp(int count, String dht, String transport, boolean fast) throws Exception {
        String network = "warmup-" + UUID.randomUUID();
        List<Node> nodes = IntStream.range(0, count).parallel()
                .mapToObj(i -> node(network, dht, transport, fast, "w" + i)).toList();
        long start = System.nanoTime();
        try {
            List<Topic> topics = nodes.stream().map(node -> node.joinNoWait(TOPIC, SECRET)).toList();
            for (Topic topic : topics) {
                topic.joined().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } finally {
            nodes.parallelStream().forEach(Node::close);
        }
        System.out.printf(Locale.ROOT, "warm-up: %d nodes joined and closed in %.0f ms%n", count,
                (System.nanoTime() - start) / 1e6);
    }

    /** {@code [gossip] eager_flood_rounds} of every node, or -1 for the engine's default. */
    private static long eagerFloodRounds = -1;
    /** {@code [gossip] graft_timeout_min} / {@code graft_timeout_max} in ms, or -1 for the engine's default. */
    private static long graftTimeoutMin = -1;
    private static long graftTimeoutMax = -1;
    /** {@code [gossip] prune_grace} in ms, or -1 for the engine's default. */
    private static long pruneGrace = -1;
    /** The pause after each broadcast of the paced phase, in ms ({@code gap=}, default 20: 50 broadcasts a second). */
    private static long broadcastGapMillis = 20;

    private static Node node(String network, String dht, String transport, boolean fast, String name) {
        NodeConfig.Builder config = NodeConfig.builder().dhtProvider(dht).transports(List.of(transport));
        if (dht.equals("inmemory")) {
            config.set("dht.inmemory.network", network).set("dht.inmemory.name", name);
        } else {
            // loopback only, from the testnet; all nodes share 127.0.0.1, so no per-IP limits and no BEP42
            config.set("dht.mainline.bootstrap", mainlineBootstrap).set("dht.mainline.bind_address", "127.0.0.1")
                    .set("dht.mainline.port", 0).set("dht.mainline.rate_limit_per_ip", 0L)
                    .set("dht.mainline.max_items_per_ip", 100_000L).set("dht.mainline.enforce_bep42", false);
        }
        if (transport.equals("tcp") || transport.equals("quic")) {
            config.set("transport." + transport + ".bind_address", "127.0.0.1").set("transport." + transport + ".port", 0);
        }
        if ((transport.equals("tcp") || transport.equals("quic")) && ioThreads > 0) {
            // The nodes of this JVM share the transport's loops (SharedEventLoops): io_threads in all, not per node.
            config.set("transport." + transport + ".io_threads", ioThreads);
        }
        if ((transport.equals("tcp") || transport.equals("quic")) && !shareEventLoops.equals("default")) {
            config.set("transport." + transport + ".share_event_loops", Boolean.parseBoolean(shareEventLoops));
        }
        if (inboundPerIp > 0) {
            config.set("gossip.max_inbound_connections_per_ip", (long) inboundPerIp);
        }
        if ((transport.equals("tcp") || transport.equals("quic")) && handshakesPerIp > 0) {
            config.set("transport." + transport + ".max_handshakes_in_flight_per_ip", handshakesPerIp);
        }
        if (transport.equals("inmemory")) {
            config.set("transport.inmemory.hub", network);
        }
        if (eagerFloodRounds >= 0) {
            config.set("gossip.eager_flood_rounds", eagerFloodRounds);
        }
        if (graftTimeoutMin >= 0) {
            config.set("gossip.graft_timeout_min", Duration.ofMillis(graftTimeoutMin));
        }
        if (graftTimeoutMax >= 0) {
            config.set("gossip.graft_timeout_max", Duration.ofMillis(graftTimeoutMax));
        }
        if (pruneGrace >= 0) {
            config.set("gossip.prune_grace", Duration.ofMillis(pruneGrace));
        }
        if (fast) {
            config.set("bootstrap.no_peers_retry_interval", Duration.ofMillis(200))
                    .set("bootstrap.discovery_poll_interval", Duration.ofMillis(300))
                    .set("bootstrap.join_confirmation_wait_time", Duration.ofMillis(200));
        }
        Node node = Node.builder().config(config.build()).metrics(metrics).build();
        try {
            return node.start().join();
        } catch (RuntimeException e) {
            node.close();
            throw e;
        }
    }

    private static void broadcastPhase(List<Topic> topics, int broadcasts) throws Exception {
        int members = topics.size();
        long sentBefore = sent(topics);
        long[] kindsBefore = BroadcastTrace.messageKinds(topics);
        long lazyBefore = Arrays.stream(BroadcastTrace.graftCounts(topics)).sum();
        ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        // per quarter of the phase (by broadcast index): does the tree settle, or stay slow?
        List<ConcurrentLinkedQueue<Double>> byQuarter = List.of(new ConcurrentLinkedQueue<>(),
                new ConcurrentLinkedQueue<>(), new ConcurrentLinkedQueue<>(), new ConcurrentLinkedQueue<>());
        AtomicLong deliveries = new AtomicLong();
        AtomicBoolean running = new AtomicBoolean(true);
        List<Thread> readers = new ArrayList<>();
        for (Topic topic : topics) {
            Thread reader = new Thread(() -> {
                try {
                    while (running.get()) {
                        TopicEvent event = topic.receiver().next(Duration.ofMillis(100));
                        if (event instanceof TopicEvent.Received received && received.payload().length >= 8) {
                            ByteBuffer payload = ByteBuffer.wrap(received.payload());
                            long sentAt = payload.getLong();
                            long latency = System.nanoTime() - sentAt;
                            latencies.add(latency);
                            if (payload.remaining() >= 8) {
                                long index = payload.getLong();
                                byQuarter.get((int) Math.min(3, index * 4 / Math.max(1, broadcasts))).add(latency / 1e6);
                            }
                            deliveries.incrementAndGet();
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "bench-reader");
            reader.setDaemon(true);
            reader.start();
            readers.add(reader);
        }
        Random random = new Random(1);
        long expected = (long) broadcasts * (members - 1);
        for (int i = 0; i < broadcasts; i++) {
            Topic from = topics.get(random.nextInt(members));
            byte[] payload = ByteBuffer.allocate(16).putLong(System.nanoTime()).putLong(i).array();
            from.sender().broadcast(payload).get(10, TimeUnit.SECONDS);
            // Paced, so each broadcast's latency is its own and not queueing behind the others - as long as the swarm
            // needs less CPU per gap than the machine has (gap= shows what the pace does to latency).
            TimeUnit.MILLISECONDS.sleep(broadcastGapMillis);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (deliveries.get() < expected && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(20);
        }
        running.set(false);
        for (Thread reader : readers) {
            reader.join(1000);
        }
        long sentAfter = sent(topics);
        Percentiles latency = Percentiles.of(latencies.stream().mapToDouble(l -> l / 1e6).toArray());
        System.out.printf(Locale.ROOT, "broadcasts %d over %d members: latency p50 %.2f ms, p99 %.2f ms, max %.2f ms;"
                + " delivery ratio %.4f (%d of %d); gossip messages per broadcast %.1f%n", broadcasts, members,
                latency.atOrNaN(50), latency.atOrNaN(99), latency.atOrNaN(100), (double) deliveries.get() / expected,
                deliveries.get(), expected, (double) (sentAfter - sentBefore) / broadcasts);
        long[] kinds = BroadcastTrace.messageKinds(topics);
        long lazy = Arrays.stream(BroadcastTrace.graftCounts(topics)).sum() - lazyBefore;
        StringBuilder quarters = new StringBuilder();
        for (ConcurrentLinkedQueue<Double> quarter : byQuarter) {
            quarters.append(String.format(Locale.ROOT, " %.1f", Percentiles.of(quarter.stream().mapToDouble(d -> d)
                    .toArray()).atOrNaN(50)));
        }
        System.out.printf(Locale.ROOT, "broadcast phase: %.1f%% of deliveries on the lazy path (IHave + Graft); per"
                + " broadcast %.1f IHave, %.1f Graft, %.1f Prune; latency p50 by quarter of the phase (ms):%s%n",
                100.0 * lazy / Math.max(1, deliveries.get()), (kinds[1] - kindsBefore[1]) / (double) broadcasts,
                (kinds[2] - kindsBefore[2]) / (double) broadcasts, (kinds[3] - kindsBefore[3]) / (double) broadcasts,
                quarters);
    }

    private static long sent(List<Topic> topics) throws Exception {
        long total = 0;
        for (Topic topic : topics) {
            total += topic.stats().get(10, TimeUnit.SECONDS).gossip().messagesSent();
        }
        return total;
    }

    private static void waitConnected(List<Topic> topics, List<Node> nodes) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!connected(topics, nodes)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("overlay not connected within " + WAIT);
            }
            TimeUnit.MILLISECONDS.sleep(5);
        }
    }

    private static boolean connected(List<Topic> topics, List<Node> nodes) {
        return graph(topics, nodes).isConnected();
    }

    private static OverlayGraph graph(List<Topic> topics, List<Node> nodes) {
        Map<PeerId, Set<PeerId>> views = new HashMap<>();
        for (int i = 0; i < topics.size(); i++) {
            views.put(nodes.get(i).id(), topics.get(i).neighbors());
        }
        return OverlayGraph.of(views);
    }

    /** The overlay's shape, which broadcast latency follows: mean and largest hop distance between two members. */
    private static String pathLengths(List<Topic> topics, List<Node> nodes) {
        OverlayGraph graph = graph(topics, nodes);
        long sum = 0;
        long pairs = 0;
        int diameter = 0;
        for (Node node : nodes) {
            for (int distance : graph.hopsFrom(node.id()).values()) {
                if (distance > 0) {
                    sum += distance;
                    pairs++;
                    diameter = Math.max(diameter, distance);
                }
            }
        }
        double degree = nodes.stream().mapToInt(n -> graph.mutualNeighbours(n.id()).size()).average().orElse(0);
        return String.format(Locale.ROOT, "overlay of %d members: mean degree %.2f, mean distance %.2f hops,"
                + " diameter %d", nodes.size(), degree, (double) sum / Math.max(1, pairs), diameter);
    }
}
