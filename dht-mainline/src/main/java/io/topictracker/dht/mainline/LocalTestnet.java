package io.topictracker.dht.mainline;

import io.netty.channel.EventLoopGroup;
import io.topictracker.api.ConfigTable;
import io.topictracker.api.dht.DhtContext;
import io.topictracker.api.metrics.Metrics;
import io.topictracker.api.signing.SigningProvider;
import io.topictracker.dht.mainline.node.MainlineSettings;
import io.topictracker.dht.mainline.store.CachedVerifier;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A loopback mainline testnet: N of our nodes in this JVM on 127.0.0.1, bootstrapped from each other, sharing one
 * small event loop group (so a testnet of hundreds of nodes needs two threads, not hundreds). For tests, the demo
 * and the benchmark. BEP42 enforcement and per-IP limits are off, since every node has the same IP.
 *
 * <p>Thread-safe. {@link #close()} closes every node and the group.
 */
public final class LocalTestnet implements AutoCloseable {
    private static final int SHARED_VERDICTS = 16_384;
    private final EventLoopGroup group;
    private final boolean epoll;
    private final SigningProvider signing;
    private final ScheduledExecutorService scheduler;
    private final ConfigTable overrides;
    private final List<MainlineDht> nodes = Collections.synchronizedList(new ArrayList<>());
    private final Random random = new Random();
    private final Metrics metrics;

    private LocalTestnet(Builder b) {
        this.metrics = b.metrics;
        this.epoll = NettyTransport.epoll(b.epoll);
        this.group = NettyTransport.group(b.threads, epoll, "dht-testnet");
        // one verdict cache for the whole testnet, as the nodes share one process: an item stored on 8 nodes and read
        // by others is verified once (sharedVerifyCache(false) gives each node its own, like separate processes)
        this.signing = b.sharedVerifyCache ? new CachedVerifier(b.signing, SHARED_VERDICTS) : b.signing;
        this.overrides = b.settings;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dht-testnet-scheduler");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * @param signing verifies BEP44 signatures, not null
     * @return a builder for a testnet of 8 nodes with the defaults below
     */
    public static Builder builder(SigningProvider signing) {
        return new Builder(Objects.requireNonNull(signing, "signing"));
    }

    /** Sets up a testnet; not thread-safe, used once. */
    public static final class Builder {
        private final SigningProvider signing;
        private int size = 8;
        private ConfigTable settings = ConfigTable.empty("dht.mainline");
        private int threads = Math.min(2, Runtime.getRuntime().availableProcessors());
        private boolean epoll = true;
        private boolean sharedVerifyCache = true;
        private Metrics metrics = Metrics.none();
        private Duration startTimeout = Duration.ofMinutes(1);

        private Builder(SigningProvider signing) {
            this.signing = signing;
        }

        /** @param count nodes to start, at least 1 (default 8) */
        public Builder nodes(int count) {
            if (count < 1) {
                throw new IllegalArgumentException("a testnet needs at least one node, got " + count);
            }
            this.size = count;
            return this;
        }

        /** @param table {@code [dht.mainline]} keys applied to every node over the testnet's own, not null */
        public Builder settings(ConfigTable table) {
            this.settings = Objects.requireNonNull(table, "table");
            return this;
        }

        /** @param count event-loop threads all nodes share, 1 to 64 (default 2, or 1 on one core) */
        public Builder threads(int count) {
            if (count < 1 || count > 64) {
                throw new IllegalArgumentException("threads must be 1 to 64, got " + count);
            }
            this.threads = count;
            return this;
        }

        /** @param use whether to use the native epoll transport where available (default true) */
        public Builder epoll(boolean use) {
            this.epoll = use;
            return this;
        }

        /**
         * @param shared true (default): the nodes share one signature verdict cache; false: each has its own, as
         *     separate processes would
         */
        public Builder sharedVerifyCache(boolean shared) {
            this.sharedVerifyCache = shared;
            return this;
        }

        /** @param into every node counts into it (counters add up; of the gauges, the first node's is read) */
        public Builder metrics(Metrics into) {
            this.metrics = Objects.requireNonNull(into, "into");
            return this;
        }

        /** @param timeout the longest the whole start may take (default 1 minute), not null */
        public Builder startTimeout(Duration timeout) {
            this.startTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * Starts the nodes: the first alone, the rest in waves (each at most doubling the testnet, up to 128 at
         * once), each bootstrapping from up to three random nodes already running.
         *
         * @return the running testnet, never null
         * @throws IllegalStateException if the nodes did not start in time (every node started is closed)
         */
        public LocalTestnet start() {
            LocalTestnet net = new LocalTestnet(this);
            long deadline = System.nanoTime() + startTimeout.toNanos();
            try {
                net.addNodes(1, deadline);
                int wave = 1;
                while (net.nodes.size() < size) {
                    net.addNodes(Math.min(wave, size - net.nodes.size()), deadline);
                    wave = Math.min(wave * 2, 128); // each wave at most doubles the net: half the nodes are known
                }
                return net;
            } catch (RuntimeException e) {
                net.close();
                throw e;
            }
        }
    }

    /** Starts one more node bootstrapped into the testnet, with {@code extra} keys, and returns it. */
    public MainlineDht addNode(ConfigTable extra, Duration timeout) {
        MainlineDht dht = create(extra);
        join(List.of(dht.start()), System.nanoTime() + timeout.toNanos());
        nodes.add(dht);
        return dht;
    }

    /**
     * Starts {@code count} nodes and waits until they have bootstrapped. (Starting the next wave as soon as this one
     * is merely bound was tried: on 2 busy cores the overlapping lookups queue up, time out, and start is slower.)
     */
    private void addNodes(int count, long deadline) {
        List<MainlineDht> created = new ArrayList<>();
        List<CompletableFuture<Void>> starts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            MainlineDht dht = create(ConfigTable.empty("dht.mainline"));
            created.add(dht);
            starts.add(dht.start());
        }
        try {
            join(starts, deadline);
        } finally {
            nodes.addAll(created);
        }
    }

    private MainlineDht create(ConfigTable extra) {
        Map<String, Object> values = new HashMap<>();
        values.put("bind_address", "127.0.0.1");
        values.put("port", 0L);
        values.put("enforce_bep42", false);
        values.put("rate_limit_per_ip", 0L);
        values.put("max_items_per_ip", 100_000L);
        values.put("max_announcements_per_ip", 100_000L); // every node of a testnet is 127.0.0.1
        values.put("max_peers_per_ip_per_info_hash", 10_000L);
        values.put("min_query_timeout", "200ms"); // above the queueing delay of hundreds of nodes on 2 threads
        values.put("max_query_timeout", "1s");
        values.put("operation_timeout", "5s");
        values.put("bootstrap", bootstrapList());
        values.put("receive_buffer_bytes", 4L << 20); // a cap, not an allocation; Linux clips it to rmem_max
        for (String key : overrides.keys()) {
            values.put(key, rawValue(overrides, key));
        }
        for (String key : extra.keys()) {
            values.put(key, rawValue(extra, key));
        }
        MainlineSettings config = MainlineSettings.from(ConfigTable.of("dht.mainline", values));
        DhtContext context = new DhtContext(ConfigTable.of("dht.mainline", values), signing, Clock.systemUTC(),
                scheduler, metrics);
        return new MainlineDht(config, context, group.next(), epoll);
    }

    private static Object rawValue(ConfigTable table, String key) {
        // ConfigTable has typed reads only; try them in turn to copy a value across
        for (var read : List.<java.util.function.Supplier<Object>>of(() -> table.string(key, null),
                () -> table.integer(key, 0L, Long.MIN_VALUE, Long.MAX_VALUE), () -> table.bool(key, false),
                () -> table.stringList(key, List.of()))) {
            try {
                return read.get();
            } catch (RuntimeException wrongType) {
                // try the next type
            }
        }
        throw new IllegalArgumentException("unsupported value type for " + key);
    }

    private List<String> bootstrapList() {
        List<String> result = new ArrayList<>();
        synchronized (nodes) {
            if (nodes.isEmpty()) {
                return result;
            }
            // three random running nodes, not always the first: a node every newcomer asks at once overflows its
            // socket's receive queue and drops their queries
            for (int i = 0; i < 3; i++) {
                String address = address(nodes.get(random.nextInt(nodes.size())));
                if (!result.contains(address)) {
                    result.add(address);
                }
            }
        }
        return result;
    }

    private static String address(MainlineDht dht) {
        return "127.0.0.1:" + dht.localAddress().getPort();
    }

    private static void join(List<CompletableFuture<Void>> starts, long deadline) {
        try {
            CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new))
                    .get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the testnet", e);
        } catch (Exception e) {
            throw new IllegalStateException("testnet nodes did not start in time: " + e, e);
        }
    }

    /** @return the nodes, in start order; never null */
    public List<MainlineDht> nodes() {
        synchronized (nodes) {
            return List.copyOf(nodes);
        }
    }

    /** @return "127.0.0.1:port" of the first node, to bootstrap outside nodes from */
    public String bootstrapAddress() {
        return address(nodes().get(0));
    }

    /** @return the UDP address of the first node */
    public InetSocketAddress firstAddress() {
        return nodes().get(0).localAddress();
    }

    /** @return the scheduler handed to nodes' contexts; owned by the testnet */
    public ScheduledExecutorService scheduler() {
        return scheduler;
    }

    @Override
    public void close() {
        for (MainlineDht dht : nodes()) {
            dht.close();
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
        scheduler.shutdownNow();
    }
}
