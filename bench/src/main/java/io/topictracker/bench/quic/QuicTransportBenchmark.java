package io.topictracker.bench.quic;

import io.topictracker.api.ConfigTable;
import io.topictracker.api.PeerAddress;
import io.topictracker.api.signing.SigningKeyPair;
import io.topictracker.api.signing.SigningProvider;
import io.topictracker.api.transport.Connection;
import io.topictracker.api.transport.ConnectionListener;
import io.topictracker.api.transport.InboundHandler;
import io.topictracker.api.transport.Transport;
import io.topictracker.api.transport.TransportContext;
import io.topictracker.api.transport.TransportProvider;
import io.topictracker.bench.support.Args;
import io.topictracker.bench.support.BenchSigning;
import io.topictracker.bench.support.LoopbackTables;
import io.topictracker.engine.measure.Percentiles;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Handshake time and 1 KiB frame throughput of the QUIC transport, and of every other transport provider found on
 * the class path (the TCP+TLS one when its jar is there), in one process on 127.0.0.1, providers measured
 * alternately so background load hits each alike.
 *
 * <ul>
 *   <li>Handshake: {@code connect} until the connection is usable (for QUIC: handshake plus the server's
 *       acceptance), then closed; median and p99 over the runs.</li>
 *   <li>Throughput: one connection, one sender thread honouring backpressure, frames of 1 KiB; from the first send
 *       until the receiver has every frame; payload MB/s (10^6 bytes), median of the runs.</li>
 * </ul>
 *
 * <p>Run: {@code java -cp 'bench/target/classes:bench/target/lib/*' io.topictracker.bench.quic.QuicTransportBenchmark
 * [scale=1.0] [transports=quic,tcp]}; scale multiplies the counts; transports default to every provider found, QUIC
 * first.
 */
public final class QuicTransportBenchmark {
    private static final int FRAME = 1024;
    private static final long WAIT_SECONDS = 120;

    private QuicTransportBenchmark() {}

    /** Entry point; prints a Markdown table. */
    public static void main(String[] args) throws Exception {
        Args opts = Args.parse(args, "scale", "transports");
        double scale = opts.decimal("scale", 1.0, 0.01, 100);
        List<String> wanted = opts.list("transports", List.of());
        int handshakes = (int) (300 * scale);
        int frames = (int) (300_000 * scale);
        int runs = 5;

        Map<String, TransportProvider> providers = new LinkedHashMap<>();
        ServiceLoader.load(TransportProvider.class).stream().map(ServiceLoader.Provider::get)
                .sorted((a, b) -> a.id().equals("quic") ? -1 : b.id().equals("quic") ? 1 : a.id().compareTo(b.id()))
                .filter(p -> wanted.isEmpty() || wanted.contains(p.id()))
                .forEach(p -> providers.put(p.id(), p));
        for (TransportProvider provider : providers.values()) {
            if (!provider.availability().isAvailable()) {
                throw new IllegalStateException("provider " + provider.id() + " is " + provider.availability());
            }
        }
        System.out.println("providers: " + providers.keySet() + "; handshakes " + handshakes + " per run, "
                + frames + " frames of " + FRAME + " B per run, " + runs + " runs");

        SigningProvider signing = BenchSigning.ed25519();
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        List<Pair> pairs = new ArrayList<>();
        try {
            for (TransportProvider provider : providers.values()) {
                pairs.add(Pair.start(provider, signing, scheduler));
            }
            // Warm-up, discarded: the JIT compiles the hot paths of every provider.
            for (Pair pair : pairs) {
                handshakes(pair, Math.max(20, handshakes / 3));
                throughput(pair, frames / 2);
            }
            Map<String, List<Long>> handshakeNanos = new LinkedHashMap<>();
            Map<String, double[]> megabytes = new LinkedHashMap<>();
            pairs.forEach(p -> {
                handshakeNanos.put(p.id, new ArrayList<>());
                megabytes.put(p.id, new double[runs]);
            });
            for (int run = 0; run < runs; run++) {
                for (Pair pair : pairs) {
                    for (long nanos : handshakes(pair, handshakes / runs)) {
                        handshakeNanos.get(pair.id).add(nanos);
                    }
                    megabytes.get(pair.id)[run] = throughput(pair, frames);
                }
            }
            report(handshakeNanos, megabytes);
        } finally {
            pairs.forEach(Pair::close);
            scheduler.shutdownNow();
        }
    }

    private static long[] handshakes(Pair pair, int count) {
        long[] nanos = new long[count];
        for (int i = 0; i < count; i++) {
            long start = System.nanoTime();
            Connection connection = join(pair.connect(Sink.IGNORE));
            nanos[i] = System.nanoTime() - start;
            connection.close();
            join(connection.closeFuture());
        }
        return nanos;
    }

