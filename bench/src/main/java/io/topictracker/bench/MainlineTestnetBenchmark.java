package io.topictracker.bench;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.topictracker.api.ConfigTable;
import io.topictracker.api.dht.Dht;
import io.topictracker.api.dht.DhtContext;
import io.topictracker.api.dht.LookupSummary;
import io.topictracker.api.dht.MutableItem;
import io.topictracker.api.dht.MutableQuery;
import io.topictracker.api.dht.PutSummary;
import io.topictracker.api.metrics.Metrics;
import io.topictracker.api.signing.SigningKeyPair;
import io.topictracker.api.signing.SigningProvider;
import io.topictracker.bench.support.Args;
import io.topictracker.bench.support.BenchSigning;
import io.topictracker.dht.mainline.LocalTestnet;
import io.topictracker.dht.mainline.MainlineDht;
import io.topictracker.dht.mainline.MainlineDhtProvider;
import io.topictracker.engine.MeterRegistryMetrics;
import io.topictracker.engine.measure.Percentiles;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The mainline testnet benchmark of issue #7: a testnet of N of our nodes in this JVM on 127.0.0.1 (default 500);
 * start time; after a warm-up, 50 puts, 50 gets and 50 re-puts (same keys, next seq) from random nodes (median /
 * p90 / max ms, queries, query rounds, verifications and CPU per operation, split by thread kind); heap per node;
 * and the queries per second one node answers on one event-loop thread.
 *
 * <p>Run: {@code java -cp 'bench/target/classes:bench/target/lib/*' io.topictracker.bench.MainlineTestnetBenchmark
 * [nodes=500] [operations=50] [alpha=3] [cache=shared|per-node] [threads=2] [metrics=false|true|both]}. Binds
 * 127.0.0.1 only. Every loop is bounded in count and time.
 */
public final class MainlineTestnetBenchmark {
    /**
     * Unmeasured passes before the measured one, each exactly the measured pass (puts, gets, re-puts, with the same
     * item shapes and callbacks), so the JIT has compiled their paths and seen their phase changes. With 300 unsalted
     * puts and gets as warm-up, the first salted put and the first get with another callback made compiled code
     * deoptimise, and the compiler threads took a third of the 2 cores while the measured gets ran.
     */
    private static final int WARM_UP_PASSES = 40;

    private MainlineTestnetBenchmark() {}

    public static void main(String[] args) throws Exception {
        Args opts = Args.parse(args, "nodes", "operations", "alpha", "cache", "threads", "metrics");
        int size = (int) opts.integer("nodes", 500, 2, 10_000);
        int operations = (int) opts.integer("operations", 50, 1, 100_000);
        // the lookup parallelism α of every testnet node
        long alpha = opts.integer("alpha", 3, 1, 16);
        // "shared" signature verdict cache for the testnet, or "per-node" caches, which cost what separate processes
        // would: every storing node verifies a put, every getter verifies once
        boolean sharedCache = opts.choice("cache", "shared", "shared", "per-node").equals("shared");
        // the testnet's event-loop threads
        int threads = (int) opts.integer("threads", 2, 1, 64);
        ConfigTable overrides = ConfigTable.of("dht.mainline", Map.of("alpha", alpha));
        SigningProvider signing = BenchSigning.ed25519();
        // metrics=false (default), true (every node counts into one Micrometer registry) or both (a testnet
        // without, one with, and both again, in this JVM: the first also warms the JIT)
        String metricsMode = opts.choice("metrics", "false", "true", "false", "both");
        for (boolean metered : metricsMode.equals("both") ? new boolean[] {false, true, false, true}
                : new boolean[] {metricsMode.equals("true")}) {
            System.out.printf(Locale.ROOT, "=== metrics %s%n", metered ? "on (Micrometer SimpleMeterRegistry)"
                    : "off (Metrics.none())");
            runTestnet(LocalTestnet.builder(signing).nodes(size).settings(overrides).threads(threads)
                    .sharedVerifyCache(sharedCache).startTimeout(Duration.ofMinutes(2)), size, operations, signing, sharedCache,
                    metered ? MeterRegistryMetrics.of(new SimpleMeterRegistry()) : Metrics.none());
        }
        packetsPerSecond(signing);
        verifyCost(signing);
    }

