package io.topictracker.bench.quic;

import io.topictracker.api.ConfigTable;
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
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * How long a transport's {@code close()} takes with open connections, on 127.0.0.1, for the QUIC transport and every
 * other provider on the class path (providers alternate, so background load hits each alike). Each round starts a
 * fresh "closing" transport, dials each of {@code peers} long-lived peer transports, and measures one of two cases:
 *
 * <ul>
 *   <li><b>we close first</b>: {@code close()} on the calling thread; and the time from its start until the last
 *       peer's listener is told its connection closed;</li>
 *   <li><b>peers close first</b>: every peer closes its side, then at once the closing transport's {@code close()}
 *       (as when a node's neighbours drop it on its Disconnect and the node closes); and the time from the first
 *       peer's close until the last of the closing transport's listeners is told. Over QUIC the closing transport is
 *       here the side that answers the orderly close, so it is the peers' CONNECTION_CLOSE that ends its
 *       connections.</li>
 * </ul>
 *
 * Medians and maxima over the rounds.
 *
 * <p>Run: {@code java -cp 'bench/target/classes:bench/target/lib/*'
 * io.topictracker.bench.quic.TransportCloseBenchmark [peers=8] [rounds=20] [transports=quic,tcp]}; transports default
 * to every provider found.
 */
public final class TransportCloseBenchmark {
    private static final long WAIT_SECONDS = 60;
    private static final int WARM_UP_ROUNDS = 3;

    private TransportCloseBenchmark() {}

    /** Entry point; prints a Markdown table. */
    public static void main(String[] args) {
        Args opts = Args.parse(args, "peers", "rounds", "transports");
        int peers = (int) opts.integer("peers", 8, 1, 256);
        int rounds = (int) opts.integer("rounds", 20, 1, 10_000);
        List<String> wanted = opts.list("transports", List.of());
        Map<String, TransportProvider> providers = new LinkedHashMap<>();
        ServiceLoader.load(TransportProvider.class).stream().map(ServiceLoader.Provider::get)
                .filter(p -> wanted.isEmpty() || wanted.contains(p.id()))
                .filter(p -> p.availability().isAvailable())
                .forEach(p -> providers.put(p.id(), p));
        System.out.println("providers: " + providers.keySet() + "; " + peers + " connections per close, " + rounds
                + " rounds per case after " + WARM_UP_ROUNDS + " warm-up rounds");

        SigningProvider signing = BenchSigning.ed25519();
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        Map<String, List<Peer>> peersOf = new LinkedHashMap<>();
        Map<String, Samples> weFirst = new LinkedHashMap<>();
        Map<String, Samples> peersFirst = new LinkedHashMap<>();
        try {
            for (TransportProvider provider : providers.values()) {
                List<Peer> started = new ArrayList<>();
                for (int i = 0; i < peers; i++) {
                    started.add(new Peer(provider, signing, scheduler));
                }
                peersOf.put(provider.id(), started);
                weFirst.put(provider.id(), new Samples(rounds));
                peersFirst.put(provider.id(), new Samples(rounds));
            }
            for (int round = -WARM_UP_ROUNDS; round < rounds; round++) {
                for (TransportProvider provider : providers.values()) {
                    List<Peer> mine = peersOf.get(provider.id());
                    long[] first = closeFirst(provider, mine, signing, scheduler);
                    long[] second = closeAfterPeers(provider, mine, signing, scheduler);
                    if (round >= 0) {
                        weFirst.get(provider.id()).add(round, first);
                        peersFirst.get(provider.id()).add(round, second);
                    }
                }
            }
        } finally {
            peersOf.values().forEach(list -> list.forEach(peer -> peer.transport.close()));
            scheduler.shutdownNow();
        }
        System.out.println();
        System.out.println("| transport | case | close() median | close() max | last listener told, median | max |");
        System.out.println("|---|---|---|---|---|---|");
        for (String id : providers.keySet()) {
            weFirst.get(id).print(id, "we close first");
            peersFirst.get(id).print(id, "peers close first");
        }
    }

    /** @return nanoseconds in close(), and from its start until every peer was told */
    private static long[] closeFirst(TransportProvider provider, List<Peer> peers, SigningProvider signing,
            ScheduledExecutorService scheduler) {
        Transport closing = start(provider, signing.generate(), signing, scheduler, connection -> new CloseWatch());
        List<CompletableFuture<Long>> told = new ArrayList<>();
        for (Peer peer : peers) {
            join(closing.connect(peer.keys.peerId(), peer.transport.localAddresses().get(0), new CloseWatch()));
            told.add(peer.nextAccepted().watch.closedAt);
        }
        long start = System.nanoTime();
        closing.close();
        long closed = System.nanoTime();
        return new long[] {closed - start, lastOf(told) - start};
    }

    /** @return nanoseconds in close(), and from the first peer's close until every closing-side listener was told */
    private static long[] closeAfterPeers(TransportProvider provider, List<Peer> peers, SigningProvider signing,
            ScheduledExecutorService scheduler) {
        Transport closing = start(provider, signing.generate(), signing, scheduler, connection -> new CloseWatch());
        List<CompletableFuture<Long>> told = new ArrayList<>();
        List<Connection> peerSides = new ArrayList<>();
        for (Peer peer : peers) {
            CloseWatch watch = new CloseWatch();
            join(closing.connect(peer.keys.peerId(), peer.transport.localAddresses().get(0), watch));
            told.add(watch.closedAt);
            peerSides.add(peer.nextAccepted().connection);
        }
        long start = System.nanoTime();
        peerSides.forEach(Connection::close);
        long closeStart = System.nanoTime();
        closing.close();
        long closed = System.nanoTime();
        return new long[] {closed - closeStart, lastOf(told) - start};
    }

    private static long lastOf(List<CompletableFuture<Long>> times) {
        long last = 0;
        for (CompletableFuture<Long> at : times) {
            last = Math.max(last, join(at));
        }
        return last;
    }

    private static Transport start(TransportProvider provider, SigningKeyPair keys, SigningProvider signing,
            ScheduledExecutorService scheduler, InboundHandler inbound) {
        ConfigTable settings = LoopbackTables.transport(provider.id());
        Transport transport = provider.create(new TransportContext(settings, keys, signing, Clock.systemUTC(),
                scheduler, inbound));
        join(transport.start());
        return transport;
    }

    /** One case's two durations per round, in nanoseconds. */
    private static final class Samples {
        private final long[] close;
        private final long[] told;

        Samples(int rounds) {
            close = new long[rounds];
            told = new long[rounds];
        }

        void add(int round, long[] nanos) {
            close[round] = nanos[0];
            told[round] = nanos[1];
        }

        void print(String id, String what) {
            long[] c = close.clone();
            long[] t = told.clone();
            Arrays.sort(c);
            Arrays.sort(t);
            System.out.printf(Locale.ROOT, "| %s | %s | %.1f ms | %.1f ms | %.1f ms | %.1f ms |%n", id, what,
                    c[c.length / 2] / 1e6, c[c.length - 1] / 1e6, t[t.length / 2] / 1e6, t[t.length - 1] / 1e6);
        }
    }

    /** A long-lived transport that records each connection it accepts with a {@link CloseWatch}. */
    private static final class Peer {
        record Accepted(Connection connection, CloseWatch watch) {}

        final SigningKeyPair keys;
        final Transport transport;
        final BlockingQueue<Accepted> accepted = new LinkedBlockingQueue<>();

        Peer(TransportProvider provider, SigningProvider signing, ScheduledExecutorService scheduler) {
            keys = signing.generate();
            transport = start(provider, keys, signing, scheduler, connection -> {
                CloseWatch watch = new CloseWatch();
                accepted.add(new Accepted(connection, watch));
                return watch;
            });
        }

        Accepted nextAccepted() {
            try {
                Accepted next = accepted.poll(WAIT_SECONDS, TimeUnit.SECONDS);
                if (next == null) {
                    throw new IllegalStateException("no connection accepted within " + WAIT_SECONDS + " s");
                }
                return next;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** Ignores frames; completes {@link #closedAt} with System.nanoTime() when told the connection closed. */
    private static final class CloseWatch implements ConnectionListener {
        final CompletableFuture<Long> closedAt = new CompletableFuture<>();

        @Override
        public void onFrame(Connection connection, ByteBuffer frame) {}

        @Override
        public void onClosed(Connection connection, Throwable cause) {
            closedAt.complete(System.nanoTime());
        }
    }

    private static <T> T join(CompletableFuture<T> future) {
        try {
            return future.get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new CompletionException(e);
        }
    }
}
