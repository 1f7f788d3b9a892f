package io.topictracker.dht.inmemory;

import io.topictracker.api.dht.Bep44;
import io.topictracker.api.dht.Dht;
import io.topictracker.api.dht.DhtContext;
import io.topictracker.api.dht.DhtException;
import io.topictracker.api.dht.LookupSummary;
import io.topictracker.api.dht.MutableItem;
import io.topictracker.api.dht.MutableQuery;
import io.topictracker.api.dht.PutSummary;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A node of an {@link InMemoryNetwork}. Owns no thread: every delay runs on the context's scheduler. Thread-safe.
 * Futures complete on the scheduler's threads (or the caller's, for immediate refusals).
 */
public final class InMemoryDht implements Dht {
    private enum State { NEW, STARTED, CLOSED }

    private final InMemoryNetwork network;
    private final DhtContext context;
    private final String name;
    private final int index;
    private final Set<Operation<?>> inFlight = ConcurrentHashMap.newKeySet();
    private volatile State state = State.NEW;

    InMemoryDht(InMemoryNetwork network, DhtContext context, String name, int index) {
        this.network = network;
        this.context = context;
        this.name = name;
        this.index = index;
    }

    /** @return this node's name, used by {@link Faults#partition}; never null */
    public String name() {
        return name;
    }

    /** @return the network joined, never null */
    public InMemoryNetwork network() {
        return network;
    }

