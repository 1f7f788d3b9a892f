package io.topictracker.bench;

import io.topictracker.api.PeerId;
import io.topictracker.bench.support.Args;
import io.topictracker.bench.support.BenchSigning;
import io.topictracker.dht.mainline.LocalTestnet;
import io.topictracker.engine.Node;
import io.topictracker.engine.OverlayGraph;
import io.topictracker.engine.Topic;
import io.topictracker.engine.TopicEvent;
import io.topictracker.engine.config.NodeConfig;
import io.topictracker.engine.measure.Percentiles;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The churn soak of issue #16: N whole nodes in this JVM on one topic; every round a fraction of the live members is
 * closed and as many new nodes start and join; broadcasts from random live members run all along. Reports delivery
 * during churn, how long the overlay of the live members took to be connected again after each round, and, once churn
 * stops, how long the survivors took to form one connected overlay and whether every later broadcast reached all.
 *
 * <pre>
 * java -cp 'bench/target/classes:bench/target/lib/*' io.topictracker.bench.ChurnSoakBenchmark \
 *     [nodes=30] [rounds=15] [round_seconds=20] [fraction=0.3] [dht=inmemory] [transport=tcp] \
 *     [broadcast_ms=500] [after=20] [seed=1]
 * </pre>
 *
 * <p>"Killing" a member is {@link Node#close()}: in one JVM there is no process to kill, and closing sockets is what
 * a killed process's kernel does too (its TCP connections end); the difference is that a closing node also tells its
 * neighbours it leaves. The DHT is the in-process one by default ({@code dht=inmemory}), so what is measured is the
 * overlay and the bootstrap; {@code dht=mainline} gives each node a mainline DHT node on 127.0.0.1 bootstrapped from a
 * loopback testnet of {@value #TESTNET_NODES} nodes in this JVM. Every wait is bounded; every node is closed at the
 * end.
 *
 * <p>Delivery during churn counts (broadcast, member) pairs where the member was live when the broadcast was sent and
 * stayed live for {@value #DELIVERY_WINDOW_SECONDS} s after it (a member closed a moment after a broadcast could not
 * have got it); such pairs are split by whether the member had already joined (its {@code joined()} future done) when
 * the broadcast was sent. A pair counts as delivered if the member ever received the broadcast.
 */
public final class ChurnSoakBenchmark {
    private static final String TOPIC = "churn-soak";
    private static final byte[] SECRET = "churn-soak-secret".getBytes(StandardCharsets.UTF_8);
    private static final int TESTNET_NODES = 32;
    private static final long DELIVERY_WINDOW_SECONDS = 5;
    private static final Duration START_WAIT = Duration.ofSeconds(120);
    private static final Duration SETTLE_LIMIT = Duration.ofSeconds(30);
    private static final Duration AFTER_DELIVERY_LIMIT = Duration.ofSeconds(10);

    private ChurnSoakBenchmark() {}

    /** One member: a node, its topic, when it started and when it was closed, and what it received. */
    private static final class Member {
        final int index;
        final Node node;
        final Topic topic;
        final long startedAt;
        volatile long closedAt = Long.MAX_VALUE;
        /** broadcast id to the nanoTime it arrived */
        final Map<Integer, Long> received = new ConcurrentHashMap<>();
        final AtomicLong lagged = new AtomicLong();

        Member(int index, Node node, Topic topic) {
            this.index = index;
            this.node = node;
            this.topic = topic;
            this.startedAt = System.nanoTime();
        }

        boolean live() {
            return closedAt == Long.MAX_VALUE;
        }

        /** Reads the topic's events until it closes; a daemon thread per member. */
        void startReader() {
            Thread reader = new Thread(() -> {
                try {
                    while (true) {
                        TopicEvent event = topic.receiver().next(Duration.ofMillis(200));
                        if (event instanceof TopicEvent.Closed) {
                            return;
                        }
                        if (event instanceof TopicEvent.Lagged lag) {
                            lagged.addAndGet(lag.missed());
                        }
                        if (event instanceof TopicEvent.Received r && r.payload().length == 12) {
                            received.putIfAbsent(ByteBuffer.wrap(r.payload()).getInt(), System.nanoTime());
                        }
                        if (event == null && !live()) {
                            return;
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "churn-reader-" + index);
            reader.setDaemon(true);
            reader.start();
        }
    }

    /** One broadcast: who sent it when, and who was there (other than the sender), split by having joined. */
    private record Sent(int id, int sender, long sentAt, Set<Integer> joined, Set<Integer> joining) {}

    public static void main(String[] args) throws Exception {
        Args opts = Args.parse(args, "nodes", "rounds", "round_seconds", "fraction", "dht", "transport",
                "broadcast_ms", "after", "seed");
        int size = (int) opts.integer("nodes", 30, 3, 500);
        int rounds = (int) opts.integer("rounds", 15, 0, 10_000);
        long roundSeconds = opts.integer("round_seconds", 20, 1, 3600);
        double fraction = opts.decimal("fraction", 0.3, 0.0, 0.9);
        String dht = opts.choice("dht", "inmemory", "inmemory", "mainline");
        String transport = opts.choice("transport", "tcp", "tcp", "quic");
        long broadcastMillis = opts.integer("broadcast_ms", 500, 10, 60_000);
        int after = (int) opts.integer("after", 20, 1, 10_000);
        Random random = new Random(opts.integer("seed", 1, 0, Long.MAX_VALUE));
        int perRound = (int) Math.round(size * fraction);
        System.out.printf(Locale.ROOT, "churn soak: nodes=%d rounds=%d round=%d s kill/start %d per round (%.0f %%)"
                + " dht=%s transport=%s broadcast every %d ms; cores=%d java=%s%n", size, rounds, roundSeconds,
                perRound, fraction * 100, dht, transport, broadcastMillis, Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"));

        Factory factory = new Factory(dht, transport);
        List<Member> all = new CopyOnWriteArrayList<>();
        AtomicInteger nextIndex = new AtomicInteger();
        List<Sent> sent = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger sendFailures = new AtomicInteger();
        ScheduledExecutorService broadcaster = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "churn-broadcaster");
            t.setDaemon(true);
            return t;
        });
        try {
            long t0 = System.nanoTime();
            all.addAll(factory.startMembers(size, nextIndex));
            waitUntil(START_WAIT, () -> all.stream().allMatch(m -> m.topic.joined().isDone())
                    && connected(live(all)));
            System.out.printf(Locale.ROOT, "start: %d nodes joined and connected in %.1f s%n", size,
                    (System.nanoTime() - t0) / 1e9);

            AtomicInteger nextBroadcast = new AtomicInteger();
            broadcaster.scheduleAtFixedRate(() -> broadcastOnce(all, random, nextBroadcast, sent, sendFailures),
                    broadcastMillis, broadcastMillis, TimeUnit.MILLISECONDS);

            List<Double> reconnectSeconds = new ArrayList<>();
            List<Double> newcomerJoinMillis = Collections.synchronizedList(new ArrayList<>());
            int roundsNotReconnected = 0;
            long samples = 0;
            long connectedSamples = 0;
            for (int round = 1; round <= rounds; round++) {
                long roundStart = System.nanoTime();
                List<Member> live = live(all);
                Collections.shuffle(live, random);
                List<Member> victims = live.subList(0, Math.min(perRound, live.size()));
                long now = System.nanoTime();
                victims.forEach(v -> v.closedAt = now);
                victims.parallelStream().forEach(v -> v.node.close());
                List<Member> newcomers = factory.startMembers(perRound, nextIndex);
                for (Member m : newcomers) {
                    m.topic.joined().thenRun(() -> newcomerJoinMillis.add((System.nanoTime() - m.startedAt) / 1e6));
                }
                all.addAll(newcomers);
                // sample the live overlay every 250 ms until the round ends
                double reconnected = Double.NaN;
                long roundEnd = roundStart + TimeUnit.SECONDS.toNanos(roundSeconds);
                while (System.nanoTime() < roundEnd) {
                    boolean ok = connected(live(all));
                    samples++;
                    connectedSamples += ok ? 1 : 0;
                    if (ok && Double.isNaN(reconnected)) {
                        reconnected = (System.nanoTime() - roundStart) / 1e9;
                    }
                    TimeUnit.MILLISECONDS.sleep(250);
                }
                if (Double.isNaN(reconnected)) {
                    roundsNotReconnected++;
                } else {
                    reconnectSeconds.add(reconnected);
                }
                System.out.printf(Locale.ROOT, "round %d: closed %d, started %d; live overlay connected again after"
                        + " %s; members live %d%n", round, victims.size(), newcomers.size(),
                        Double.isNaN(reconnected) ? "never in the round" : String.format(Locale.ROOT, "%.2f s",
                                reconnected), live(all).size());
            }
            broadcaster.shutdown();
            broadcaster.awaitTermination(10, TimeUnit.SECONDS);
            long churnEnd = System.nanoTime();

            // after churn: one overlay within the limit
            List<Member> survivors = live(all);
            boolean settled = waitUntil(SETTLE_LIMIT, () -> survivors.stream().allMatch(m -> m.topic.joined().isDone())
                    && connected(survivors));
            double settleSeconds = (System.nanoTime() - churnEnd) / 1e9;
            System.out.printf(Locale.ROOT, "after churn: %d survivors %s in %.2f s (limit %d s)%n", survivors.size(),
                    settled ? "formed one connected overlay" : "did NOT form one connected overlay", settleSeconds,
                    SETTLE_LIMIT.toSeconds());

            // during churn: delivery of the pairs that count (wait out the window of the last broadcasts first)
            TimeUnit.SECONDS.sleep(DELIVERY_WINDOW_SECONDS);
            report(all, sent, sendFailures.get(), reconnectSeconds, roundsNotReconnected, samples, connectedSamples,
                    newcomerJoinMillis);

            // after churn: every later broadcast reaches every survivor
            int fullyDelivered = 0;
            List<Double> afterLatency = new ArrayList<>();
            for (int i = 0; i < after; i++) {
                int id = 1_000_000 + i;
                Member from = survivors.get(random.nextInt(survivors.size()));
                long start = System.nanoTime();
                from.topic.sender().broadcast(payload(id)).get(10, TimeUnit.SECONDS);
                boolean reachedAll = waitUntil(AFTER_DELIVERY_LIMIT, () -> survivors.stream()
                        .allMatch(m -> m == from || m.received.containsKey(id)));
                fullyDelivered += reachedAll ? 1 : 0;
                for (Member m : survivors) {
                    Long at = m.received.get(id);
                    if (at != null) {
                        afterLatency.add((at - start) / 1e6);
                    }
                }
            }
            Percentiles latency = Percentiles.of(afterLatency.stream().mapToDouble(Double::doubleValue).toArray());
            System.out.printf(Locale.ROOT, "after churn: %d/%d broadcasts reached all %d survivors within %d s;"
                    + " delivery latency p50 %.1f ms, p99 %.1f ms, max %.1f ms%n", fullyDelivered, after,
                    survivors.size(), AFTER_DELIVERY_LIMIT.toSeconds(), latency.atOrNaN(50), latency.atOrNaN(99),
                    latency.atOrNaN(100));
            System.out.println(settled && fullyDelivered == after ? "RESULT: after-churn properties hold"
                    : "RESULT: after-churn properties FAILED");
        } finally {
            broadcaster.shutdownNow();
            long closeStart = System.nanoTime();
            live(all).parallelStream().forEach(m -> m.node.close());
            factory.close();
            System.out.printf(Locale.ROOT, "closed in %.0f ms; load average %.2f%n",
                    (System.nanoTime() - closeStart) / 1e6,
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
    }

    private static void broadcastOnce(List<Member> all, Random random, AtomicInteger nextBroadcast, List<Sent> sent,
            AtomicInteger failures) {
        List<Member> live = live(all);
        List<Member> joined = live.stream().filter(m -> m.topic.joined().isDone()).toList();
        if (joined.isEmpty()) {
            return;
        }
        Member from = joined.get(random.nextInt(joined.size()));
        int id = nextBroadcast.getAndIncrement();
        long at = System.nanoTime();
        Set<Integer> joinedOthers = ConcurrentHashMap.newKeySet();
        Set<Integer> joiningOthers = ConcurrentHashMap.newKeySet();
        for (Member m : live) {
            if (m != from) {
                (m.topic.joined().isDone() ? joinedOthers : joiningOthers).add(m.index);
            }
        }
        try {
            from.topic.sender().broadcast(payload(id)).get(5, TimeUnit.SECONDS);
            sent.add(new Sent(id, from.index, at, joinedOthers, joiningOthers));
        } catch (Exception e) {
            failures.incrementAndGet(); // the sender was closed under it: not a broadcast anyone could get
        }
    }

    private static void report(List<Member> all, List<Sent> sent, int sendFailures, List<Double> reconnectSeconds,
            int roundsNotReconnected, long samples, long connectedSamples, List<Double> newcomerJoinMillis) {
        Map<Integer, Member> byIndex = new HashMap<>();
        all.forEach(m -> byIndex.put(m.index, m));
        long window = TimeUnit.SECONDS.toNanos(DELIVERY_WINDOW_SECONDS);
        long[] joinedPairs = new long[2];
        long[] joiningPairs = new long[2];
        List<Double> latencies = new ArrayList<>();
        List<Sent> copy;
        synchronized (sent) {
            copy = List.copyOf(sent);
        }
        for (Sent s : copy) {
            for (int pass = 0; pass < 2; pass++) {
                long[] pairs = pass == 0 ? joinedPairs : joiningPairs;
                for (int index : pass == 0 ? s.joined() : s.joining()) {
                    Member m = byIndex.get(index);
                    if (m.closedAt - s.sentAt() < window) {
                        continue; // closed within the window: could not count
                    }
                    pairs[0]++;
                    Long at = m.received.get(s.id());
                    if (at != null) {
                        pairs[1]++;
                        if (pass == 0) {
                            latencies.add((at - s.sentAt()) / 1e6);
                        }
                    }
                }
            }
        }
        Percentiles latency = Percentiles.of(latencies.stream().mapToDouble(Double::doubleValue).toArray());
        System.out.printf(Locale.ROOT, "during churn: %d broadcasts (%d more failed: sender closed under them)%n",
                copy.size(), sendFailures);
        System.out.printf(Locale.ROOT, "during churn: delivered %d of %d (broadcast, joined member) pairs = %.4f;"
                + " latency p50 %.1f ms, p99 %.1f ms, max %.1f ms%n", joinedPairs[1], joinedPairs[0],
                joinedPairs[1] / (double) Math.max(1, joinedPairs[0]), latency.atOrNaN(50), latency.atOrNaN(99),
                latency.atOrNaN(100));
        System.out.printf(Locale.ROOT, "during churn: delivered %d of %d (broadcast, still-joining member) pairs ="
                + " %.4f; all pairs %.4f%n", joiningPairs[1], joiningPairs[0],
                joiningPairs[1] / (double) Math.max(1, joiningPairs[0]),
                (joinedPairs[1] + joiningPairs[1]) / (double) Math.max(1, joinedPairs[0] + joiningPairs[0]));
        Percentiles reconnect = Percentiles.of(reconnectSeconds.stream().mapToDouble(Double::doubleValue).toArray());
        System.out.printf(Locale.ROOT, "during churn: live overlay connected in %.1f %% of %d samples (every 250 ms);"
                + " after a round connected again in p50 %.2f s, max %.2f s; %d rounds never connected again%n",
                100.0 * connectedSamples / Math.max(1, samples), samples, reconnect.atOrNaN(50),
                reconnect.atOrNaN(100), roundsNotReconnected);
        Percentiles join;
        synchronized (newcomerJoinMillis) {
            join = Percentiles.of(newcomerJoinMillis.stream().mapToDouble(Double::doubleValue).toArray());
        }
        System.out.printf(Locale.ROOT, "during churn: newcomers joined (first neighbour) in p50 %.0f ms, p90 %.0f ms,"
                + " max %.0f ms; events lost to full queues %d%n", join.atOrNaN(50), join.atOrNaN(90),
                join.atOrNaN(100), all.stream().mapToLong(m -> m.lagged.get()).sum());
    }

    private static byte[] payload(int id) {
        return ByteBuffer.allocate(12).putInt(id).putLong(System.nanoTime()).array();
    }

    private static List<Member> live(List<Member> all) {
        List<Member> live = new ArrayList<>();
        for (Member m : all) {
            if (m.live()) {
                live.add(m);
            }
        }
        return live;
    }

    private static boolean connected(List<Member> members) {
        Map<PeerId, Set<PeerId>> views = new HashMap<>();
        for (Member m : members) {
            views.put(m.node.id(), m.topic.neighbors());
        }
        return OverlayGraph.of(views).isConnected();
    }

    /** Polls {@code condition} every 50 ms for at most {@code limit}; @return whether it held */
    private static boolean waitUntil(Duration limit, java.util.function.BooleanSupplier condition)
            throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
        return condition.getAsBoolean();
    }

    /** Starts nodes of one configuration; owns the mainline testnet when there is one. Not thread-safe. */
    private static final class Factory implements AutoCloseable {
        private final String dht;
        private final String transport;
        private final String network = "churn-" + UUID.randomUUID();
        private final LocalTestnet testnet;
        private final List<String> bootstrap;

        Factory(String dht, String transport) {
            this.dht = dht;
            this.transport = transport;
            if (dht.equals("mainline")) {
                testnet = LocalTestnet.builder(BenchSigning.ed25519()).nodes(TESTNET_NODES).start();
                bootstrap = testnet.nodes().stream().limit(8)
                        .map(node -> "127.0.0.1:" + node.localAddress().getPort()).toList();
            } else {
                testnet = null;
                bootstrap = List.of();
            }
        }

        List<Member> startMembers(int count, AtomicInteger nextIndex) {
            List<Integer> indexes = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                indexes.add(nextIndex.getAndIncrement());
            }
            List<Member> members = indexes.parallelStream().map(this::startMember).toList();
            members.forEach(Member::startReader);
            return members;
        }

        private Member startMember(int index) {
            NodeConfig.Builder config = NodeConfig.builder().dhtProvider(dht).transports(List.of(transport))
                    .set("transport." + transport + ".bind_address", "127.0.0.1")
                    .set("transport." + transport + ".port", 0)
                    .set("bootstrap.no_peers_retry_interval", Duration.ofMillis(200))
                    .set("bootstrap.discovery_poll_interval", Duration.ofMillis(300))
                    .set("bootstrap.join_confirmation_wait_time", Duration.ofMillis(200));
            if (dht.equals("inmemory")) {
                config.set("dht.inmemory.network", network).set("dht.inmemory.name", "m" + index);
            } else {
                config.set("dht.mainline.bootstrap", bootstrap).set("dht.mainline.bind_address", "127.0.0.1")
                        .set("dht.mainline.port", 0).set("dht.mainline.rate_limit_per_ip", 0L)
                        .set("dht.mainline.max_items_per_ip", 100_000L).set("dht.mainline.enforce_bep42", false);
            }
            if (transport.equals("tcp")) {
                config.set("transport.tcp.io_threads", 1); // dozens of nodes on few cores: one event loop each
            }
            Node node = Node.builder().config(config.build()).build();
            try {
                node.start().get(START_WAIT.toSeconds(), TimeUnit.SECONDS);
            } catch (Exception e) {
                node.close();
                throw new IllegalStateException("node " + index + " did not start: " + e, e);
            }
            return new Member(index, node, node.joinNoWait(TOPIC, SECRET));
        }

        @Override
        public void close() {
            if (testnet != null) {
                testnet.close();
            }
        }
    }
}
