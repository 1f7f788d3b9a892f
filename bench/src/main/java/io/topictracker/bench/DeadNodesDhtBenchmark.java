package io.topictracker.bench;

import io.topictracker.api.ConfigTable;
import io.topictracker.api.dht.LookupSummary;
import io.topictracker.api.dht.MutableItem;
import io.topictracker.api.dht.MutableQuery;
import io.topictracker.api.dht.PutSummary;
import io.topictracker.api.signing.SigningKeyPair;
import io.topictracker.api.signing.SigningProvider;
import io.topictracker.bench.support.Args;
import io.topictracker.bench.support.BenchSigning;
import io.topictracker.dht.mainline.LocalTestnet;
import io.topictracker.dht.mainline.MainlineDht;
import io.topictracker.engine.measure.Percentiles;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The DHT-with-dead-nodes soak of issue #16: a loopback mainline testnet of our nodes (default 500) in this JVM;
 * after start and a warm-up, a measured pass with every node answering; then a fraction (default 30 %) of the nodes
 * goes silent and the same pass runs again, plus gets of items put before the silence (some of whose storing nodes
 * are now among the silent). Per pass: success rate, latency, queries the operation sent, and the queries sent and
 * timed out over all nodes during the phase (maintenance included), per operation. The
 * libtorrent side of the same is {@code bench/libtorrent-testnet.py} with a third argument (the dead fraction).
 *
 * <p>Silence is real: a silenced node is closed (its socket with it) and its UDP port is at once bound again by a
 * socket that never reads, so queries to it are queued in a receive buffer nobody drains and then dropped by the
 * kernel — no reply, no error, and no ICMP port-unreachable (which a closed port on loopback would send, and which a
 * client could take as an answer). The rest of the testnet keeps the silent nodes in its routing tables, as after a
 * real crash, until its own pings find them out.
 *
 * <pre>
 * java -cp 'bench/target/classes:bench/target/lib/*' io.topictracker.bench.DeadNodesDhtBenchmark \
 *     [nodes=500] [dead=0.3] [operations=50] [warmup=5] [seed=42] [timeouts=testnet|defaults]
 * </pre>
 * Binds 127.0.0.1 only; every wait is bounded; everything is closed at the end.
 */
public final class DeadNodesDhtBenchmark {
    private static final byte[] SALT = "salt".getBytes(StandardCharsets.UTF_8);
    private static final long OPERATION_LIMIT_SECONDS = 60;

    private DeadNodesDhtBenchmark() {}

