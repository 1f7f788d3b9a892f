package io.topictracker.bench.tcp;

import io.topictracker.api.ConfigTable;
import io.topictracker.api.PeerAddress;
import io.topictracker.api.signing.SigningKeyPair;
import io.topictracker.api.signing.SigningProvider;
import io.topictracker.api.transport.Connection;
import io.topictracker.api.transport.ConnectionListener;
import io.topictracker.api.transport.InboundHandler;
import io.topictracker.api.transport.Transport;
import io.topictracker.api.transport.TransportContext;
import io.topictracker.bench.support.Args;
import io.topictracker.bench.support.BenchSigning;
import io.topictracker.bench.support.MarkdownTable;
import io.topictracker.engine.measure.Percentiles;
import io.topictracker.transport.tcp.TcpTransportProvider;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Compares the TCP transport (TLS 1.3, Ed25519 identities) with the same pipeline without TLS
 * ({@link PlainTcpTransport}), in one process on 127.0.0.1: handshake time (median, p99), one-way throughput of
 * 1 KiB frames, and echo rate of 1 KiB frames with 1 and 64 frames in flight. Each measurement is preceded by a
 * warm-up run and repeated; TLS and plain runs alternate so background load hits both alike.
 *
 * <p>Run: {@code java -cp 'bench/target/classes:bench/target/lib/*' io.topictracker.bench.tcp.TcpTransportBenchmark
 * [scale=1.0]}
 * (optional argument: a scale factor, default 1.0).
 */
public final class TcpTransportBenchmark {
    private static final int FRAME = 1024;
    private static final long WAIT_SECONDS = 120;

    private TcpTransportBenchmark() {}

    /** Entry point; prints results as a Markdown table. */
    public static void main(String[] args) throws Exception {
        double scale = Args.parse(args, "scale").decimal("scale", 1.0, 0.01, 100);
        int handshakes = (int) (300 * scale);
        int oneWayFrames = (int) (500_000 * scale);
        int pingPongs = (int) (20_000 * scale);
        int windowedEchoes = (int) (200_000 * scale);
        int runs = 5;

        SigningProvider signing = BenchSigning.ed25519();
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        Sink sink = new Sink();
        SigningKeyPair serverKeys = signing.generate();
        SigningKeyPair clientKeys = signing.generate();
        Transport tlsServer = tcp(serverKeys, signing, scheduler, sink);
        Transport tlsClient = tcp(clientKeys, signing, scheduler, connection -> Sink.IGNORE);
        tlsServer.start().get(30, TimeUnit.SECONDS);
        tlsClient.start().get(30, TimeUnit.SECONDS);
        PeerAddress tlsAddress = tlsServer.localAddresses().get(0);
        PlainTcpTransport plainServer = new PlainTcpTransport(serverKeys.peerId());
        PlainTcpTransport plainClient = new PlainTcpTransport(clientKeys.peerId());
        PeerAddress plainAddress = plainServer.start(sink);

        Function<ConnectionListener, CompletableFuture<Connection>> tls =
                listener -> tlsClient.connect(serverKeys.peerId(), tlsAddress, listener);
        Function<ConnectionListener, CompletableFuture<Connection>> plain =
                listener -> plainClient.connect(serverKeys.peerId(), plainAddress, listener);
        try {
            // Warm-up: every path twice at full size, results discarded, so the JIT has compiled the hot paths
            // (on a loaded 2-core machine the first full-size run was still several times slower).
            for (int warm = 0; warm < 2; warm++) {
                for (var dial : java.util.List.of(tls, plain)) {
                    handshakes(dial, Math.max(20, handshakes / 3));
                    sink.echo = false;
                    oneWay(dial, sink, oneWayFrames);
                    sink.echo = true;
                    echo(dial, 1, pingPongs);
                    echo(dial, 64, windowedEchoes);
                }
            }
            double[][] oneWay = new double[2][runs];
            double[][] ping = new double[2][runs];
            double[][] windowed = new double[2][runs];
            long[][] handshakeTimes = new long[2][];
            handshakeTimes[0] = handshakes(tls, handshakes);
            handshakeTimes[1] = handshakes(plain, handshakes);
            for (int run = 0; run < runs; run++) {
                for (int path = 0; path < 2; path++) {
                    var dial = path == 0 ? tls : plain;
                    sink.echo = false;
                    oneWay[path][run] = oneWay(dial, sink, oneWayFrames);
                    sink.echo = true;
                    ping[path][run] = echo(dial, 1, pingPongs);
                    windowed[path][run] = echo(dial, 64, windowedEchoes);
                }
            }
            report(handshakeTimes, oneWay, ping, windowed, handshakes, oneWayFrames, pingPongs, windowedEchoes, runs);
        } finally {
            tlsClient.close();
            tlsServer.close();
            plainClient.close();
            plainServer.close();
            scheduler.shutdownNow();
        }
    }

