package io.topictracker.bench;

import io.topictracker.api.ConfigTable;
import io.topictracker.api.PeerAddress;
import io.topictracker.api.signing.SigningKeyPair;
import io.topictracker.api.signing.SigningProvider;
import io.topictracker.api.transport.Connection;
import io.topictracker.api.transport.ConnectionListener;
import io.topictracker.api.transport.Transport;
import io.topictracker.api.transport.TransportContext;
import io.topictracker.api.transport.TransportProvider;
import io.topictracker.bench.support.Args;
import io.topictracker.bench.support.BenchSigning;
import io.topictracker.bench.support.LoopbackTables;
import io.topictracker.engine.Node;
import io.topictracker.engine.Topic;
import io.topictracker.engine.TopicEvent;
import io.topictracker.engine.config.NodeConfig;
import io.topictracker.engine.measure.Percentiles;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;

/**
 * One gossip hop, alone: what a broadcast costs between two nodes in one process, over each transport, with nothing
 * else running. Per transport, alternating so background load hits each alike:
 *
 * <ul>
 *   <li>frame: one connection of the bare transport (no engine); a frame of gossip size ({@value #FRAME} bytes) sent,
 *       the next once the receiver's {@code onFrame} had it; one-way latency and process CPU per frame;</li>
 *   <li>hop: two whole nodes (in-memory DHT, the transport) joined to one topic; node A broadcasts, the next once node
 *       B's application read the event; latency from {@code broadcast} to B's event, the part until A's
 *       {@code broadcast} future completed (signing and the hand-off to the transport), and process CPU per hop (both
 *       nodes: sign, encode, send, receive, decode, verify, deliver).</li>
 * </ul>
 * The hop minus the frame is what the engine adds to the transport.
 *
 * <pre>
 * java -cp 'bench/target/classes:bench/target/lib/*' io.topictracker.bench.HopBenchmark \
 *     [transports=inmemory,tcp,quic] [count=2000] [runs=3]
 * </pre>
 */
public final class HopBenchmark {
    private static final int FRAME = 200;
    private static final long WAIT_SECONDS = 30;
    private static final byte[] SECRET = "hop-bench".getBytes(StandardCharsets.UTF_8);

    private HopBenchmark() {}