    public static void main(String[] args) throws Exception {
        Args opts = Args.parse(args, "nodes", "dead", "operations", "warmup", "seed", "timeouts");
        // testnet: LocalTestnet's query timeouts (200 ms to 1 s, operations 5 s), as MainlineTestnetBenchmark runs;
        // defaults: the provider's defaults for real networks (250 ms to 2 s, operations 15 s)
        boolean defaults = opts.choice("timeouts", "testnet", "testnet", "defaults").equals("defaults");
        int size = (int) opts.integer("nodes", 500, 10, 10_000);
        double deadFraction = opts.decimal("dead", 0.3, 0.0, 0.9);
        int operations = (int) opts.integer("operations", 50, 1, 10_000);
        int warmUp = (int) opts.integer("warmup", 5, 0, 1000);
        Random random = new Random(opts.integer("seed", 42, 0, Long.MAX_VALUE));
        SigningProvider signing = BenchSigning.ed25519();
        System.out.printf(Locale.ROOT, "dead-nodes DHT soak: nodes=%d dead=%.0f %% operations=%d timeouts=%s"
                + " cores=%d java=%s%n", size, deadFraction * 100, operations, defaults ? "defaults" : "testnet",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
        ConfigTable settings = defaults ? ConfigTable.of("dht.mainline", Map.of("min_query_timeout", "250ms",
                "max_query_timeout", "2s", "operation_timeout", "15s")) : ConfigTable.empty("dht.mainline");
        List<DatagramSocket> blackHoles = new ArrayList<>();
        long t0 = System.nanoTime();
        try (LocalTestnet net = LocalTestnet.builder(signing).nodes(size).settings(settings)
                .startTimeout(Duration.ofMinutes(5)).start()) {
            List<MainlineDht> nodes = net.nodes();
            System.out.printf(Locale.ROOT, "testnet: %d nodes started in %.1f s%n", size,
                    (System.nanoTime() - t0) / 1e9);
            for (int i = 0; i < warmUp; i++) {
                Pass.run(nodes, nodes, operations, signing, random);
            }
            Pass alive = Pass.run(nodes, nodes, operations, signing, random);
            alive.print("all answering");
            // items stored while every node answered, to be read once some of their storing nodes are silent
            List<SigningKeyPair> before = new ArrayList<>();
            for (int i = 0; i < operations; i++) {
                SigningKeyPair key = signing.generate();
                nodes.get(random.nextInt(nodes.size())).putMutable(MutableItem.sign(key, SALT, 1,
                        bytes("before the silence " + i))).get(OPERATION_LIMIT_SECONDS, TimeUnit.SECONDS);
                before.add(key);
            }

            List<MainlineDht> shuffled = new ArrayList<>(nodes);
            Collections.shuffle(shuffled, random);
            int deadCount = (int) Math.round(size * deadFraction);
            List<MainlineDht> silenced = shuffled.subList(0, deadCount);
            List<MainlineDht> answering = List.copyOf(shuffled.subList(deadCount, size));
            for (MainlineDht node : silenced) {
                blackHoles.add(silence(node));
            }
            System.out.printf(Locale.ROOT, "silenced %d of %d nodes (closed, ports held by sockets that never"
                    + " read); operations now start from the %d that answer%n", deadCount, size, answering.size());
            Pass dead = Pass.run(answering, nodes, operations, signing, random);
            dead.print(String.format(Locale.ROOT, "%.0f %% silent", deadFraction * 100));
            Ops old = new Ops();
            for (SigningKeyPair key : before) {
                get(answering.get(random.nextInt(answering.size())), key, old);
            }
            old.print("get of items put before the silence");
            System.out.printf(Locale.ROOT, "load average %.2f%n",
                    ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        } finally {
            blackHoles.forEach(DatagramSocket::close);
        }
    }

    /**
     * Closes {@code node} and binds its UDP port again with a socket that is never read, so the port stays open and
     * silent. Retries the bind for at most a second (the port is free once the close returned, but a bind can race).
     */
    private static DatagramSocket silence(MainlineDht node) throws IOException, InterruptedException {
        InetSocketAddress address = node.localAddress();
        node.close();
        SocketException last = null;
        for (int attempt = 0; attempt < 20; attempt++) {
            try {
                DatagramSocket hole = new DatagramSocket(null);
                hole.setReceiveBufferSize(4096); // fills at once: the kernel drops the rest, with no reply
                hole.bind(address);
                return hole;
            } catch (SocketException e) {
                last = e;
                TimeUnit.MILLISECONDS.sleep(50);
            }
        }
        throw new IOException("could not hold the silenced node's port " + address, last);
    }

    /** One kind of operation's outcomes. Not thread-safe. */
    private static final class Ops {
        final List<Double> millis = new ArrayList<>();
        final List<Integer> queries = new ArrayList<>();
        final List<Integer> acks = new ArrayList<>();
        /** gets: when the first item arrived (the lookup goes on for newer ones); appended by the callback */
        final List<Double> firstItemMillis = Collections.synchronizedList(new ArrayList<>());
        int succeeded;
        int attempted;
        long timeouts;
        /** queries every node sent during the phase, maintenance included (libtorrent's script counts so) */
        long allQueries;

        void print(String what) {
            Percentiles latency = Percentiles.of(millis.stream().mapToDouble(Double::doubleValue).toArray());
            Percentiles sent = Percentiles.of(queries.stream().mapToDouble(Integer::doubleValue).toArray());
            String ack = acks.isEmpty() ? "" : String.format(Locale.ROOT, "; acks median %.0f, min %d",
                    Percentiles.of(acks.stream().mapToDouble(Integer::doubleValue).toArray()).atOrNaN(50),
                    Collections.min(acks));
            String first;
            synchronized (firstItemMillis) {
                Percentiles firstItem = Percentiles.of(firstItemMillis.stream().mapToDouble(Double::doubleValue)
                        .toArray());
                first = firstItemMillis.isEmpty() ? "" : String.format(Locale.ROOT, "; first item after median"
                        + " %.0f ms, p90 %.0f ms", firstItem.atOrNaN(50), firstItem.atOrNaN(90));
            }
            System.out.printf(Locale.ROOT, "  %s: succeeded %d/%d; latency median %.0f ms, p90 %.0f ms, max %.0f ms;"
                    + " queries median %.0f, p90 %.0f%s%s%s%n", what, succeeded, attempted, latency.atOrNaN(50),
                    latency.atOrNaN(90), latency.atOrNaN(100), sent.atOrNaN(50), sent.atOrNaN(90), ack, first,
                    timeouts > 0 || allQueries > 0 ? String.format(Locale.ROOT, "; all nodes during the phase,"
                            + " per operation: %.1f queries sent, %.1f timed out", allQueries / (double) attempted,
                            timeouts / (double) attempted) : "");
        }
    }

    /** A pass: puts of fresh items from random nodes of {@code from}, then gets of them from others. */
    private record Pass(Ops puts, Ops gets) {
        static Pass run(List<MainlineDht> from, List<MainlineDht> all, int operations, SigningProvider signing,
                Random random) {
            Ops puts = new Ops();
            Ops gets = new Ops();
            List<SigningKeyPair> keys = new ArrayList<>();
            long timeouts = timeouts(all);
            long queries = queries(all);
            for (int i = 0; i < operations; i++) {
                SigningKeyPair key = signing.generate();
                keys.add(key);
                MutableItem item = MutableItem.sign(key, SALT, 1, bytes("value " + i));
                long start = System.nanoTime();
                puts.attempted++;
                try {
                    PutSummary summary = from.get(random.nextInt(from.size())).putMutable(item)
                            .get(OPERATION_LIMIT_SECONDS, TimeUnit.SECONDS);
                    puts.succeeded += summary.acknowledged() > 0 ? 1 : 0;
                    puts.queries.add(summary.queriesSent());
                    puts.acks.add(summary.acknowledged());
                } catch (Exception e) {
                    puts.acks.add(0);
                }
                puts.millis.add((System.nanoTime() - start) / 1e6);
            }
            puts.timeouts = timeouts(all) - timeouts;
            puts.allQueries = queries(all) - queries;
            timeouts = timeouts(all);
            queries = queries(all);
            for (SigningKeyPair key : keys) {
                get(from.get(random.nextInt(from.size())), key, gets);
            }
            gets.timeouts = timeouts(all) - timeouts;
            gets.allQueries = queries(all) - queries;
            return new Pass(puts, gets);
        }

        void print(String what) {
            System.out.printf(Locale.ROOT, "pass, %s:%n", what);
            puts.print("put");
            gets.print("get");
        }
    }

    private static void get(MainlineDht from, SigningKeyPair key, Ops gets) {
        AtomicInteger items = new AtomicInteger();
        long start = System.nanoTime();
        gets.attempted++;
        try {
            LookupSummary summary = from.getMutable(MutableQuery.of(key.publicKey(), SALT, OptionalLong.empty(),
                    Duration.ofSeconds(10)), item -> {
                        if (items.getAndIncrement() == 0) {
                            gets.firstItemMillis.add((System.nanoTime() - start) / 1e6);
                        }
                    })
                    .get(OPERATION_LIMIT_SECONDS, TimeUnit.SECONDS);
            gets.queries.add(summary.queriesSent());
        } catch (Exception e) {
            // counted as not found
        }
        gets.millis.add((System.nanoTime() - start) / 1e6);
        gets.succeeded += items.get() > 0 ? 1 : 0;
    }

    /** @return query timeouts so far over the nodes (a closed node's counters stay as they were) */
    private static long timeouts(List<MainlineDht> nodes) {
        return nodes.stream().mapToLong(n -> n.stats().timeouts()).sum();
    }

    /** @return queries sent so far over the nodes */
    private static long queries(List<MainlineDht> nodes) {
        return nodes.stream().mapToLong(n -> n.stats().queriesSent()).sum();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
