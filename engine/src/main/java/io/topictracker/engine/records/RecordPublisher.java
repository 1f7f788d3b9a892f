package io.topictracker.engine.records;

import io.topictracker.api.PeerId;
import io.topictracker.api.dht.Dht;
import io.topictracker.api.dht.DhtException;
import io.topictracker.api.dht.MutableItem;
import io.topictracker.api.dht.MutableQuery;
import io.topictracker.api.dht.PutSummary;
import java.time.Duration;
import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Reads and writes a topic's records in its per-minute DHT slots, with the behaviour of the Rust crate's publisher:
 * {@link #records} gets the slot, opens and verifies every value, drops our own, keeps one record per publisher;
 * {@link #publish} skips when the slot already holds {@code maxBootstrapRecords} records of other publishers (our own
 * is not counted, as in the crate) or when it already holds ours, else puts with retries (base interval + random
 * jitter) and timeouts. Values that fail to open or verify are counted ({@link #stats()}), never
 * thrown. Every returned future can be cancelled, which stops retries and cancels the DHT call in flight.
 *
 * <p>Every writer uses seq {@link #SEQ} (0): the slot key is shared, so a higher seq would let one writer evict the
 * others. At one seq a storing node keeps the last value it got (BEP44 lets an equal seq replace, as libtorrent
 * does), so the DHT provider spreads the writers over the closest nodes (dht-mainline's SlotSharing: a writer that
 * finds others' values takes a share); two puts that cross still replace each other on the nodes both chose, and
 * the one that lost finds out only from a later lookup that no longer holds its record (the bootstrap then puts
 * again). Thread-safe.
 */
public final class RecordPublisher {
    /** Diagnostics: which publisher's record each slot value is, and what we put (lab timelines; debug only). */
    private static final org.slf4j.Logger SLOTS = org.slf4j.LoggerFactory.getLogger("io.topictracker.timeline.records");
    /** The seq every record is written with. */
    public static final long SEQ = 0;

    /**
     * Settings, with the Rust crate's defaults in {@link #DEFAULTS}; the engine's {@code [dht]} and
     * {@code [bootstrap]} config map onto it.
     *
     * @param retries attempts after the first failed put, at least 0 (default 3)
     * @param baseRetryInterval pause before a retry, not negative (default 5 s)
     * @param maxRetryJitter most random time added to the pause, not negative (default 10 s)
     * @param getTimeout bound of a slot lookup, positive (default 10 s)
     * @param putTimeout bound of one put attempt, positive (default 10 s)
     * @param maxBootstrapRecords publish only while the slot holds fewer records, at least 1 (default 5)
     */
    public record Settings(int retries, Duration baseRetryInterval, Duration maxRetryJitter, Duration getTimeout,
            Duration putTimeout, int maxBootstrapRecords) {
        /** The Rust crate's defaults. */
        public static final Settings DEFAULTS = new Settings(3, Duration.ofSeconds(5), Duration.ofSeconds(10),
                Duration.ofSeconds(10), Duration.ofSeconds(10), 5);

        public Settings {
            if (retries < 0) {
                throw new IllegalArgumentException("retries must be at least 0, got " + retries);
            }
            if (baseRetryInterval.isNegative() || maxRetryJitter.isNegative()) {
                throw new IllegalArgumentException("retry interval and jitter must not be negative");
            }
            if (getTimeout.isNegative() || getTimeout.isZero() || putTimeout.isNegative() || putTimeout.isZero()) {
                throw new IllegalArgumentException("get and put timeouts must be positive");
            }
            if (maxBootstrapRecords < 1) {
                throw new IllegalArgumentException("max bootstrap records must be at least 1, got "
                        + maxBootstrapRecords);
            }
        }
    }

    /** What {@link #publish} did. */
    public enum Outcome {
        /** The record was stored by at least one node. */
        PUBLISHED,
        /** The slot already held {@code maxBootstrapRecords} records of other publishers; nothing was put. */
        SKIPPED_SLOT_FULL,
        /**
         * The slot already held our record; nothing was put: others can read it there, and a second put of ours
         * would only take more of the slot's nodes from other writers.
         */
        SKIPPED_ALREADY_IN_SLOT
    }

    /**
     * Counters since creation.
     *
     * @param accepted records opened, verified and returned (before de-duplication)
     * @param own our own records seen and dropped
     * @param rejected values that failed to open or verify, per reason; never null
     * @param outcomes publishes decided, per outcome (a put that failed after its retries is in none); never null
     */
    public record Stats(long accepted, long own, Map<RecordException.Reason, Long> rejected,
            Map<Outcome, Long> outcomes) {
        /** @return all rejected values */
        public long rejectedTotal() {
            return rejected.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private final Dht dht;
    private final TopicKeys keys;
    private final PeerId self;
    private final Settings settings;
    private final ScheduledExecutorService scheduler;
    private final Random jitter;
    private final RecordSealer sealer;
    private final PublisherVerifiers verifiers;
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong own = new AtomicLong();
    private final Map<RecordException.Reason, AtomicLong> rejected = new EnumMap<>(RecordException.Reason.class);
    private final Map<Outcome, AtomicLong> outcomes = new EnumMap<>(Outcome.class);

    /**
     * @param dht a started DHT, not null
     * @param keys the topic's derivations, not null
     * @param self our identity, whose records {@link #records} drops; not null
     * @param settings not null
     * @param scheduler runs retry pauses and timeouts, not null; never shut down by this class
     * @param jitter source of retry jitter, not null; used under its own lock
     * @param sealer seals records, not null
     */
    public RecordPublisher(Dht dht, TopicKeys keys, PeerId self, Settings settings,
            ScheduledExecutorService scheduler, Random jitter, RecordSealer sealer) {
        this.dht = Objects.requireNonNull(dht, "dht");
        this.keys = Objects.requireNonNull(keys, "keys");
        this.self = Objects.requireNonNull(self, "self");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.jitter = Objects.requireNonNull(jitter, "jitter");
        this.sealer = Objects.requireNonNull(sealer, "sealer");
        this.verifiers = new PublisherVerifiers(keys.signing(), PublisherVerifiers.DEFAULT_CAPACITY);
        for (RecordException.Reason reason : RecordException.Reason.values()) {
            rejected.put(reason, new AtomicLong());
        }
        for (Outcome outcome : Outcome.values()) {
            outcomes.put(outcome, new AtomicLong());
        }
    }

    /**
     * Fetches the records of one minute's slot.
     *
     * @return completes with the valid records of other publishers, one per publisher (the first seen), when the
     *     lookup ends; fails with the DHT's exception if the lookup fails; never null
     */
    public CompletableFuture<List<Record>> records(long unixMinute) {
        CompletableFuture<SlotRecords> lookup = slot(unixMinute);
        CompletableFuture<List<Record>> result = lookup.thenApply(SlotRecords::others);
        result.whenComplete((v, e) -> {
            if (result.isCancelled()) {
                lookup.cancel(true);
            }
        });
        return result;
    }

    /**
     * Fetches one minute's slot: the records of other publishers, as {@link #records}, and whether ours is there.
     *
     * @return completes when the lookup ends; fails with the DHT's exception if the lookup fails; never null
     */
    public CompletableFuture<SlotRecords> slot(long unixMinute) {
        return slot(unixMinute, record -> { });
    }

    /**
     * Fetches one minute's slot as {@link #slot(long)}, and also hands each other publisher's record to
     * {@code onArrival} as soon as the DHT delivers it, before the lookup ends: a joiner can dial the first publisher
     * found instead of waiting for the lookup to converge, which can wait out timeouts of dead nodes (see
     * BENCHMARKS.md "Network lab").
     *
     * @param onArrival gets each valid record of another publisher once (the first seen of each publisher), on a DHT
     *     provider thread, never concurrently for one lookup; must not block; not null
     * @return as {@link #slot(long)}; never null
     */
    public CompletableFuture<SlotRecords> slot(long unixMinute, Consumer<Record> onArrival) {
        Objects.requireNonNull(onArrival, "onArrival");
        SlotKeys slot = keys.slot(unixMinute);
        MutableQuery query = MutableQuery.of(slot.slotKeyPair().publicKey(), slot.salt(), OptionalLong.empty(),
                settings.getTimeout());
        Map<PeerId, Record> byPublisher = new LinkedHashMap<>();
        boolean[] ours = new boolean[1]; // guarded by byPublisher
        CompletableFuture<SlotRecords> result = new CompletableFuture<>();
        CompletableFuture<?> lookup;
        try {
            lookup = dht.getMutable(query, item -> {
                Record record = open(item, slot);
                if (record != null) {
                    boolean first;
                    synchronized (byPublisher) {
                        if (record.publisher().equals(self)) {
                            ours[0] = true;
                            first = false;
                        } else {
                            first = byPublisher.putIfAbsent(record.publisher(), record) == null;
                        }
                    }
                    if (first) {
                        onArrival.accept(record);
                    }
                }
            });
        } catch (RuntimeException e) { // a provider should fail the future, but one that throws must not escape
            return CompletableFuture.failedFuture(e);
        }
        lookup.whenComplete((summary, failure) -> {
            if (failure != null) {
                result.completeExceptionally(unwrap(failure));
            } else {
                synchronized (byPublisher) {
                    result.complete(new SlotRecords(List.copyOf(byPublisher.values()), ours[0]));
                }
            }
        });
        result.whenComplete((v, e) -> {
            if (result.isCancelled()) {
                lookup.cancel(true);
            }
        });
        return result;
    }

    /** @return the record, ours included, or null for a value that does not open or verify (counted) */
    private Record open(MutableItem item, SlotKeys slot) {
        try {
            Record record = RecordSealer.open(item.value(), slot, verifiers);
            if (SLOTS.isDebugEnabled()) {
                SLOTS.debug("minute {}: sig {} is {}'s record", record.unixMinute(), shortHex(item.signature()),
                        record.publisher().shortText());
            }
            if (record.publisher().equals(self)) {
                own.incrementAndGet();
                return record;
            }
            accepted.incrementAndGet();
            return record;
        } catch (RecordException e) {
            rejected.get(e.reason()).incrementAndGet();
            return null;
        }
    }

    /** @return whether content is that of a publisher alone that asks peers to dial it (see {@link #publish}) */
    private static boolean isolatedAndAsking(RecordContent content) {
        return content.activePeers().isEmpty() && !content.connectRequests().isEmpty();
    }

    /**
     * Publishes our record into its minute's slot, unless {@code cachedRecords} (the other publishers' records
     * already fetched for that minute) number {@code maxBootstrapRecords} or more.
     *
     * @param record our signed record for this topic, not null
     * @param cachedRecords not null
     * @return as {@link #publish(Record, SlotRecords)}; never null
     */
    public CompletableFuture<Outcome> publish(Record record, Collection<Record> cachedRecords) {
        return publish(record, SlotRecords.ofOthers(List.copyOf(cachedRecords)));
    }

    /**
     * Publishes our record into its minute's slot, unless the slot as last fetched already holds ours (a refresh
     * would store nothing new, see {@link Outcome#SKIPPED_ALREADY_IN_SLOT}) or {@code maxBootstrapRecords} records
     * of other publishers. So while records exist, a slot takes at most {@code maxBootstrapRecords} puts from
     * publishers that fetch it one after another; two that fetch it at the same moment can both put, as in the crate.
     * Unlike the crate, the record of a publisher with no neighbours (no active peers) that asks peers to dial it
     * (connection requests: it joined them 10 s ago or more and is still alone) is put even into a full slot: if NATs
     * drop that publisher's dials it is only ever found through its record (PROTOCOL.md §3, §11). A newcomer whose
     * first Joins are answered asks nothing, so the rate limit holds for arrivals.
     *
     * @param record our signed record for this topic, not null
     * @param cached what the last lookup of the record's slot found, not null
     * @return completes with the outcome; fails with the last {@link DhtException} (reason TIMEOUT for a put that
     *     outlived its timeout) after {@code 1 + retries} failed attempts; never null
     */
    public CompletableFuture<Outcome> publish(Record record, SlotRecords cached) {
        Objects.requireNonNull(record, "record");
        Objects.requireNonNull(cached, "cached");
        if (!record.topic().equals(keys.topic())) {
            throw new IllegalArgumentException("record is for topic " + record.topic() + ", publisher for "
                    + keys.topic());
        }
        if (cached.holdsOurs()) {
            return decided(Outcome.SKIPPED_ALREADY_IN_SLOT);
        }
        if (cached.others().size() >= settings.maxBootstrapRecords() && !isolatedAndAsking(record.content())) {
            return decided(Outcome.SKIPPED_SLOT_FULL);
        }
        SlotKeys slot = keys.slot(record.unixMinute());
        MutableItem item = MutableItem.sign(slot.slotKeyPair(), slot.salt(), SEQ, sealer.seal(record, slot));
        if (SLOTS.isDebugEnabled()) {
            SLOTS.debug("minute {}: putting our record, sig {}", record.unixMinute(), shortHex(item.signature()));
        }
        Attempts attempts = new Attempts(item);
        attempts.result.whenComplete((v, e) -> {
            if (attempts.result.isCancelled()) {
                attempts.cancelCurrent();
            }
        });
        attempts.run(0);
        attempts.result.thenRun(() -> outcomes.get(Outcome.PUBLISHED).incrementAndGet());
        return attempts.result;
    }

    private CompletableFuture<Outcome> decided(Outcome outcome) {
        outcomes.get(outcome).incrementAndGet();
        return CompletableFuture.completedFuture(outcome);
    }

    /** @return values that failed to open or verify, all reasons together; cheaper than {@link #stats()} */
    public long rejectedCount() {
        long total = 0;
        for (AtomicLong count : rejected.values()) {
            total += count.get();
        }
        return total;
    }

    /** @return a snapshot of the counters, never null */
    public Stats stats() {
        Map<RecordException.Reason, Long> snapshot = new EnumMap<>(RecordException.Reason.class);
        rejected.forEach((reason, count) -> snapshot.put(reason, count.get()));
        Map<Outcome, Long> decided = new EnumMap<>(Outcome.class);
        outcomes.forEach((outcome, count) -> decided.put(outcome, count.get()));
        return new Stats(accepted.get(), own.get(), Map.copyOf(snapshot), Map.copyOf(decided));
    }

    private Duration retryPause() {
        long jitterNanos = settings.maxRetryJitter().toNanos();
        double fraction;
        synchronized (jitter) {
            fraction = jitter.nextDouble();
        }
        return settings.baseRetryInterval().plusNanos((long) (fraction * jitterNanos));
    }

    private static String shortHex(byte[] bytes) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < Math.min(4, bytes.length); i++) {
            text.append(String.format("%02x", bytes[i]));
        }
        return text.toString();
    }

    private static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }

    /** The put attempts of one publish; {@code current} is the DHT call or retry pause in progress. */
    private final class Attempts {
        final CompletableFuture<Outcome> result = new CompletableFuture<>();
        private final AtomicReference<Future<?>> current = new AtomicReference<>();
        private final MutableItem item;

        Attempts(MutableItem item) {
            this.item = item;
        }

        void run(int attempt) {
            if (result.isDone()) {
                return;
            }
            CompletableFuture<PutSummary> put;
            Future<?> timeout;
            try {
                put = dht.putMutable(item);
                current.set(put);
                // Cancelling is how the Dht contract stops a call; while the publish is live only this timeout cancels.
                timeout = scheduler.schedule(() -> put.cancel(true), settings.putTimeout().toNanos(),
                        TimeUnit.NANOSECONDS);
            } catch (RuntimeException e) { // a throwing provider, or a scheduler already shut down
                cancelCurrent(); // a put already issued must not outlive the publish
                result.completeExceptionally(e);
                return;
            }
            put.whenComplete((summary, failure) -> {
                timeout.cancel(false);
                if (failure == null) {
                    result.complete(Outcome.PUBLISHED);
                } else if (!result.isDone()) {
                    Throwable cause = unwrap(failure);
                    failed(attempt, cause instanceof CancellationException
                            ? new DhtException(DhtException.Reason.TIMEOUT,
                                    "put did not finish within " + settings.putTimeout(), cause)
                            : cause);
                }
            });
            if (result.isDone()) { // cancelled while this attempt was being started
                put.cancel(true);
            }
        }

        private void failed(int attempt, Throwable failure) {
            if (attempt >= settings.retries()) {
                result.completeExceptionally(failure);
                return;
            }
            Future<?> pause;
            try {
                pause = scheduler.schedule(() -> run(attempt + 1), retryPause().toNanos(), TimeUnit.NANOSECONDS);
            } catch (RuntimeException e) { // the scheduler was shut down: report it rather than hang
                failure.addSuppressed(e);
                result.completeExceptionally(failure);
                return;
            }
            current.set(pause);
            if (result.isDone()) {
                pause.cancel(false);
            }
        }

        void cancelCurrent() {
            Future<?> inFlight = current.get();
            if (inFlight != null) {
                inFlight.cancel(true);
            }
        }
    }

    @Override
    public String toString() {
        return "RecordPublisher[" + keys.topic() + ", self=" + self.shortText() + "]";
    }
}