    public static void main(String[] args) throws Exception {
        Args opts = Args.parse(args, "transports", "count", "runs");
        List<String> transports = opts.list("transports", List.of("inmemory", "tcp", "quic"));
        int count = (int) opts.integer("count", 2000, 10, 1_000_000);
        int runs = (int) opts.integer("runs", 3, 1, 100);
        System.out.printf(Locale.ROOT, "hop benchmark: transports=%s count=%d runs=%d cores=%d java=%s%n", transports,
                count, runs, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
        Map<String, List<String>> rows = new LinkedHashMap<>();
        for (int run = -1; run < runs; run++) { // run -1 warms up the JIT and is not printed
            for (String transport : transports) {
                String frame = frames(transport, run < 0 ? count / 2 : count);
                String hop = hops(transport, run < 0 ? count / 2 : count);
                if (run >= 0) {
                    rows.computeIfAbsent(transport, t -> new ArrayList<>()).add(frame + " | " + hop);
                }
            }
        }
        System.out.println();
        System.out.println("| transport | run | frame one-way p50 / p99 | CPU per frame | hop p50 / p99 |"
                + " broadcast() done p50 | CPU per hop |");
        System.out.println("|---|---|---|---|---|---|---|");
        rows.forEach((transport, list) -> {
            for (int i = 0; i < list.size(); i++) {
                System.out.printf(Locale.ROOT, "| %s | %d | %s |%n", transport, i + 1, list.get(i));
            }
        });
    }

    /** The bare transport: one frame in flight. */
    private static String frames(String id, int count) throws Exception {
        TransportProvider provider = ServiceLoader.load(TransportProvider.class).stream()
                .map(ServiceLoader.Provider::get).filter(p -> p.id().equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no transport provider " + id));
        SigningProvider signing = BenchSigning.ed25519();
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        SynchronousQueue<Long> arrivals = new SynchronousQueue<>();
        ConnectionListener receiver = new ConnectionListener() {
            @Override
            public void onFrame(Connection connection, ByteBuffer frame) {
                try {
                    arrivals.put(System.nanoTime());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }

            @Override
            public void onClosed(Connection connection, Throwable cause) {}
        };
        ConfigTable table = id.equals("inmemory")
                ? ConfigTable.of("transport.inmemory", Map.of("hub", "hop-" + UUID.randomUUID()))
                : LoopbackTables.transport(id);
        SigningKeyPair serverKeys = signing.generate();
        Transport server = provider.create(new TransportContext(table, serverKeys, signing, Clock.systemUTC(),
                scheduler, connection -> receiver));
        Transport client = provider.create(new TransportContext(table, signing.generate(), signing,
                Clock.systemUTC(), scheduler, connection -> receiver));
        try {
            server.start().get(WAIT_SECONDS, TimeUnit.SECONDS);
            client.start().get(WAIT_SECONDS, TimeUnit.SECONDS);
            PeerAddress address = server.localAddresses().get(0);
            Connection connection = client.connect(serverKeys.peerId(), address, receiver)
                    .get(WAIT_SECONDS, TimeUnit.SECONDS);
            double[] latency = new double[count];
            long cpuBefore = processCpuNanos();
            for (int i = 0; i < count; i++) {
                long start = System.nanoTime();
                connection.send(ByteBuffer.wrap(new byte[FRAME]));
                Long arrived = arrivals.poll(WAIT_SECONDS, TimeUnit.SECONDS);
                if (arrived == null) {
                    throw new IllegalStateException(id + ": frame " + i + " not received in " + WAIT_SECONDS + " s");
                }
                latency[i] = (arrived - start) / 1e6;
            }
            double cpu = (processCpuNanos() - cpuBefore) / 1e3 / count;
            Percentiles p = Percentiles.of(latency);
            return String.format(Locale.ROOT, "%.3f / %.3f ms | %.0f µs", p.atOrNaN(50), p.atOrNaN(99), cpu);
        } finally {
            client.close();
            server.close();
            scheduler.shutdownNow();
        }
    }

    /** Two whole nodes: A broadcasts, one broadcast in flight, until B's application has it. */
    private static String hops(String transport, int count) throws Exception {
        String network = "hop-" + UUID.randomUUID();
        Node a = node(network, transport, "a");
        Node b = null;
        try {
            b = node(network, transport, "b");
            Topic from = a.joinNoWait("hop", SECRET);
            Topic to = b.joinNoWait("hop", SECRET);
            from.joined().get(WAIT_SECONDS, TimeUnit.SECONDS);
            to.joined().get(WAIT_SECONDS, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
            while (!to.neighbors().contains(a.id()) || !from.neighbors().contains(b.id())) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the two nodes did not become neighbours");
                }
                TimeUnit.MILLISECONDS.sleep(5);
            }
            double[] latency = new double[count];
            double[] handedOver = new double[count];
            long cpuBefore = processCpuNanos();
            for (int i = 0; i < count; i++) {
                long start = System.nanoTime();
                int index = i;
                CompletableFuture<?> sent = from.sender().broadcast(ByteBuffer.allocate(16).putLong(start)
                        .putLong(i).array()).thenRun(() -> handedOver[index] = (System.nanoTime() - start) / 1e6);
                while (true) {
                    TopicEvent event = to.receiver().next(Duration.ofSeconds(WAIT_SECONDS));
                    if (event == null) {
                        throw new IllegalStateException(transport + ": broadcast " + i + " not received");
                    }
                    if (event instanceof TopicEvent.Received received
                            && ByteBuffer.wrap(received.payload()).getLong(8) == i) {
                        latency[i] = (System.nanoTime() - start) / 1e6;
                        break;
                    }
                }
                sent.get(WAIT_SECONDS, TimeUnit.SECONDS);
            }
            double cpu = (processCpuNanos() - cpuBefore) / 1e3 / count;
            Percentiles p = Percentiles.of(latency);
            return String.format(Locale.ROOT, "%.3f / %.3f ms | %.3f ms | %.0f µs", p.atOrNaN(50), p.atOrNaN(99),
                    Percentiles.of(handedOver).atOrNaN(50), cpu);
        } finally {
            a.close();
            if (b != null) {
                b.close();
            }
        }
    }

    private static Node node(String network, String transport, String name) {
        NodeConfig.Builder config = NodeConfig.builder().dhtProvider("inmemory").transports(List.of(transport))
                .set("dht.inmemory.network", network).set("dht.inmemory.name", name)
                .set("bootstrap.no_peers_retry_interval", Duration.ofMillis(200))
                .set("bootstrap.discovery_poll_interval", Duration.ofMillis(300))
                .set("bootstrap.join_confirmation_wait_time", Duration.ofMillis(200));
        if (transport.equals("inmemory")) {
            config.set("transport.inmemory.hub", network);
        } else {
            config.set("transport." + transport + ".bind_address", "127.0.0.1")
                    .set("transport." + transport + ".port", 0);
        }
        Node node = Node.builder().config(config.build()).build();
        try {
            return node.start().join();
        } catch (RuntimeException e) {
            node.close();
            throw e;
        }
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