    private static Transport tcp(SigningKeyPair keys, SigningProvider signing, ScheduledExecutorService scheduler,
            InboundHandler inbound) {
        // two nodes that stand for two processes: a loop each, not one shared
        ConfigTable settings = ConfigTable.of("transport.tcp", Map.of("io_threads", 1L, "bind_address", "127.0.0.1",
                "share_event_loops", false));
        return new TcpTransportProvider().create(
                new TransportContext(settings, keys, signing, Clock.systemUTC(), scheduler, inbound));
    }

    /** @return each handshake's duration in nanoseconds, sorted: connect call to a usable connection */
    private static long[] handshakes(Function<ConnectionListener, CompletableFuture<Connection>> dial, int count)
            throws Exception {
        long[] nanos = new long[count];
        for (int i = 0; i < count; i++) {
            long start = System.nanoTime();
            Connection connection = dial.apply(Sink.IGNORE).get(WAIT_SECONDS, TimeUnit.SECONDS);
            nanos[i] = System.nanoTime() - start;
            connection.close();
            connection.closeFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
        }
        Arrays.sort(nanos);
        return nanos;
    }

    /** @return frames per second from first send until the receiver counted the last frame */
    private static double oneWay(Function<ConnectionListener, CompletableFuture<Connection>> dial, Sink sink,
            int frames) throws Exception {
        Connection connection = dial.apply(Sink.IGNORE).get(WAIT_SECONDS, TimeUnit.SECONDS);
        CompletableFuture<Void> done = sink.expect(frames);
        ByteBuffer payload = ByteBuffer.allocate(FRAME);
        long start = System.nanoTime();
        for (int i = 0; i < frames; i++) {
            while (true) {
                if (!connection.isWritable()) {
                    connection.whenWritable().get(WAIT_SECONDS, TimeUnit.SECONDS);
                }
                if (!connection.send(payload.duplicate()).isCompletedExceptionally()) {
                    break; // refused (OVERLOADED) frames are not queued: retry after whenWritable
                }
            }
        }
        done.get(WAIT_SECONDS, TimeUnit.SECONDS);
        double seconds = (System.nanoTime() - start) / 1e9;
        connection.close();
        connection.closeFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
        return frames / seconds;
    }

    /** @return echoed frames per second with {@code window} frames in flight, the acceptor echoing each */
    private static double echo(Function<ConnectionListener, CompletableFuture<Connection>> dial, int window,
            int frames) throws Exception {
        CompletableFuture<Void> done = new CompletableFuture<>();
        AtomicLong sent = new AtomicLong();
        AtomicLong received = new AtomicLong();
        ByteBuffer payload = ByteBuffer.allocate(FRAME);
        ConnectionListener echoes = new ConnectionListener() {
            @Override
            public void onFrame(Connection connection, ByteBuffer frame) {
                if (received.incrementAndGet() == frames) {
                    done.complete(null);
                } else if (sent.incrementAndGet() <= frames) {
                    connection.send(payload.duplicate());
                }
            }

            @Override
            public void onClosed(Connection connection, Throwable cause) {
                done.completeExceptionally(new IllegalStateException("closed before all echoes", cause));
            }
        };
        Connection connection = dial.apply(echoes).get(WAIT_SECONDS, TimeUnit.SECONDS);
        long start = System.nanoTime();
        for (int i = 0; i < window; i++) {
            sent.incrementAndGet();
            connection.send(payload.duplicate());
        }
        done.get(WAIT_SECONDS, TimeUnit.SECONDS);
        double seconds = (System.nanoTime() - start) / 1e9;
        connection.close();
        connection.closeFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
        return frames / seconds;
    }