    @Override
    public CompletableFuture<Void> start() {
        synchronized (this) {
            if (state == State.CLOSED) {
                return CompletableFuture.failedFuture(new DhtException(DhtException.Reason.CLOSED,
                        "in-memory DHT " + name + " is closed"));
            }
            state = State.STARTED;
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<LookupSummary> getMutable(MutableQuery query, Consumer<MutableItem> onItem) {
        Operation<LookupSummary> op = begin();
        if (op.future.isDone()) {
            return op.future;
        }
        ByteBuffer target = ByteBuffer.wrap(query.target());
        int replicas = network.options().replicas();
        Lookup lookup = new Lookup(op, onItem, replicas);
        int lost = 0;
        synchronized (network.lock) {
            for (int place = 0; place < replicas; place++) {
                // the query or its answer may be lost; a lost answer is not waited for (see PROTOCOL.md)
                boolean dropped = network.faults().sampleLoss() || network.faults().sampleLoss();
                long delay = network.faults().sampleLatencyNanos() * 2; // there and back
                if (dropped) {
                    lost++;
                    continue;
                }
                int p = place;
                op.schedule(() -> {
                    MutableItem item;
                    synchronized (network.lock) {
                        item = network.storageOf(name).get(target, p);
                    }
                    if (item != null && query.minSeq().isPresent() && item.seq() < query.minSeq().getAsLong()) {
                        item = null;
                    }
                    lookup.answered(item, true);
                }, delay);
            }
        }
        op.schedule(() -> op.future.complete(lookup.summary()), query.timeout().toNanos());
        for (int i = 0; i < lost; i++) {
            lookup.answered(null, false);
        }
        return op.future;
    }

    @Override
    public CompletableFuture<PutSummary> putMutable(MutableItem item, OptionalLong cas) {
        Operation<PutSummary> op = begin();
        if (op.future.isDone()) {
            return op.future;
        }
        if (item.salt().length > Bep44.MAX_SALT_LENGTH) {
            return op.fail(DhtException.Reason.SALT_TOO_LARGE, "salt is " + item.salt().length + " bytes, max 64");
        }
        if (Bep44.encodedValueLength(item.value()) > Bep44.MAX_ENCODED_VALUE_LENGTH) {
            return op.fail(DhtException.Reason.VALUE_TOO_LARGE, "value is over 1000 bytes bencoded");
        }
        if (!item.verify(context.signing())) {
            return op.fail(DhtException.Reason.INVALID_SIGNATURE,
                    "signature of " + item + " does not verify (BEP44 206); refused");
        }
        network.countPut();
        ByteBuffer target = ByteBuffer.wrap(item.target());
        int replicas = network.options().replicas();
        int fanout = network.options().putFanout();
        long delay;
        boolean failing;
        synchronized (network.lock) {
            failing = network.faults().samplePutFailure();
            delay = network.faults().sampleLatencyNanos() * 2;
        }
        op.schedule(() -> {
            if (failing) {
                op.fail(DhtException.Reason.UNREACHABLE, "put failed (injected fault)");
                return;
            }
            List<PlaceOutcome> outcomes = new ArrayList<>();
            synchronized (network.lock) {
                Storage storage = network.storageOf(name);
                if (storage.full(target)) {
                    op.fail(DhtException.Reason.OTHER, "in-memory storage full (max_slots)");
                    return;
                }
                for (int i = 0; i < fanout; i++) {
                    if (network.faults().sampleLoss()) {
                        continue;
                    }
                    outcomes.add(storage.put(target, (index + i) % replicas, item, cas));
                }
            }
            finishPut(op, outcomes, fanout);
        }, delay);
        return op.future;
    }

    private static void finishPut(Operation<PutSummary> op, List<PlaceOutcome> outcomes, int fanout) {
        long acked = outcomes.stream().filter(o -> o == PlaceOutcome.STORED || o == PlaceOutcome.KEPT).count();
        if (acked > 0) {
            op.future.complete(new PutSummary((int) acked, fanout, fanout));
        } else if (outcomes.contains(PlaceOutcome.CAS_MISMATCH)) {
            op.fail(DhtException.Reason.CAS_MISMATCH, "compare-and-swap failed: stored seq differs (BEP44 301)");
        } else if (outcomes.contains(PlaceOutcome.SEQ_TOO_OLD)) {
            op.fail(DhtException.Reason.SEQ_TOO_OLD, "a higher seq is stored (BEP44 302)");
        } else {
            op.fail(DhtException.Reason.UNREACHABLE, "no storing place answered (all messages lost)");
        }
    }

    private <T> Operation<T> begin() {
        Operation<T> op = new Operation<>();
        if (state != State.STARTED) {
            op.fail(DhtException.Reason.CLOSED, "in-memory DHT " + name + " is "
                    + (state == State.NEW ? "not started" : "closed"));
            return op;
        }
        inFlight.add(op);
        network.pendingCounter().incrementAndGet();
        op.future.whenComplete((v, e) -> {
            op.cancelTasks();
            inFlight.remove(op);
            network.pendingCounter().decrementAndGet();
        });
        if (state == State.CLOSED) { // lost a race with close()
            op.fail(DhtException.Reason.CLOSED, "in-memory DHT " + name + " is closed");
        }
        return op;
    }

    @Override
    public void close() {
        synchronized (this) {
            state = State.CLOSED;
        }
        for (Operation<?> op : List.copyOf(inFlight)) {
            op.fail(DhtException.Reason.CLOSED, "in-memory DHT " + name + " closed during the call");
        }
    }

    @Override
    public String toString() {
        return "InMemoryDht[" + name + ", " + state + "]";
    }

    /** One call in flight: its future and the scheduler tasks to cancel when it ends. */
    private final class Operation<T> {
        final CompletableFuture<T> future = new CompletableFuture<>();
        private final List<ScheduledFuture<?>> tasks = new ArrayList<>();

        void schedule(Runnable task, long delayNanos) {
            Runnable guarded = () -> {
                if (!future.isDone()) {
                    task.run();
                }
            };
            synchronized (tasks) {
                if (!future.isDone()) {
                    tasks.add(context.scheduler().schedule(guarded, delayNanos, TimeUnit.NANOSECONDS));
                }
            }
        }

        void cancelTasks() {
            synchronized (tasks) {
                tasks.forEach(t -> t.cancel(false));
                tasks.clear();
            }
        }

        CompletableFuture<T> fail(DhtException.Reason reason, String message) {
            future.completeExceptionally(new DhtException(reason, message));
            return future;
        }
    }

    /** Collects a get's answers, delivering each distinct item once, never concurrently. */
    private static final class Lookup {
        private final Operation<LookupSummary> op;
        private final Consumer<MutableItem> onItem;
        private final Set<MutableItem> seen = new HashSet<>();
        private final int places;
        private int outstanding;
        private int responded;

        Lookup(Operation<LookupSummary> op, Consumer<MutableItem> onItem, int places) {
            this.op = op;
            this.onItem = onItem;
            this.places = places;
            this.outstanding = places;
        }

        synchronized void answered(MutableItem item, boolean responded) {
            if (op.future.isDone()) {
                return;
            }
            if (responded) {
                this.responded++;
            }
            if (item != null && seen.add(item)) {
                onItem.accept(item);
            }
            if (--outstanding == 0) {
                op.future.complete(summary());
            }
        }

        synchronized LookupSummary summary() {
            return new LookupSummary(seen.size(), responded, places);
        }
    }
}