    /** @return payload MB/s from the first send until the receiver has all {@code count} frames */
    private static double throughput(Pair pair, int count) {
        Sink sink = pair.sink;
        CompletableFuture<Void> done = sink.expect(count);
        Connection connection = join(pair.connect(Sink.IGNORE));
        ByteBuffer frame = ByteBuffer.wrap(new byte[FRAME]);
        long start = System.nanoTime();
        int sent = 0;
        while (sent < count) {
            if (!connection.isWritable()) {
                join(connection.whenWritable());
            }
            CompletableFuture<Void> result = connection.send(frame.duplicate());
            if (!result.isCompletedExceptionally()) {
                sent++;
            }
        }
        join(done);
        long nanos = System.nanoTime() - start;
        connection.close();
        join(connection.closeFuture());
        return (double) count * FRAME / (nanos / 1e9) / 1e6;
    }

    private static void report(Map<String, List<Long>> handshakeNanos, Map<String, double[]> megabytes) {
        System.out.println();
        System.out.println("| transport | handshake median | handshake p99 | 1 KiB frames, one stream/connection |");
        System.out.println("|---|---|---|---|");
        for (String id : handshakeNanos.keySet()) {
            long[] sorted = handshakeNanos.get(id).stream().mapToLong(Long::longValue).sorted().toArray();
            double[] rates = megabytes.get(id).clone();
            Arrays.sort(rates);
            System.out.printf(Locale.ROOT, "| %s | %.2f ms | %.2f ms | %.0f MB/s (runs %s) |%n", id,
                    Percentiles.of(sorted).atOrNaN(50) / 1e6, Percentiles.of(sorted).atOrNaN(99) / 1e6, rates[rates.length / 2],
                    Arrays.toString(Arrays.stream(megabytes.get(id)).mapToLong(Math::round).toArray()));
        }
    }

    private static <T> T join(CompletableFuture<T> future) {
        try {
            return future.get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new CompletionException(e);
        }
    }

    /** A started server and client of one provider. */
    private static final class Pair {
        final String id;
        final Transport server;
        final Transport client;
        final Sink sink;
        final SigningKeyPair serverKeys;

        private Pair(String id, Transport server, Transport client, Sink sink, SigningKeyPair serverKeys) {
            this.id = id;
            this.server = server;
            this.client = client;
            this.sink = sink;
            this.serverKeys = serverKeys;
        }

        static Pair start(TransportProvider provider, SigningProvider signing, ScheduledExecutorService scheduler) {
            Sink sink = new Sink();
            SigningKeyPair serverKeys = signing.generate();
            Transport server = create(provider, serverKeys, signing, scheduler, connection -> sink);
            Transport client = create(provider, signing.generate(), signing, scheduler, connection -> Sink.IGNORE);
            join(server.start());
            join(client.start());
            return new Pair(provider.id(), server, client, sink, serverKeys);
        }

        private static Transport create(TransportProvider provider, SigningKeyPair keys, SigningProvider signing,
                ScheduledExecutorService scheduler, InboundHandler inbound) {
            ConfigTable settings = LoopbackTables.transport(provider.id());
            if (provider.id().equals("tcp") || provider.id().equals("quic")) {
                // The dialler and the acceptor stand for two processes: each runs on event loops of its own, not on
                // the group that a process's transports share by default (SharedEventLoops).
                settings = settings.with("share_event_loops", false);
            }
            return provider.create(new TransportContext(settings, keys, signing, Clock.systemUTC(), scheduler,
                    inbound));
        }

        CompletableFuture<Connection> connect(ConnectionListener listener) {
            PeerAddress address = server.localAddresses().get(0);
            return client.connect(serverKeys.peerId(), address, listener);
        }

        void close() {
            client.close();
            server.close();
        }
    }

    /** Counts frames arriving at the server; completes the expectation when the count is reached. */
    private static final class Sink implements ConnectionListener {
        static final ConnectionListener IGNORE = new ConnectionListener() {
            @Override
            public void onFrame(Connection connection, ByteBuffer frame) {}

            @Override
            public void onClosed(Connection connection, Throwable cause) {}
        };

        private final AtomicLong received = new AtomicLong();
        private volatile long target = Long.MAX_VALUE;
        private volatile CompletableFuture<Void> reached = new CompletableFuture<>();

        CompletableFuture<Void> expect(long count) {
            received.set(0);
            reached = new CompletableFuture<>();
            target = count;
            return reached;
        }

        @Override
        public void onFrame(Connection connection, ByteBuffer frame) {
            if (received.incrementAndGet() == target) {
                reached.complete(null);
            }
        }

        @Override
        public void onClosed(Connection connection, Throwable cause) {}
    }
}