    private static void runTestnet(LocalTestnet.Builder testnet, int size, int operations, SigningProvider signing,
            boolean sharedCache, Metrics metrics) throws Exception {
        Random random = new Random(42);

        long heapBefore = usedHeapAfterGc();
        long rssBefore = rssBytes();
        long t0 = System.nanoTime();
        try (LocalTestnet net = testnet.metrics(metrics).start()) {
            double startSeconds = (System.nanoTime() - t0) / 1e9;
            long heapAfter = usedHeapAfterGc();
            long rssAfter = rssBytes();
            System.out.printf(Locale.ROOT, "testnet: %d nodes started in %.2f s; heap %.1f MB -> %.1f MB = %.3f MB "
                    + "per node; %d threads in the JVM%n", size, startSeconds, heapBefore / 1e6, heapAfter / 1e6,
                    (heapAfter - heapBefore) / 1e6 / size, ManagementFactory.getThreadMXBean().getThreadCount());
            List<MainlineDht> nodes = net.nodes();
            System.out.printf(Locale.ROOT, "process RSS %.1f MB -> %.1f MB = %.3f MB per node (includes the JIT, "
                    + "Netty's pooled direct buffers and the kernel's view of the heap)%n", rssBefore / 1e6,
                    rssAfter / 1e6, (rssAfter - rssBefore) / 1e6 / size);
            System.out.printf(Locale.ROOT, "start: %d queries sent, %d timed out%n",
                    nodes.stream().mapToLong(n -> n.stats().queriesSent()).sum(),
                    nodes.stream().mapToLong(n -> n.stats().timeouts()).sum());

            long warmUpStart = System.nanoTime();
            Pass cold = Pass.run(nodes, operations, signing, random, sharedCache);
            for (int i = 1; i < WARM_UP_PASSES; i++) {
                Pass.run(nodes, operations, signing, random, sharedCache);
            }
            System.out.printf(Locale.ROOT, "warm-up: %d passes of %d puts, gets and re-puts in %.1f s; the first "
                    + "(a cold JVM, the JIT compiling as it runs): put median %.2f ms, get median %.2f ms%n",
                    WARM_UP_PASSES, operations, (System.nanoTime() - warmUpStart) / 1e9,
                    Percentiles.of(cold.putMillis).atOrNaN(50), Percentiles.of(cold.getMillis).atOrNaN(50));
            // what the testnet spends with no operation running (maintenance: pings, refreshes), which every
            // measured operation competes with
            long idleCpuBefore = processCpuNanos();
            long idleQueriesBefore = nodes.stream().mapToLong(n -> n.stats().queriesSent()).sum();
            Thread.sleep(1000);
            System.out.printf(Locale.ROOT, "idle for 1 s: process CPU %.1f ms, %d queries sent%n",
                    (processCpuNanos() - idleCpuBefore) / 1e6,
                    nodes.stream().mapToLong(n -> n.stats().queriesSent()).sum() - idleQueriesBefore);
            long timeoutsBefore = nodes.stream().mapToLong(n -> n.stats().timeouts()).sum();
            Pass pass = Pass.run(nodes, operations, signing, random, sharedCache);

            Percentiles reput = Percentiles.of(pass.reputMillis);
            System.out.printf(Locale.ROOT, "re-put (same key, next seq): median %.2f ms, p90 %.2f ms; process CPU "
                    + "%.2f ms; Ed25519 verifications %.1f and keys validated %.1f per re-put%n",
                    reput.atOrNaN(50), reput.atOrNaN(90), pass.reputs.cpuMillis(), pass.reputs.verifications(),
                    pass.reputs.keysValidated());
            System.out.printf(Locale.ROOT, "queries timed out during the puts and gets: %d%n",
                    nodes.stream().mapToLong(n -> n.stats().timeouts()).sum() - timeoutsBefore);
            // CPU time is what the operations cost the testnet (all nodes), less swayed by other processes' load
            // than wall-clock latency
            System.out.printf(Locale.ROOT, "process CPU per put %.2f ms, per get %.2f ms (all nodes together)%n",
                    pass.puts.cpuMillis(), pass.gets.cpuMillis());
            System.out.printf(Locale.ROOT, "  by thread, per put: %s%n", pass.puts.byThread());
            System.out.printf(Locale.ROOT, "  by thread, per get: %s%n", pass.gets.byThread());
            System.out.printf(Locale.ROOT, "signature verdict cache: %s; Ed25519 verifications per put %.1f, per get "
                    + "%.1f%n", sharedCache ? "shared by the testnet" : "one per node", pass.puts.verifications(),
                    pass.gets.verifications());
            System.out.printf(Locale.ROOT, "sequential query rounds per lookup (a load-independent latency): put's "
                    + "%.2f, get's %.2f%n", pass.puts.roundsPerLookup(), pass.gets.roundsPerLookup());
            Percentiles put = Percentiles.of(pass.putMillis);
            Percentiles putQueries = Percentiles.of(pass.putQueries);
            System.out.printf(Locale.ROOT, "put: median %.2f ms, p90 %.2f ms, max %.2f ms; queries median %.0f, "
                    + "p90 %.0f; acks median %.0f%n", put.atOrNaN(50), put.atOrNaN(90), put.atOrNaN(100),
                    putQueries.atOrNaN(50), putQueries.atOrNaN(90), Percentiles.of(pass.putAcks).atOrNaN(50));
            Percentiles get = Percentiles.of(pass.getMillis);
            Percentiles getQueries = Percentiles.of(pass.getQueries);
            System.out.printf(Locale.ROOT, "get: median %.2f ms, p90 %.2f ms, max %.2f ms; queries median %.0f, "
                    + "p90 %.0f; found %d/%d%n", get.atOrNaN(50), get.atOrNaN(90), get.atOrNaN(100),
                    getQueries.atOrNaN(50), getQueries.atOrNaN(90), pass.found, operations);
        }
    }

