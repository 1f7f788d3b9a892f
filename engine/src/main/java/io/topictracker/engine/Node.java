package io.topictracker.engine;

import io.micrometer.core.instrument.MeterRegistry;
import io.topictracker.api.ConfigException;
import io.topictracker.api.PeerId;
import io.topictracker.api.PeerInfo;
import io.topictracker.api.TopicId;
import io.topictracker.api.dht.BitTorrentDht;
import io.topictracker.api.dht.Dht;
import io.topictracker.api.dht.DhtContext;
import io.topictracker.api.dht.DhtProvider;
import io.topictracker.api.metrics.Metrics;
import io.topictracker.api.signing.SigningKeyPair;
import io.topictracker.api.signing.SigningProvider;
import io.topictracker.api.transport.TransportContext;
import io.topictracker.api.transport.TransportProvider;
import io.topictracker.engine.config.ConfigLoader;
import io.topictracker.engine.config.NodeConfig;
import io.topictracker.engine.gossip.GossipConfig;
import io.topictracker.engine.gossip.net.GossipNode;
import io.topictracker.engine.provider.ProviderRegistry;
import io.topictracker.engine.topic.TopicMembership;
import io.topictracker.engine.topic.TopicMeters;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Topic Tracker node: owns its signing key, the chosen DHT and transports (found through a
 * {@link ProviderRegistry}), the gossip driver and a scheduler, and joins topics.
 *
 * <pre>{@code
 * try (Node node = Node.builder().configFile(Path.of("node.toml")).build()) {
 *     node.start().get(30, SECONDS);
 *     Topic topic = node.joinNoWait("chat", secret);       // join(...) would wait for a first neighbour
 *     topic.sender().broadcast("hello".getBytes(UTF_8));
 * }
 * }</pre>
 *
 * <p>Lifecycle: {@link Builder#build()} allocates (scheduler, provider instances) but binds nothing; {@link #start()}
 * starts the DHT and every transport; {@link #close()} closes the topics, the gossip driver, the transports, the DHT
 * and the scheduler's threads (named {@code tt-node-<id>-}). With several transports ({@code [node] transports}, in
 * order of preference) the node listens on all, advertises all their addresses, and dials a peer over the first one
 * that handles one of the peer's addresses, falling back to the next when a dial fails. Thread-safe.
 *
 * <p>Arguments are never null and results never null unless a method says otherwise.
 */
public final class Node implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Node.class);
    /** Scheduler threads per node: timers, workers and DHT/gossip continuations never block. */
    private static final int SCHEDULER_THREADS = 2;

    private final NodeConfig config;
    private final SigningKeyPair identity;
    private final ScheduledThreadPoolExecutor scheduler;
    private final Dht dht;
    private final GossipNode gossip;
    private final TopicMembership.Parts parts;
    private final int queueCapacity;
    private final Map<TopicId, Topic> topics = new ConcurrentHashMap<>();
    private volatile boolean closed;

    private Node(Builder b, NodeConfig config) {
        this.config = config;
        ProviderRegistry registry = b.registry != null ? b.registry : ProviderRegistry.discover();
        SigningProvider signing = registry.select(SigningProvider.class, config.providers().signing());
        this.identity = b.keyPair != null ? b.keyPair : loadKey(signing, config);
        Clock clock = b.clock != null ? b.clock : Clock.systemUTC();
        Random random = b.random != null ? b.random : new Random();
        Metrics metrics = b.metrics;
        String prefix = "tt-node-" + identity.peerId().shortText() + "-";
        this.scheduler = new ScheduledThreadPoolExecutor(SCHEDULER_THREADS, threads(prefix));
        scheduler.setRemoveOnCancelPolicy(true);
        scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        try {
            DhtProvider dhtProvider = registry.select(DhtProvider.class, config.providers().dht());
            this.dht = dhtProvider.create(new DhtContext(config.providerTables().dht(dhtProvider.id()), signing, clock,
                    scheduler, metrics));
            List<TransportProvider> transports = registry.selectAll(TransportProvider.class,
                    config.providers().transports());
            this.gossip = new GossipNode(GossipConfig.from(config.gossip()), identity, signing, scheduler,
                    inbound -> transports.stream().map(transport -> transport.create(new TransportContext(
                            config.providerTables().transport(transport.id()), identity, signing, clock, scheduler,
                            inbound, metrics))).toList(), metrics);
            if (dht instanceof BitTorrentDht mainline) {
                // the DHT's BEP42 vote on our external IP is advertised with each transport's port
                gossip.externalHostHint(() -> mainline.externalAddress().map(InetAddress::getHostAddress)
                        .orElse(null));
            }
        } catch (RuntimeException e) {
            scheduler.shutdownNow();
            throw e;
        }
        this.parts = new TopicMembership.Parts(config, identity, signing, gossip, dht, scheduler, clock, random,
                prefix, new TopicMeters(metrics));
        this.queueCapacity = b.eventQueueCapacity;
    }

    private static ThreadFactory threads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, prefix + "sched-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /**
     * The node key: {@code [node] key_file} holds the 32-byte Ed25519 seed; no key file means a fresh key each run. A
     * key file that is missing is an error, never created here: a typo in the path would otherwise silently become a
     * new identity. {@code topic-tracker keygen --out PATH} makes one.
     *
     * @throws ConfigException naming {@code node.key_file} and the path when the file is missing, a directory,
     *     unreadable or not 32 bytes
     */
    private static SigningKeyPair loadKey(SigningProvider signing, NodeConfig config) {
        if (config.keyFile().isEmpty()) {
            return signing.generate();
        }
        Path file = config.keyFile().get();
        String where = "node.key_file: " + file + ": ";
        if (Files.isDirectory(file)) {
            throw new ConfigException("node.key_file", 0, where + "is a directory, not a key file");
        }
        if (!Files.exists(file)) {
            throw new ConfigException("node.key_file", 0, where + "no such file; make one with 'topic-tracker keygen"
                    + " --out " + file + "'");
        }
        byte[] seed;
        try (java.io.InputStream in = Files.newInputStream(file)) {
            seed = in.readNBytes(SigningProvider.SEED_LENGTH + 1); // bounded: a huge file is refused unread
        } catch (IOException e) {
            throw new ConfigException("node.key_file", 0, where + "cannot be read: " + e.getMessage());
        }
        if (seed.length != SigningProvider.SEED_LENGTH) {
            throw new ConfigException("node.key_file", 0, where + "not a key file: it must hold a "
                    + SigningProvider.SEED_LENGTH + "-byte seed, and holds " + (seed.length > SigningProvider.SEED_LENGTH
                    ? "more" : seed.length + " bytes") + " (make one with 'topic-tracker keygen --out PATH')");
        }
        return signing.fromSeed(seed);
    }

    /** @return a builder with the default configuration, providers from {@link ProviderRegistry#discover()} */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts the DHT and the transports (binding their sockets).
     *
     * @return completes with this node when both are up; fails (and the node should be closed) if either fails
     */
    public CompletableFuture<Node> start() {
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("node is closed"));
        }
        CompletableFuture<Void> dhtUp;
        CompletableFuture<Void> gossipUp;
        try {
            dhtUp = dht.start().toCompletableFuture();
            gossipUp = gossip.start();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return CompletableFuture.allOf(dhtUp, gossipUp).thenApply(v -> this);
    }

    /** @return our id (the Ed25519 public key); never null */
    public PeerId id() {
        return identity.peerId();
    }

    /** @return our id and the transports' local addresses, most preferred first (empty before start); never null */
    public PeerInfo self() {
        return gossip.self();
    }

    /**
     * Whether our connection to a peer is relayed (issue 15), e.g. to say so when it becomes a neighbour.
     *
     * @param peer not null
     * @return the relay's id if the open connection to {@code peer} passes through a relay; empty when it is direct
     *     or there is none (see {@link #isConnected}); never null
     */
    public java.util.Optional<PeerId> relayedVia(PeerId peer) {
        return gossip.relayedVia(peer);
    }

    /** @return whether this node has an open connection to {@code peer} now */
    public boolean isConnected(PeerId peer) {
        return gossip.isConnected(peer);
    }

    /** @return the configuration this node runs with; never null */
    public NodeConfig config() {
        return config;
    }

    /**
     * Joins a topic by name: starts its bootstrap and completes once the topic has a neighbour. The first node of a
     * topic has none until another joins, so this future waits that long: use {@link #joinNoWait} to start a topic
     * and read or send at once.
     *
     * @param topicName not null; the topic id is SHA-512(name)[0..32] ({@link TopicId#fromName})
     * @param secret the topic secret, not null; only its hash is kept
     * @return completes with the topic when joined; fails if the node cannot join it (closed, already joined) or
     *     the topic is closed first; never null
     */
    public CompletableFuture<Topic> join(String topicName, byte[] secret) {
        Objects.requireNonNull(topicName, "topicName");
        return join(TopicId.fromName(topicName), secret);
    }

    /** As {@link #join(String, byte[])}, for a topic known by its id. */
    public CompletableFuture<Topic> join(TopicId topicId, byte[] secret) {
        Topic topic;
        try {
            topic = joinNoWait(topicId, secret);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return topic.joined().thenApply(v -> topic);
    }

    /**
     * Joins a topic by name and returns at once; the bootstrap runs in the background ({@link Topic#joined()}).
     *
     * @param topicName not null; the topic id is SHA-512(name)[0..32]
     * @param secret the topic secret, not null; only its hash is kept
     * @return the topic, never null
     * @throws IllegalStateException if the node is closed or already has the topic
     */
    public Topic joinNoWait(String topicName, byte[] secret) {
        Objects.requireNonNull(topicName, "topicName");
        return joinNoWait(TopicId.fromName(topicName), secret);
    }

    /** As {@link #joinNoWait(String, byte[])}, for a topic known by its id. */
    public Topic joinNoWait(TopicId id, byte[] secret) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(secret, "secret");
        if (closed) {
            throw new IllegalStateException("node is closed");
        }
        Topic[] holder = new Topic[1];
        Topic topic = new Topic(parts, id, secret, queueCapacity, () -> topics.remove(id, holder[0]));
        holder[0] = topic;
        if (topics.putIfAbsent(id, topic) != null) {
            throw new IllegalStateException("topic " + id + " is already joined on this node");
        }
        try {
            topic.start();
        } catch (RuntimeException e) {
            topic.close();
            throw e;
        }
        return topic;
    }

    /** @return the open topics, a snapshot; never null */
    public List<Topic> topics() {
        return List.copyOf(topics.values());
    }

    /** Closes every topic, the gossip driver and transports, the DHT and the scheduler. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Topic topic : new ArrayList<>(topics.values())) {
            topic.close();
        }
        try {
            gossip.close();
        } catch (RuntimeException e) {
            LOG.warn("closing gossip failed", e);
        }
        try {
            dht.close();
        } catch (RuntimeException e) {
            LOG.warn("closing the DHT failed", e);
        }
        scheduler.shutdownNow();
        try {
            if (!scheduler.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("node scheduler did not stop within 5 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Assembles a {@link Node}. Not thread-safe. */
    public static final class Builder {
        private NodeConfig config;
        private Path configFile;
        private ProviderRegistry registry;
        private SigningKeyPair keyPair;
        private Clock clock;
        private Random random;
        private int eventQueueCapacity = TopicEventQueue.DEFAULT_CAPACITY;
        private Metrics metrics = Metrics.none();

        private Builder() {}

        /**
         * Counts the node's meters (docs/metrics.md: DHT, gossip, transports, bootstrap) into a Micrometer registry.
         * Without this (or {@link #metrics}) nothing is counted and Micrometer need not be on the path; calling this
         * needs {@code micrometer-core}. Several nodes may share one registry: their counters add up, and of gauges
         * with the same name the first registered is the one read.
         *
         * @param registry not null; the node never closes it
         * @return this
         */
        public Builder meterRegistry(MeterRegistry registry) {
            this.metrics = MeterRegistryMetrics.of(Objects.requireNonNull(registry, "registry"));
            return this;
        }

        /** @return this; where the node and its providers count (default {@link Metrics#none()}); not null */
        public Builder metrics(Metrics value) {
            this.metrics = Objects.requireNonNull(value, "metrics");
            return this;
        }

        /**
         * @return this; the configuration (default {@link NodeConfig#defaults()}); give this or {@link #configFile},
         *     not both
         */
        public Builder config(NodeConfig value) {
            this.config = Objects.requireNonNull(value, "config");
            return this;
        }

        /**
         * @return this; a TOML file read by {@link ConfigLoader#load} at {@link #build()}; give this or
         *     {@link #config}, not both
         */
        public Builder configFile(Path value) {
            this.configFile = Objects.requireNonNull(value, "configFile");
            return this;
        }

        /** @return this; where providers come from (default {@link ProviderRegistry#discover()}) */
        public Builder registry(ProviderRegistry value) {
            this.registry = Objects.requireNonNull(value, "registry");
            return this;
        }

        /** @return this; the node key, overriding {@code [node] key_file} */
        public Builder keyPair(SigningKeyPair value) {
            this.keyPair = Objects.requireNonNull(value, "keyPair");
            return this;
        }

        /** @return this; the clock for unix minutes (default system UTC) */
        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /** @return this; the source of jitter (default a new {@link Random}) */
        public Builder random(Random value) {
            this.random = Objects.requireNonNull(value, "random");
            return this;
        }

        /** @return this; the source of jitter, seeding a {@link Random} unless it is one */
        public Builder random(RandomGenerator value) {
            Objects.requireNonNull(value, "random");
            this.random = value instanceof Random r ? r : new Random(value.nextLong());
            return this;
        }

        /** @return this; the capacity of each topic's receiver queue, at least 1 (default 4096) */
        public Builder eventQueueCapacity(int value) {
            if (value < 1) {
                throw new IllegalArgumentException("event queue capacity must be at least 1, got " + value);
            }
            this.eventQueueCapacity = value;
            return this;
        }

        /**
         * Allocates the node: selects providers, loads the key, creates (does not start) DHT and transports.
         *
         * @throws io.topictracker.api.ConfigException for a bad configuration, or a key file that is missing or is
         *     not one
         * @throws io.topictracker.engine.provider.ProviderException if a provider is missing
         * @throws UncheckedIOException if the config file cannot be read
         * @throws IllegalStateException if both {@link #config} and {@link #configFile} were given
         */
        public Node build() {
            if (config != null && configFile != null) {
                throw new IllegalStateException("give the node a configuration or a configuration file, not both"
                        + " (configFile " + configFile + " would silently replace the configuration given)");
            }
            NodeConfig effective = config;
            if (configFile != null) {
                try {
                    effective = ConfigLoader.load(configFile);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read " + configFile, e);
                }
            }
            return new Node(this, effective != null ? effective : NodeConfig.defaults());
        }
    }
}