    private static void report(long[][] handshakes, double[][] oneWay, double[][] ping, double[][] windowed,
            int handshakeCount, int oneWayFrames, int pingPongs, int windowedEchoes, int runs) {
        System.out.printf(Locale.ROOT, "handshakes: %d; one-way: %d frames; echo: %d (window 1), %d (window 64);"
                + " %d runs each, median shown; frame payload %d bytes%n",
                handshakeCount, oneWayFrames, pingPongs, windowedEchoes, runs, FRAME);
        MarkdownTable table = new MarkdownTable("measure", "TLS 1.3 (tcp transport)", "plain TCP", "TLS / plain");
        row(table, "handshake min (ms)", handshakes[0][0] / 1e6, handshakes[1][0] / 1e6);
        Percentiles tlsHandshake = Percentiles.of(handshakes[0]);
        Percentiles plainHandshake = Percentiles.of(handshakes[1]);
        double tlsOneWay = Percentiles.of(oneWay[0]).atOrNaN(50);
        double plainOneWay = Percentiles.of(oneWay[1]).atOrNaN(50);
        row(table, "handshake median (ms)", tlsHandshake.atOrNaN(50) / 1e6, plainHandshake.atOrNaN(50) / 1e6);
        row(table, "handshake p99 (ms)", tlsHandshake.atOrNaN(99) / 1e6, plainHandshake.atOrNaN(99) / 1e6);
        row(table, "one-way 1 KiB frames/s", tlsOneWay, plainOneWay);
        row(table, "one-way MiB/s (payload)", tlsOneWay * FRAME / 1048576, plainOneWay * FRAME / 1048576);
        row(table, "echo 1 KiB, window 1 (round trips/s)", Percentiles.of(ping[0]).atOrNaN(50),
                Percentiles.of(ping[1]).atOrNaN(50));
        row(table, "echo 1 KiB, window 64 (frames/s)", Percentiles.of(windowed[0]).atOrNaN(50),
                Percentiles.of(windowed[1]).atOrNaN(50));
        table.print(System.out);
        System.out.println("all runs (frames/s): one-way TLS " + Arrays.toString(round(oneWay[0])) + " plain "
                + Arrays.toString(round(oneWay[1])) + "; window 1 TLS " + Arrays.toString(round(ping[0]))
                + " plain " + Arrays.toString(round(ping[1])) + "; window 64 TLS "
                + Arrays.toString(round(windowed[0])) + " plain " + Arrays.toString(round(windowed[1])));
    }

    private static void row(MarkdownTable table, String name, double tls, double plain) {
        table.row(name, MarkdownTable.number(tls, 3), MarkdownTable.number(plain, 3),
                MarkdownTable.number(tls / plain, 2));
    }

    private static long[] round(double[] values) {
        return Arrays.stream(values).mapToLong(Math::round).toArray();
    }

    /** The acceptor's side: counts frames for the one-way test, or echoes them. Thread-safe. */
    private static final class Sink implements InboundHandler, ConnectionListener {
        static final ConnectionListener IGNORE = new ConnectionListener() {
            @Override
            public void onFrame(Connection connection, ByteBuffer frame) {}

            @Override
            public void onClosed(Connection connection, Throwable cause) {}
        };

        volatile boolean echo;
        private final AtomicLong count = new AtomicLong();
        private volatile long target = Long.MAX_VALUE;
        private volatile CompletableFuture<Void> reached = new CompletableFuture<>();

        CompletableFuture<Void> expect(long frames) {
            count.set(0);
            reached = new CompletableFuture<>();
            target = frames;
            return reached;
        }

        @Override
        public ConnectionListener accepted(Connection connection) {
            return this;
        }

        @Override
        public void onFrame(Connection connection, ByteBuffer frame) {
            if (echo) {
                connection.send(frame);
            } else if (count.incrementAndGet() == target) {
                reached.complete(null);
            }
        }

        @Override
        public void onClosed(Connection connection, Throwable cause) {}
    }
}