    /**
     * One pass: {@code operations} puts of fresh salted items from random nodes, gets of them from other random
     * nodes, and re-puts of the same keys with the next seq (as a topic's slots are re-put: every storing node
     * verifies the new signature, but has met the key before). Not thread-safe; run by the main thread.
     */
    private static final class Pass {
        final List<Double> putMillis = new ArrayList<>();
        final List<Integer> putQueries = new ArrayList<>();
        final List<Integer> putAcks = new ArrayList<>();
        final List<Double> getMillis = new ArrayList<>();
        final List<Integer> getQueries = new ArrayList<>();
        final List<Double> reputMillis = new ArrayList<>();
        int found;
        Phase puts;
        Phase gets;
        Phase reputs;

        static Pass run(List<MainlineDht> nodes, int operations, SigningProvider signing, Random random,
                boolean sharedCache) throws Exception {
            Pass pass = new Pass();
            List<SigningKeyPair> keys = new ArrayList<>();
            Snapshot beforePuts = Snapshot.take(nodes, sharedCache);
            for (int i = 0; i < operations; i++) {
                SigningKeyPair key = signing.generate();
                keys.add(key);
                MutableItem item = MutableItem.sign(key, bytes("salt"), 1, bytes("benchmark value " + i));
                MainlineDht from = nodes.get(random.nextInt(nodes.size()));
                long start = System.nanoTime();
                PutSummary summary = from.putMutable(item).get(30, TimeUnit.SECONDS);
                pass.putMillis.add((System.nanoTime() - start) / 1e6);
                pass.putQueries.add(summary.queriesSent());
                pass.putAcks.add(summary.acknowledged());
            }
            Snapshot beforeGets = Snapshot.take(nodes, sharedCache);
            for (int i = 0; i < operations; i++) {
                MainlineDht from = nodes.get(random.nextInt(nodes.size()));
                AtomicInteger items = new AtomicInteger();
                long start = System.nanoTime();
                LookupSummary summary = from.getMutable(MutableQuery.of(keys.get(i).publicKey(), bytes("salt"),
                        OptionalLong.empty(), Duration.ofSeconds(10)), item -> items.incrementAndGet())
                        .get(30, TimeUnit.SECONDS);
                pass.getMillis.add((System.nanoTime() - start) / 1e6);
                pass.getQueries.add(summary.queriesSent());
                pass.found += items.get() > 0 ? 1 : 0;
            }
            Snapshot beforeReputs = Snapshot.take(nodes, sharedCache);
            for (int i = 0; i < operations; i++) {
                MutableItem item = MutableItem.sign(keys.get(i), bytes("salt"), 2, bytes("benchmark value " + i));
                MainlineDht from = nodes.get(random.nextInt(nodes.size()));
                long start = System.nanoTime();
                from.putMutable(item).get(30, TimeUnit.SECONDS);
                pass.reputMillis.add((System.nanoTime() - start) / 1e6);
            }
            Snapshot end = Snapshot.take(nodes, sharedCache);
            pass.puts = new Phase(beforePuts, beforeGets, operations);
            pass.gets = new Phase(beforeGets, beforeReputs, operations);
            pass.reputs = new Phase(beforeReputs, end, operations);
            return pass;
        }
    }

