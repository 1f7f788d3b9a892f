package io.topictracker.tck;

import io.topictracker.api.dht.Dht;
import io.topictracker.api.dht.DhtContext;
import io.topictracker.api.dht.DhtException;
import io.topictracker.api.dht.DhtException.Reason;
import io.topictracker.api.dht.LookupSummary;
import io.topictracker.api.dht.MutableItem;
import io.topictracker.api.dht.MutableQuery;
import io.topictracker.api.dht.PutSummary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A small DHT for the TCK's own tests, correct unless told to break one rule ({@link Fault}): each node stores what
 * it is asked to put under BEP44's rules, a lookup asks every open node of its {@link Network}, and calls run on a
 * pool of four threads the node starts in {@link #start()} and stops in {@link #close()}. Thread-safe.
 */
final class FixtureDht implements Dht {
    /** One rule broken on purpose; each must make the contract fail. */
    enum Fault {
        IGNORES_MIN_SEQ, IGNORES_CAS, CAS_ON_EMPTY_SLOT_MISMATCHES, THREAD_IN_CREATE, SOCKET_IN_CREATE,
        THREAD_LEFT_AFTER_CLOSE, SOCKET_LEFT_AFTER_CLOSE, SECOND_START_STARTS_AGAIN, SECOND_START_HANGS,
        /** Check-then-store without a lock; lower seqs pause longer between the two, forcing a lost update. */
        RACY_PUT,
        LOOKUP_IGNORES_TIMEOUT, CLOSE_LEAVES_CALLS_PENDING
    }

    /** What faulty nodes leave behind on purpose, released by the bite test once the contract has run. */
    static final List<AutoCloseable> LEFT_BEHIND = new java.util.concurrent.CopyOnWriteArrayList<>();

    private static final AtomicInteger THREADS = new AtomicInteger();

    /** The fixture's nodes: one test's network. */
    static final class Network implements DhtContract.Network {
        private final Set<Fault> faults;
        private final java.util.function.Supplier<DhtContext> contexts;
        private final boolean canSlowDown;
        private final List<FixtureDht> nodes = new java.util.concurrent.CopyOnWriteArrayList<>();
        private volatile Duration delay = Duration.ZERO;

        Network(Set<Fault> faults, java.util.function.Supplier<DhtContext> contexts, boolean canSlowDown) {
            this.faults = faults;
            this.contexts = contexts;
            this.canSlowDown = canSlowDown;
        }

        @Override
        public Dht newDht() {
            FixtureDht dht = new FixtureDht(this, contexts.get());
            nodes.add(dht);
            return dht;
        }

        @Override
        public boolean slowDown(Duration by) {
            delay = by;
            return canSlowDown;
        }

        @Override
        public void close() {
            nodes.forEach(FixtureDht::close);
        }
    }

    private final Network network;
    private final DhtContext context;
    /** BEP44 target to the item this node stores; guarded by itself. */
    private final Map<ByteBuffer, MutableItem> store = new HashMap<>();
    private final Set<CompletableFuture<?>> inFlight = ConcurrentHashMap.newKeySet();
    /** Every pool started (more than one only with {@link Fault#SECOND_START_STARTS_AGAIN}); guarded by this. */
    private final List<ExecutorService> pools = new ArrayList<>();
    private final List<AutoCloseable> held = new ArrayList<>();
    private volatile ExecutorService pool;
    private volatile boolean closed;

    private FixtureDht(Network network, DhtContext context) {
        this.network = network;
        this.context = context;
        if (has(Fault.THREAD_IN_CREATE)) {
            held.add(parkedThread("fixture-created"));
        }
        if (has(Fault.SOCKET_IN_CREATE)) {
            held.add(socket());
        }
    }

    private boolean has(Fault fault) {
        return network.faults.contains(fault);
    }

    @Override
    public synchronized CompletableFuture<Void> start() {
        if (closed) {
            return CompletableFuture.failedFuture(new DhtException(Reason.CLOSED, "closed"));
        }
        if (pool != null && has(Fault.SECOND_START_HANGS)) {
            return new CompletableFuture<>();
        }
        if (pool != null && !has(Fault.SECOND_START_STARTS_AGAIN)) {
            return CompletableFuture.completedFuture(null);
        }
        pool = Executors.newFixedThreadPool(4, task -> new Thread(task, "fixture-io-" + THREADS.incrementAndGet()));
        pool.execute(() -> { }); // start a thread now, as a node binding its socket would
        pools.add(pool);
        if (has(Fault.THREAD_LEFT_AFTER_CLOSE)) {
            LEFT_BEHIND.add(parkedThread("fixture-leak"));
        }
        if (has(Fault.SOCKET_LEFT_AFTER_CLOSE)) {
            LEFT_BEHIND.add(socket());
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<LookupSummary> getMutable(MutableQuery query, Consumer<MutableItem> onItem) {
        CompletableFuture<LookupSummary> call = new CompletableFuture<>();
        if (!begin(call)) {
            return call;
        }
        Set<MutableItem> delivered = new LinkedHashSet<>();
        AtomicInteger responded = new AtomicInteger();
        if (!has(Fault.LOOKUP_IGNORES_TIMEOUT)) {
            context.scheduler().schedule(() -> finish(call, delivered, responded), query.timeout().toNanos(),
                    TimeUnit.NANOSECONDS);
        }
        run(call, () -> {
            for (FixtureDht node : network.nodes) {
                MutableItem item = node.answer(query);
                responded.incrementAndGet();
                synchronized (delivered) {
                    if (item != null && !call.isDone() && delivered.add(item)) {
                        onItem.accept(item);
                    }
                }
            }
            finish(call, delivered, responded);
        });
        return call;
    }

    private static void finish(CompletableFuture<LookupSummary> call, Set<MutableItem> delivered,
            AtomicInteger responded) {
        synchronized (delivered) {
            call.complete(new LookupSummary(delivered.size(), responded.get(), 0));
        }
    }

    /** @return what this node holds for the query, or null; open nodes only */
    private MutableItem answer(MutableQuery query) {
        if (closed || pool == null) {
            return null;
        }
        MutableItem item;
        synchronized (store) {
            item = store.get(ByteBuffer.wrap(query.target()));
        }
        boolean wanted = query.minSeq().isEmpty() || has(Fault.IGNORES_MIN_SEQ)
                || item != null && item.seq() >= query.minSeq().getAsLong();
        return wanted ? item : null;
    }

    @Override
    public CompletableFuture<PutSummary> putMutable(MutableItem item, OptionalLong cas) {
        CompletableFuture<PutSummary> call = new CompletableFuture<>();
        if (!begin(call)) {
            return call;
        }
        run(call, () -> {
            if (!item.verify(context.signing())) {
                call.completeExceptionally(new DhtException(Reason.INVALID_SIGNATURE, "206 invalid signature"));
                return;
            }
            ByteBuffer target = ByteBuffer.wrap(item.target());
            if (has(Fault.RACY_PUT)) {
                MutableItem stored;
                synchronized (store) {
                    stored = store.get(target);
                }
                Reason refused = refusal(stored, item, cas);
                if (refused == null && pause(Duration.ofMillis(30 * (10 - Math.min(item.seq(), 9))))) {
                    synchronized (store) {
                        store.put(target, item);
                    }
                }
                settle(call, refused);
                return;
            }
            Reason refused;
            synchronized (store) {
                refused = refusal(store.get(target), item, cas);
                if (refused == null) {
                    store.put(target, item);
                }
            }
            settle(call, refused);
        });
        return call;
    }

    /** BEP44 at one node: cas against the stored seq (301), then a lower seq (302); null to store. */
    private Reason refusal(MutableItem stored, MutableItem item, OptionalLong cas) {
        if (cas.isPresent() && !has(Fault.IGNORES_CAS)) {
            long storedSeq = stored != null ? stored.seq() : has(Fault.CAS_ON_EMPTY_SLOT_MISMATCHES) ? 0 : -1;
            if (storedSeq != -1 && storedSeq != cas.getAsLong()) {
                return Reason.CAS_MISMATCH;
            }
        }
        return stored != null && item.seq() < stored.seq() ? Reason.SEQ_TOO_OLD : null;
    }

    private static void settle(CompletableFuture<PutSummary> call, Reason refused) {
        if (refused == null) {
            call.complete(new PutSummary(1, 1, 0));
        } else {
            call.completeExceptionally(new DhtException(refused, "refused: " + refused));
        }
    }

    private boolean begin(CompletableFuture<?> call) {
        if (closed || pool == null) {
            call.completeExceptionally(new DhtException(Reason.CLOSED, closed ? "closed" : "not started"));
            return false;
        }
        inFlight.add(call);
        call.whenComplete((value, failure) -> inFlight.remove(call));
        return true;
    }

    /** Runs a call's work on the pool, after the network's delay (interrupted by close). */
    private void run(CompletableFuture<?> call, Runnable work) {
        try {
            pool.execute(() -> {
                if (pause(network.delay)) {
                    work.run();
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            call.completeExceptionally(new DhtException(Reason.CLOSED, "closed"));
        }
    }

    /** @return false if interrupted (the node is closing) */
    private static boolean pause(Duration delay) {
        if (delay.isZero()) {
            return true;
        }
        try {
            Thread.sleep(delay.toMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() {
        List<ExecutorService> stopping;
        synchronized (this) {
            closed = true;
            stopping = List.copyOf(pools);
        }
        if (!has(Fault.CLOSE_LEAVES_CALLS_PENDING)) {
            inFlight.forEach(call -> call.completeExceptionally(new DhtException(Reason.CLOSED, "closed")));
        }
        stopping.forEach(ExecutorService::shutdownNow);
        for (AutoCloseable resource : held) {
            try {
                resource.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static AutoCloseable parkedThread(String name) {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        Thread thread = new Thread(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
        return () -> {
            release.countDown();
            thread.join(10_000);
        };
    }

    private static AutoCloseable socket() {
        try {
            DatagramChannel channel = DatagramChannel.open();
            channel.bind(new InetSocketAddress("127.0.0.1", 0));
            return channel;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
