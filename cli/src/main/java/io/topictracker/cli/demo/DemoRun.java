package io.topictracker.cli.demo;

import io.topictracker.api.PeerId;
import io.topictracker.cli.support.CliException;
import io.topictracker.api.metrics.Metrics;
import io.topictracker.engine.Node;
import io.topictracker.engine.OverlayGraph;
import io.topictracker.engine.Topic;
import io.topictracker.engine.provider.ProviderRegistry;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One run of the demo: start N nodes, join them to one topic (printing each join), broadcast, count deliveries,
 * summarise. Every wait is bounded by the run's deadline. Used from one thread; progress lines may also be printed
 * from engine threads (as joins complete), through the synchronised {@link PrintWriter}.
 *
 * @param registry the providers, not null
 * @param progress where progress lines go, not null
 * @param nodes how many nodes, at least 2
 * @param messages how many messages to broadcast, at least 1
 * @param setup the providers every node uses, with their tables and why they were chosen; not null
 * @param topicName the topic, not null
 * @param timeout the longest the run may take, positive
 * @param metrics where every node counts (one registry for the swarm: counters add up), not null
 */
public record DemoRun(ProviderRegistry registry, PrintWriter progress, int nodes, int messages, DemoSetup setup,
        String topicName, Duration timeout, Metrics metrics) {
    /** PlumTree repairs a missed eager push within a few lazy-push rounds; longer than this, it is lost. */
    private static final Duration CONNECTED_POLL = Duration.ofMillis(50);
    private static final Duration CONNECTED_LIMIT = Duration.ofSeconds(3);
    private static final Duration DELIVERY_WAIT = Duration.ofSeconds(20);

    /**
     * @return the summary, never null
     * @throws CliException (status 1) if the nodes cannot even start
     */
    public DemoSummary run() throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        String network = "demo-" + Long.toHexString(System.nanoTime());
        byte[] secret = ("demo secret " + network).getBytes(StandardCharsets.UTF_8);
        Deliveries deliveries = new Deliveries();
        List<DemoNode> swarm = new ArrayList<>(nodes);
        try {
            startNodes(swarm, network, deadline);
            say(start, "started %d nodes (transport %s, %s); joining topic '%s'", nodes, setup.transport(),
                    setup.dhtDescription(), topicName);
            List<Double> joinMillis = join(swarm, secret, deliveries, start, deadline);
            long expected = (long) messages * (nodes - 1);
            // Broadcast as soon as every node has a neighbour, without waiting for the overlay to settle: PlumTree
            // announces the messages it holds to each new neighbour, so a node linked in late still gets them.
            if (joinMillis.size() == nodes) {
                broadcast(swarm, start);
                awaitDeliveries(deliveries, expected, start, deadline);
            } else {
                say(start, "not broadcasting: only %d of %d nodes joined", joinMillis.size(), nodes);
            }
            boolean connected = awaitConnected(swarm, deadline);
            say(start, "overlay %s", connected ? "connected: every node reaches every other"
                    : "NOT connected: some nodes are cut off");
            return new DemoSummary(setup.transport(), setup.transportChoice(), setup.dht(), setup.dhtChoice(), nodes,
                    joinMillis.size(), joinMillis, connected, messages, expected, deliveries.count(),
                    deliveries.latenciesMillis(), deliveries.lagged(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        } finally {
            closeAll(swarm);
        }
    }

    private void startNodes(List<DemoNode> swarm, String network, long deadline) throws InterruptedException {
        List<CompletableFuture<Node>> started = new ArrayList<>(nodes);
        for (int i = 0; i < nodes; i++) {
            Node node = Node.builder().config(DemoConfigs.node(i, network, setup)).registry(registry)
                    .metrics(metrics).build();
            swarm.add(new DemoNode(i, node));
            started.add(node.start());
        }
        try {
            CompletableFuture.allOf(started.toArray(CompletableFuture[]::new))
                    .get(remaining(deadline), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw CliException.failed("a demo node failed to start: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw CliException.failed("the demo nodes did not start within " + timeout.toSeconds() + " s", e);
        }
    }

    private List<Double> join(List<DemoNode> swarm, byte[] secret, Deliveries deliveries, long start, long deadline)
            throws InterruptedException {
        List<Double> joinMillis = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicInteger joined = new AtomicInteger();
        List<CompletableFuture<Void>> all = new ArrayList<>(nodes);
        for (DemoNode member : swarm) {
            Topic topic = member.join(topicName, secret, deliveries);
            all.add(topic.joined().thenRun(() -> {
                double millis = (System.nanoTime() - member.joinStartNanos()) / 1e6;
                // Count and print under one lock, so the lines come out in count order.
                synchronized (joined) {
                    joinMillis.add(millis);
                    say(start, "joined %2d/%d  node %2d  %s  in %.0f ms", joined.incrementAndGet(), nodes,
                            member.index, member.node.id().shortText(), millis);
                }
            }));
        }
        try {
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
                    .get(remaining(deadline), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            say(start, "a join failed: %s", e.getCause());
        } catch (TimeoutException e) {
            say(start, "timed out: %d of %d nodes joined", joined.get(), nodes);
        }
        return List.copyOf(joinMillis);
    }

    /**
     * The overlay as the summary reports it: connected if the neighbour graph joins every node, checked until it
     * does for at most {@link #CONNECTED_LIMIT} (a neighbour swap in progress can cut a node off for a moment).
     *
     * @return whether the graph was connected when the wait ended
     */
    private static boolean awaitConnected(List<DemoNode> swarm, long deadline) throws InterruptedException {
        long limit = Math.min(deadline, System.nanoTime() + CONNECTED_LIMIT.toNanos());
        while (true) {
            boolean connected = neighbourGraph(swarm).isConnected();
            if (connected || remaining(limit) <= 0) {
                return connected;
            }
            Thread.sleep(CONNECTED_POLL.toMillis());
        }
    }

    private static OverlayGraph neighbourGraph(List<DemoNode> swarm) {
        Map<PeerId, Set<PeerId>> views = new HashMap<>(swarm.size());
        for (DemoNode member : swarm) {
            views.put(member.node.id(), member.topic().neighbors());
        }
        return OverlayGraph.of(views);
    }

    private void broadcast(List<DemoNode> swarm, long start) {
        List<CompletableFuture<Void>> sent = new ArrayList<>(messages);
        for (int m = 0; m < messages; m++) {
            sent.add(swarm.get(m % nodes).topic().sender().broadcast(Deliveries.payload(m)));
        }
        try {
            CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            say(start, "a broadcast failed: %s", e instanceof ExecutionException ? e.getCause() : e);
        }
        say(start, "broadcast %d message(s) from %d node(s); each should reach the %d others", messages,
                Math.min(messages, nodes), nodes - 1);
    }

    private void awaitDeliveries(Deliveries deliveries, long expected, long start, long deadline)
            throws InterruptedException {
        int reported = -1;
        long nextReport = System.nanoTime();
        deadline = Math.min(deadline, System.nanoTime() + DELIVERY_WAIT.toNanos());
        while (deliveries.count() < expected && remaining(deadline) > 0) {
            if (System.nanoTime() - nextReport >= 0 && deliveries.count() != reported) {
                reported = deliveries.count();
                say(start, "delivered %d/%d", reported, expected);
                nextReport = System.nanoTime() + Duration.ofMillis(250).toNanos();
            }
            Thread.sleep(10);
        }
        say(start, "delivered %d/%d%s", deliveries.count(), expected,
                deliveries.count() < expected ? " (gave up waiting)" : "");
        for (String missing : deliveries.missing(messages, nodes, 5)) {
            say(start, "missing: %s", missing);
        }
    }

    private void say(long start, String format, Object... args) {
        double seconds = (System.nanoTime() - start) / 1e9;
        progress.println(String.format(Locale.ROOT, "[%6.2fs] ", seconds) + String.format(Locale.ROOT, format, args));
        progress.flush();
    }

    private static long remaining(long deadline) {
        return deadline - System.nanoTime();
    }

    private static void closeAll(List<DemoNode> swarm) {
        for (DemoNode member : swarm) {
            try {
                member.close();
            } catch (RuntimeException e) {
                // Closing is best effort at the end of the demo; one node failing to close must not hide the summary.
            }
        }
    }
}