    /** The testnet's counters at one moment. Immutable. */
    private record Snapshot(long cpuNanos, Map<String, Long> threadCpu, long verifications, long keysValidated,
            long lookups, long lookupRounds) {
        static Snapshot take(List<MainlineDht> nodes, boolean sharedCache) {
            long lookups = 0;
            long rounds = 0;
            for (MainlineDht n : nodes) {
                lookups += n.stats().lookups();
                rounds += n.stats().lookupRounds();
            }
            return new Snapshot(processCpuNanos(), ThreadCpu.snapshot(),
                    MainlineTestnetBenchmark.verifications(nodes, sharedCache),
                    MainlineTestnetBenchmark.keysValidated(nodes, sharedCache), lookups, rounds);
        }
    }

    /** What one phase of a pass cost, per operation. Immutable. */
    private record Phase(Snapshot before, Snapshot after, int operations) {
        double cpuMillis() {
            return (after.cpuNanos - before.cpuNanos) / 1e6 / operations;
        }

        String byThread() {
            return ThreadCpu.perOperation(before.threadCpu, after.threadCpu, operations);
        }

        double verifications() {
            return (after.verifications - before.verifications) / (double) operations;
        }

        double keysValidated() {
            return (after.keysValidated - before.keysValidated) / (double) operations;
        }

        double roundsPerLookup() {
            long lookups = after.lookups - before.lookups;
            return lookups == 0 ? 0 : (after.lookupRounds - before.lookupRounds) / (double) lookups;
        }
    }

    /** @return CPU time used by this process so far (every thread), in nanoseconds */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** @return the Ed25519 verifications the testnet's nodes performed so far (cache misses) */
    private static long verifications(List<MainlineDht> nodes, boolean sharedCache) {
        return sharedCache ? nodes.get(0).signatureVerifications()
                : nodes.stream().mapToLong(MainlineDht::signatureVerifications).sum();
    }

    /** @return the public keys the testnet's nodes validated so far */
    private static long keysValidated(List<MainlineDht> nodes, boolean sharedCache) {
        return sharedCache ? nodes.get(0).keysValidated() : nodes.stream().mapToLong(MainlineDht::keysValidated).sum();
    }

