package io.topictracker.e2e;

import io.topictracker.api.PeerId;
import io.topictracker.dht.inmemory.InMemoryNetwork;
import io.topictracker.engine.Node;
import io.topictracker.engine.OverlayGraph;
import io.topictracker.engine.Topic;
import io.topictracker.engine.TopicEvent;
import io.topictracker.engine.config.NodeConfig;
import io.topictracker.engine.provider.ProviderRegistry;
import io.topictracker.tck.Await;
import io.topictracker.tck.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * Nodes of one test: an in-memory DHT network of their own (a unique name), TCP on 127.0.0.1 (or QUIC, or the
 * in-process transport), one injected clock
 * fixed inside a minute (tests move it when minutes matter). Closing the swarm closes every node.
 */
final class Swarm implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(60);
    static final String TOPIC = "e2e-topic";
    static final byte[] SECRET = "e2e-secret".getBytes(java.nio.charset.StandardCharsets.UTF_8);

    final String network = "e2e-" + UUID.randomUUID();
    final InMemoryNetwork dhtNetwork = InMemoryNetwork.named(network, InMemoryNetwork.Options.DEFAULTS);
    final MutableClock clock = MutableClock.at(Instant.parse("2026-01-01T00:00:20Z"));
    final List<Node> nodes = new ArrayList<>();
    private ProviderRegistry registry = ProviderRegistry.discover();
    private String dhtId = "inmemory";
    private String transport = "tcp";
    private io.topictracker.api.metrics.Metrics metrics = io.topictracker.api.metrics.Metrics.none();

    /** Uses another registry and DHT provider id (the counting wrapper). */
    Swarm with(ProviderRegistry registry, String dhtId) {
        this.registry = registry;
        this.dhtId = dhtId;
        return this;
    }

    /** Every node started after this counts into {@code value}. */
    Swarm metrics(io.topictracker.api.metrics.Metrics value) {
        this.metrics = value;
        return this;
    }

    /** Uses the in-process transport (a hub of this swarm's own) instead of TCP. */
    Swarm inProcessTransport() {
        return transport("inmemory");
    }

    /** Uses the transport with this id ({@code tcp} or {@code quic}, both on 127.0.0.1 by default). */
    Swarm transport(String id) {
        this.transport = id;
        return this;
    }

    /** @return the transport id the nodes use, never null */
    String transport() {
        return transport;
    }

    /** Bootstrap intervals shortened so rounds take a fraction of a second; merges stay at the crate's defaults. */
    NodeConfig.Builder config(String name) {
        NodeConfig.Builder builder = NodeConfig.builder();
        if (transport.equals("inmemory")) {
            builder.set("transport.inmemory.hub", network);
        } else {
            builder.set("transport." + transport + ".bind_address", "127.0.0.1");
        }
        return builder
                .dhtProvider(dhtId)
                .transports(List.of(transport))
                .set("dht." + dhtId + ".network", network)
                .set("dht." + dhtId + ".name", name)
                .set("bootstrap.no_peers_retry_interval", Duration.ofMillis(200))
                .set("bootstrap.discovery_poll_interval", Duration.ofMillis(300))
                .set("bootstrap.join_confirmation_wait_time", Duration.ofMillis(200));
    }

    /** Merge workers every second (jitter 200 ms), from 500 ms after joining. */
    static NodeConfig.Builder fastMerges(NodeConfig.Builder builder) {
        for (String worker : List.of("merge.bubble", "merge.message_overlap")) {
            builder.set(worker + ".initial_delay", Duration.ofMillis(500))
                    .set(worker + ".base_interval", Duration.ofSeconds(1))
                    .set(worker + ".max_jitter", Duration.ofMillis(200));
        }
        return builder;
    }

    /**
     * Merge workers and the publisher every second; HyParView's shuffle (whose timer also refills the active view
     * from the passive view) pushed out to an hour, so that what crosses between two overlays is a Join one of the
     * topic's workers sent, for tests of those workers.
     */
    static NodeConfig.Builder onlyWorkersMerge(NodeConfig.Builder builder) {
        return fastMerges(builder)
                .set("publisher.initial_delay", Duration.ofMillis(500))
                .set("publisher.base_interval", Duration.ofSeconds(1))
                .set("publisher.max_jitter", Duration.ofMillis(200))
                .set("gossip.shuffle_interval", Duration.ofHours(1));
    }

    Node start(String name, UnaryOperator<NodeConfig.Builder> tweak) {
        Node node = Node.builder().config(tweak.apply(config(name)).build()).registry(registry).clock(clock)
                .metrics(metrics).build();
        synchronized (nodes) {
            nodes.add(node); // closed with the swarm, also when starting fails
        }
        Await.result(node.start(), WAIT);
        return node;
    }

    Node start(String name) {
        return start(name, b -> b);
    }

    /**
     * Starts a node the swarm does not keep (so a closed one can be collected, for heap checks); the caller closes it,
     * also when this throws.
     */
    Node startUntracked(String name) {
        Node node = Node.builder().config(config(name).build()).registry(registry).clock(clock).metrics(metrics)
                .build();
        try {
            Await.result(node.start(), WAIT);
        } catch (RuntimeException | Error e) {
            node.close();
            throw e;
        }
        return node;
    }

    /** @return whether the mutual neighbour links connect all the topics */
    static boolean connected(List<Topic> topics, List<Node> nodes) {
        return graph(topics, nodes).isConnected();
    }

    /** @return whether every neighbour link is held by both ends (no view still settling) and they connect all */
    static boolean settled(List<Topic> topics, List<Node> nodes) {
        OverlayGraph graph = graph(topics, nodes);
        return graph.allLinksMutual() && graph.isConnected();
    }

    private static OverlayGraph graph(List<Topic> topics, List<Node> nodes) {
        Map<PeerId, Set<PeerId>> views = new HashMap<>();
        for (int i = 0; i < topics.size(); i++) {
            views.put(nodes.get(i).id(), topics.get(i).neighbors());
        }
        return OverlayGraph.of(views);
    }

    /** Drains a topic's queued events into {@code payloads} (the text of each Received). */
    static void drain(Topic topic, Collection<String> payloads) {
        while (true) {
            var event = topic.receiver().poll();
            if (event.isEmpty()) {
                return;
            }
            if (event.get() instanceof TopicEvent.Received received) {
                payloads.add(new String(received.payload(), java.nio.charset.StandardCharsets.UTF_8));
            }
        }
    }

    /** @return whether any live thread's name contains {@code part} */
    static boolean threadAlive(String part) {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.isAlive() && t.getName().contains(part));
    }

    @Override
    public void close() {
        List<Node> all;
        synchronized (nodes) {
            all = List.copyOf(nodes);
        }
        all.parallelStream().forEach(Node::close);
        dhtNetwork.faults().clear();
    }
}