    /** The cost of one Ed25519 verification here and now: every BEP44 put is verified by each storing node. */
    private static void verifyCost(SigningProvider signing) {
        SigningKeyPair key = signing.generate();
        byte[] message = new byte[200];
        byte[] signature = key.sign(message);
        double micros = 0;
        for (int round = 0; round < 3; round++) {
            long start = System.nanoTime();
            for (int i = 0; i < 1000; i++) {
                signing.verify(key.publicKey(), message, signature);
            }
            micros = (System.nanoTime() - start) / 1000 / 1000.0;
        }
        System.out.printf(Locale.ROOT, "ed25519 verify (%s): %.0f us each; load average %.1f on %d cores%n",
                signing.id(), micros, ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                Runtime.getRuntime().availableProcessors());
    }

    /** One standalone node on its own one-thread event loop, loaded by a closed-loop client on another thread. */
    private static void packetsPerSecond(SigningProvider signing) throws Exception {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        try (LocalTestnet net = LocalTestnet.builder(signing).nodes(64).start()) {
            Dht dht = new MainlineDhtProvider().create(new DhtContext(ConfigTable.of("dht.mainline", Map.of(
                    "bind_address", "127.0.0.1", "port", 0L, "bootstrap", List.of(net.bootstrapAddress()),
                    "enforce_bep42", false, "rate_limit_per_ip", 0L)), signing, Clock.systemUTC(), scheduler));
            try {
                dht.start().get(30, TimeUnit.SECONDS);
                MainlineDht node = (MainlineDht) dht;
                for (String method : List.of("ping", "find_node", "get")) {
                    blast(node, method, Duration.ofSeconds(1)); // warm-up
                    long before = node.stats().queriesAnswered();
                    long start = System.nanoTime();
                    int received = blast(node, method, Duration.ofSeconds(3));
                    double seconds = (System.nanoTime() - start) / 1e9;
                    System.out.printf(Locale.ROOT, "answered %s: %.0f queries/s on one event-loop thread "
                            + "(%d replies received by the client)%n", method,
                            (node.stats().queriesAnswered() - before) / seconds, received);
                }
            } finally {
                dht.close();
            }
        } finally {
            scheduler.shutdownNow();
        }
    }

    /** Keeps a window of queries outstanding against {@code node} for {@code duration}; returns replies received. */
    private static int blast(MainlineDht node, String method, Duration duration) throws Exception {
        InetSocketAddress to = node.localAddress();
        Random random = new Random(1);
        int window = 128;
        int received = 0;
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            socket.setSoTimeout(200); // a lost datagram ends the round instead of blocking
            socket.setReceiveBufferSize(1 << 20);
            byte[] buffer = new byte[4096];
            DatagramPacket reply = new DatagramPacket(buffer, buffer.length);
            long end = System.nanoTime() + duration.toNanos();
            int tid = 0;
            while (System.nanoTime() < end) {
                for (int i = 0; i < window; i++) {
                    byte[] q = query(method, tid++, random);
                    socket.send(new DatagramPacket(q, q.length, to));
                }
                for (int i = 0; i < window; i++) {
                    try {
                        socket.receive(reply);
                    } catch (SocketTimeoutException e) {
                        break;
                    }
                    received++;
                }
            }
        }
        return received;
    }

    private static byte[] query(String method, int tid, Random random) {
        byte[] id = new byte[20];
        random.nextBytes(id);
        ByteArrayOutputStream out = new ByteArrayOutputStream(100);
        out.writeBytes(bytes("d1:ad2:id20:"));
        out.writeBytes(id);
        if (!method.equals("ping")) {
            byte[] target = new byte[20];
            random.nextBytes(target);
            out.writeBytes(bytes("6:target20:"));
            out.writeBytes(target);
        }
        out.writeBytes(bytes("e1:q" + method.length() + ":" + method + "1:t2:"));
        out.write((tid >>> 8) & 0xff);
        out.write(tid & 0xff);
        out.writeBytes(bytes("1:y1:qe"));
        return out.toByteArray();
    }

    /** @return the resident set size from /proc/self/status, or 0 where there is none */
    private static long rssBytes() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            return 0;
        }
        return 0;
    }

    private static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
