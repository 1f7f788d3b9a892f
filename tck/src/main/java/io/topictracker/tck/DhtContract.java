package io.topictracker.tck;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.topictracker.api.ConfigTable;
import io.topictracker.api.dht.Bep44;
import io.topictracker.api.dht.Dht;
import io.topictracker.api.dht.DhtContext;
import io.topictracker.api.dht.DhtException;
import io.topictracker.api.dht.DhtException.Reason;
import io.topictracker.api.dht.LookupSummary;
import io.topictracker.api.dht.MutableItem;
import io.topictracker.api.dht.MutableQuery;
import io.topictracker.api.dht.PutSummary;
import io.topictracker.api.signing.SigningKeyPair;
import io.topictracker.api.signing.SigningProvider;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of every {@link Dht} provider (BEP44 mutable items). A provider's test extends this class and supplies
 * a {@link Network} of connected DHTs; the contract runs the same checks against every provider.
 *
 * <p>Nothing here passes by default. Each test gets a fresh network from {@link #newNetwork()} and closes it
 * afterwards; then no thread may be left running and no socket, pipe or event descriptor left open that was not
 * there before the network was made (the JVM's own threads are compared, and {@code /proc/self/fd} where the platform
 * has it: nothing to declare, nothing to forget). {@link io.topictracker.api.dht.DhtProvider#create} must allocate
 * nothing, and {@link Dht#close()} must release what its DHT holds. Two checks need a network that can be slowed down
 * ({@link Network#slowDown}); a network that cannot is reported as skipped with the reason, never as passed.
 *
 * <p>Waits are bounded: {@link #operationTimeout()} for what crosses the network, {@link #promptTimeout()} for what
 * needs no network (refusing calls on a DHT that is not running, failing calls in flight on close, releasing
 * threads and sockets, a second start). Failure messages state the rule, the input and what came back.
 *
 * <p>{@link #newNetwork()} is called from this class's {@code @BeforeEach}, before a subclass's own
 * {@code @BeforeEach} methods run; build the network from fields (JUnit's {@code @TempDir} fields are set by then).
 *
 * @see io.topictracker.api.dht.DhtProvider
 */
public abstract class DhtContract {
    /**
     * DHT nodes joined to one test network. Implementations close every DHT they made in {@link #close()}, and
     * whatever the network itself started. Threads and sockets the network owns (a scheduler, a testnet) must exist
     * before the first {@link #newDht()}: the contract counts what appears later as the DHTs'. Thread-safe.
     */
    public interface Network extends AutoCloseable {
        /**
         * Creates a DHT through the provider's {@link io.topictracker.api.dht.DhtProvider#create}, and nothing more.
         *
         * @return a new DHT joined to this network, not yet started; never null
         */
        Dht newDht();

        /**
         * @return the signing provider that makes test items, which the DHTs verify with; never null. The default
         *     is the TCK's {@link TestSigning#provider()}.
         */
        default SigningProvider signing() {
            return TestSigning.provider();
        }

        /**
         * Makes every later message take at least {@code delay}, so timeouts and calls in flight can be checked.
         *
         * @param delay how long each message is held, positive
         * @return true if done; false (the default) if the network cannot, and the two checks that need it are then
         *     reported as skipped with the reason
         */
        default boolean slowDown(Duration delay) {
            return false;
        }

        /** Closes every DHT made and the network's own resources; never throws. */
        @Override
        void close();
    }

    private static final int CONCURRENT_PUTS = 8;

    private ScheduledThreadPoolExecutor scheduler;
    private JvmResources.Snapshot beforeTheNetwork;
    private Network network;

    /** @return a fresh network for one test, never null */
    protected abstract Network newNetwork();

    /** @return how many writers of one slot a get is guaranteed to see; at least 2 */
    protected int writerCapacity() {
        return 3;
    }

    /** @return the bound on every wait for what crosses the network (a put, a get) */
    protected Duration operationTimeout() {
        return Duration.ofSeconds(30);
    }

    /**
     * @return the bound on what needs no network: refusing a call on a DHT that is not running, failing calls in
     *     flight on close, releasing threads and sockets after close, answering a second start
     */
    protected Duration promptTimeout() {
        return Duration.ofSeconds(10);
    }

    /** @return the timeout lookups use */
    protected Duration lookupTimeout() {
        return Duration.ofSeconds(10);
    }

    /**
     * A context for a DHT of this test's network: the given table, the TCK's {@link TestSigning#provider()}, the
     * system clock and a scheduler the contract owns (its threads started before the test, shut down after it).
     *
     * @param settings the provider's table, e.g. {@code ConfigTable.of("dht.mine", Map.of(...))}; not null
     * @return never null
     */
    protected final DhtContext context(ConfigTable settings) {
        if (scheduler == null) {
            throw new IllegalStateException("context() is for newNetwork() and the tests, after the contract's setup");
        }
        return new DhtContext(settings, TestSigning.provider(), Clock.systemUTC(), scheduler);
    }

    @BeforeEach
    final void openNetwork() {
        scheduler = new ScheduledThreadPoolExecutor(2, task -> {
            Thread thread = new Thread(task, "tck-dht-scheduler");
            thread.setDaemon(true);
            return thread;
        });
        scheduler.setRemoveOnCancelPolicy(true);
        scheduler.prestartAllCoreThreads(); // there before the snapshot, so never counted as the provider's
        beforeTheNetwork = JvmResources.take();
        Network made;
        try {
            made = newNetwork();
        } catch (RuntimeException | Error e) {
            throw new AssertionError("setup failed: newNetwork() threw " + e, e);
        }
        if (made == null) {
            throw new AssertionError("setup failed: newNetwork() returned null");
        }
        network = made;
    }

    @AfterEach
    final void closeNetwork() throws InterruptedException {
        try {
            if (network != null) { // null when setup failed: that error is the one reported
                try {
                    network.close();
                } catch (RuntimeException e) {
                    throw new AssertionError("Network.close() must not throw, threw " + e, e);
                }
                JvmResources.awaitReleased(beforeTheNetwork, promptTimeout(),
                        "after Network.close(), every thread the network's DHTs started must have ended and every"
                                + " socket they opened be closed");
            }
        } finally {
            scheduler.shutdownNow();
            if (!scheduler.awaitTermination(promptTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                fail("the TCK's scheduler did not stop within " + promptTimeout().toMillis()
                        + " ms: a task the DHT scheduled blocks");
            }
        }
    }

    /** @return the test's network, never null */
    protected final Network network() {
        return network;
    }

    /** @return a new started DHT of the test's network */
    protected final Dht startedDht() {
        Dht dht = network.newDht();
        Outcomes.success("setup: start() of a new DHT must complete", dht.start(), operationTimeout());
        return dht;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private MutableQuery query(SigningKeyPair key, byte[] salt) {
        return MutableQuery.of(key.publicKey(), salt, OptionalLong.empty(), lookupTimeout());
    }

    private MutableQuery query(SigningKeyPair key, byte[] salt, long minSeq) {
        return MutableQuery.of(key.publicKey(), salt, OptionalLong.of(minSeq), lookupTimeout());
    }

    /** Runs a lookup to its end and returns what it delivered, checking the summary counts it. */
    private List<MutableItem> getAll(String what, Dht dht, MutableQuery query) {
        List<MutableItem> items = new CopyOnWriteArrayList<>();
        LookupSummary summary = Outcomes.success(what + " must complete", dht.getMutable(query, items::add),
                operationTimeout());
        assertEquals(items.size(), summary.itemsDelivered(),
                what + ": the summary must count the items delivered " + items + ", says " + summary);
        return items;
    }

    private PutSummary put(String rule, Dht dht, MutableItem item, OptionalLong cas) {
        return acknowledged(rule, dht.putMutable(item, cas));
    }

    private PutSummary acknowledged(String rule, CompletableFuture<PutSummary> call) {
        PutSummary summary = Outcomes.success(rule, call, operationTimeout());
        assertTrue(summary.acknowledged() >= 1, rule + ": a put that completes has at least 1 acknowledgement, "
                + summary);
        return summary;
    }

    private static List<Long> seqs(List<MutableItem> items) {
        return items.stream().map(MutableItem::seq).sorted().toList();
    }

    @Test
    void putThenGetRoundTrips() {
        Dht writer = startedDht();
        Dht reader = startedDht();
        SigningKeyPair key = network.signing().generate();
        MutableItem item = MutableItem.sign(key, bytes("salt"), 1, bytes("hello"));
        put("put seq 1 to an empty slot must be acknowledged", writer, item, OptionalLong.empty());
        List<MutableItem> found = getAll("get by another DHT", reader, query(key, bytes("salt")));
        assertEquals(List.of(item), found, "a get by another DHT must deliver exactly the item put");
    }

    @Test
    void saltIsolatesItems() {
        Dht dht = startedDht();
        SigningKeyPair key = network.signing().generate();
        MutableItem a = MutableItem.sign(key, bytes("a"), 1, bytes("value a"));
        put("put with salt 'a' must be acknowledged", dht, a, OptionalLong.empty());
        assertEquals(List.of(), getAll("get with salt 'b'", dht, query(key, bytes("b"))),
                "a get with salt 'b' must not deliver the item put with salt 'a' (BEP44: the salt is part of the "
                        + "target)");
        assertEquals(List.of(), getAll("get with no salt", dht, query(key, new byte[0])),
                "a get with no salt must not deliver the item put with salt 'a'");
        assertEquals(List.of(a), getAll("get with salt 'a'", dht, query(key, bytes("a"))),
                "a get with salt 'a' must deliver the item put with it");
    }

    @Test
    void tamperedSignatureIsRefusedAndNotStored() {
        Dht dht = startedDht();
        SigningKeyPair key = network.signing().generate();
        MutableItem good = MutableItem.sign(key, bytes("s"), 1, bytes("value"));
        byte[] signature = good.signature();
        signature[10] ^= 1;
        MutableItem bad = MutableItem.of(key.publicKey(), bytes("s"), 1, bytes("value"), signature);
        Outcomes.refusal("put seq 1 with one bit of its signature flipped must fail with INVALID_SIGNATURE (BEP44 206)",
                dht.putMutable(bad), Reason.INVALID_SIGNATURE, operationTimeout());
        MutableItem otherValue = MutableItem.of(key.publicKey(), bytes("s"), 1, bytes("other"), good.signature());
        Outcomes.refusal("put seq 1 whose value is not the one signed must fail with INVALID_SIGNATURE (BEP44 206)",
                dht.putMutable(otherValue), Reason.INVALID_SIGNATURE, operationTimeout());
        assertEquals(List.of(), getAll("get after two refused puts", dht, query(key, bytes("s"))),
                "a get after two puts refused for their signatures must deliver nothing");
    }

    @Test
    void lowerSeqIsRefusedAndHigherReplaces() {
        Dht dht = startedDht();
        SigningKeyPair key = network.signing().generate();
        put("put seq 5 to an empty slot must be acknowledged", dht, MutableItem.sign(key, bytes("s"), 5,
                bytes("five")), OptionalLong.empty());
        Outcomes.refusal("put seq 3 over stored seq 5 must fail with SEQ_TOO_OLD (BEP44 302)",
                dht.putMutable(MutableItem.sign(key, bytes("s"), 3, bytes("three"))), Reason.SEQ_TOO_OLD,
                operationTimeout());
        MutableItem six = MutableItem.sign(key, bytes("s"), 6, bytes("six"));
        put("put seq 6 over stored seq 5 must be acknowledged", dht, six, OptionalLong.empty());
        List<MutableItem> found = getAll("get after seq 5, 3 (refused) and 6", dht, query(key, bytes("s")));
        assertTrue(found.contains(six), "after puts of seq 5, 3 (refused) and 6, a get must deliver seq 6; delivered "
                + "seqs " + seqs(found));
        assertTrue(found.stream().noneMatch(i -> i.seq() == 3), "the refused seq 3 must not be stored; delivered seqs "
                + seqs(found));
    }

    @Test
    void minSeqLeavesOutLowerSeqs() {
        Dht dht = startedDht();
        SigningKeyPair key = network.signing().generate();
        MutableItem five = MutableItem.sign(key, bytes("s"), 5, bytes("five"));
        put("put seq 5 to an empty slot must be acknowledged", dht, five, OptionalLong.empty());
        List<MutableItem> above = getAll("get with minSeq 6", dht, query(key, bytes("s"), 6));
        assertEquals(List.of(), above, "a get with minSeq 6 over stored seq 5 must deliver nothing (MutableQuery"
                + ".minSeq: lower seqs are not delivered; BEP44 get's seq); delivered seqs " + seqs(above));
        List<MutableItem> from = getAll("get with minSeq 5", dht, query(key, bytes("s"), 5));
        assertEquals(List.of(five), from, "a get with minSeq 5 over stored seq 5 must deliver it (minSeq is the lowest"
                + " seq wanted); delivered seqs " + seqs(from));
    }

    @Test
    void compareAndSwapMustMatchTheStoredSeq() {
        Dht dht = startedDht();
        SigningKeyPair key = network.signing().generate();
        put("put seq 1 to an empty slot must be acknowledged", dht, MutableItem.sign(key, bytes("s"), 1, bytes("one")),
                OptionalLong.empty());
        Outcomes.refusal("put seq 2 with cas 0 over stored seq 1 must fail with CAS_MISMATCH (BEP44 301)",
                dht.putMutable(MutableItem.sign(key, bytes("s"), 2, bytes("two")), OptionalLong.of(0)),
                Reason.CAS_MISMATCH, operationTimeout());
        MutableItem two = MutableItem.sign(key, bytes("s"), 2, bytes("two"));
        put("put seq 2 with cas 1 over stored seq 1 must be acknowledged", dht, two, OptionalLong.of(1));
        List<MutableItem> found = getAll("get after the swap", dht, query(key, bytes("s")));
        assertTrue(found.contains(two), "after put seq 2 with cas 1 over seq 1, a get must deliver seq 2; delivered "
                + "seqs " + seqs(found));
    }

    @Test
    void compareAndSwapOnAnEmptySlotStores() {
        Dht dht = startedDht();
        SigningKeyPair key = network.signing().generate();
        MutableItem first = MutableItem.sign(key, bytes("s"), 1, bytes("first"));
        // BEP44's cas compares with the seq of the item stored; where none is, there is nothing to mismatch (the
        // mainline provider's store and libtorrent's both store the item).
        put("put seq 1 with cas 7 to a slot where nothing is stored must be acknowledged", dht, first,
                OptionalLong.of(7));
        List<MutableItem> found = getAll("get after a cas put to an empty slot", dht, query(key, bytes("s")));
        assertEquals(List.of(first), found, "after put seq 1 with cas 7 to an empty slot, a get must deliver it");
    }

    @Test
    void sizeLimitsAreBep44s() {
        Dht dht = startedDht();
        SigningKeyPair key = network.signing().generate();
        byte[] longestSalt = new byte[Bep44.MAX_SALT_LENGTH];
        byte[] longestValue = new byte[Bep44.MAX_VALUE_LENGTH];
        longestValue[0] = 7;
        MutableItem biggest = MutableItem.sign(key, longestSalt, 1, longestValue);
        put("put of a " + Bep44.MAX_VALUE_LENGTH + "-byte value with a " + Bep44.MAX_SALT_LENGTH
                + "-byte salt (BEP44's limits) must be acknowledged", dht, biggest, OptionalLong.empty());
        List<MutableItem> found = getAll("get of the largest item", dht, query(key, longestSalt));
        assertEquals(1, found.size(), "a get of the largest item BEP44 allows must deliver it once, delivered "
                + found.size());
        assertArrayEquals(longestValue, found.get(0).value(), "the largest value must come back unchanged");
        // Larger items cannot even be built, so no provider can be handed one.
        assertThrows(IllegalArgumentException.class,
                () -> MutableItem.sign(key, new byte[0], 1, new byte[Bep44.MAX_VALUE_LENGTH + 1]));
        assertThrows(IllegalArgumentException.class,
                () -> MutableItem.sign(key, new byte[Bep44.MAX_SALT_LENGTH + 1], 1, bytes("v")));
    }

    @Test
    void severalWritersOfOneSlotAreAllVisible() {
        int writers = writerCapacity();
        assertTrue(writers >= 2, "writerCapacity() must be at least 2, is " + writers);
        SigningKeyPair slot = network.signing().generate();
        Set<MutableItem> written = new HashSet<>();
        for (int i = 0; i < writers; i++) {
            Dht writer = startedDht();
            MutableItem item = MutableItem.sign(slot, bytes("shared"), 0, bytes("writer " + i));
            put("put seq 0 by writer " + i + " of " + writers + " to one slot must be acknowledged", writer, item,
                    OptionalLong.empty());
            written.add(item);
        }
        Dht reader = startedDht();
        Set<MutableItem> found = new HashSet<>(getAll("get of the shared slot", reader, query(slot, bytes("shared"))));
        assertEquals(written, found, writers + " writers (DHTs) each put seq 0 with its own value to one slot: a get "
                + "must deliver all " + writers + " (writerCapacity()), delivered " + found.size());
    }

    @Test
    void concurrentPutsToOneSlotKeepTheHighestSeq() throws InterruptedException {
        List<Dht> writers = List.of(startedDht(), startedDht());
        SigningKeyPair key = network.signing().generate();
        List<Long> order = new ArrayList<>();
        for (long seq = 1; seq <= CONCURRENT_PUTS; seq++) {
            order.add(seq);
        }
        Collections.shuffle(order);
        // calls[seq]: the future putMutable returned for that seq
        AtomicReferenceArray<CompletableFuture<PutSummary>> calls = new AtomicReferenceArray<>(CONCURRENT_PUTS + 1);
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (long seq : order) {
            Dht writer = writers.get(threads.size() % writers.size());
            MutableItem item = MutableItem.sign(key, bytes("s"), seq, bytes("seq " + seq));
            Thread thread = new Thread(() -> {
                try {
                    go.await();
                    calls.set((int) seq, writer.putMutable(item));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (RuntimeException e) {
                    calls.set((int) seq, CompletableFuture.failedFuture(e));
                }
            }, "tck-dht-writer-" + seq);
            threads.add(thread);
            thread.start();
        }
        go.countDown();
        for (Thread thread : threads) {
            thread.join(promptTimeout().toMillis());
            assertTrue(!thread.isAlive(), "putMutable must not block its caller: " + thread.getName()
                    + " still in it after " + promptTimeout().toMillis() + " ms");
        }
        String puts = CONCURRENT_PUTS + " concurrent puts of seq 1.." + CONCURRENT_PUTS + " (in the order " + order
                + ", from 2 DHTs) to one slot";
        for (long seq = 1; seq < CONCURRENT_PUTS; seq++) {
            String rule = "of " + puts + ", seq " + seq + " must be acknowledged or fail with SEQ_TOO_OLD";
            Outcomes.ending(rule, calls.get((int) seq), operationTimeout()).ifPresent(failure -> {
                if (!(failure instanceof DhtException refused && refused.reason() == Reason.SEQ_TOO_OLD)) {
                    throw new AssertionError(rule + ", failed with " + Outcomes.describe(failure), failure);
                }
            });
        }
        acknowledged("of " + puts + ", the highest, seq " + CONCURRENT_PUTS + ", must be acknowledged (nothing higher "
                + "exists)", calls.get(CONCURRENT_PUTS));
        List<MutableItem> found = getAll("get after the concurrent puts", startedDht(), query(key, bytes("s")));
        assertTrue(found.stream().anyMatch(item -> item.seq() == CONCURRENT_PUTS), "after " + puts + ", a get must "
                + "deliver seq " + CONCURRENT_PUTS + " (no put may replace a higher seq); delivered seqs "
                + seqs(found));
    }

    @Test
    void itemsAreStreamedBeforeTheLookupCompletes() {
        Dht dht = startedDht();
        SigningKeyPair key = network.signing().generate();
        put("put seq 1 to an empty slot must be acknowledged", dht, MutableItem.sign(key, bytes("s"), 1, bytes("v")),
                OptionalLong.empty());
        AtomicBoolean completed = new AtomicBoolean();
        List<Boolean> completedWhenDelivered = new CopyOnWriteArrayList<>();
        CompletableFuture<LookupSummary> lookup = dht.getMutable(query(key, bytes("s")),
                item -> completedWhenDelivered.add(completed.get()));
        lookup.whenComplete((s, e) -> completed.set(true));
        LookupSummary summary = Outcomes.success("a get of a stored item must complete", lookup, operationTimeout());
        assertEquals(1, summary.itemsDelivered(), "a get of one stored item must deliver 1, summary " + summary);
        assertEquals(List.of(false), completedWhenDelivered,
                "the item must be handed to onItem before the lookup's future completes");
    }

    @Test
    void lookupTimeoutIsHonoured() {
        Dht dht = startedDht();
        SigningKeyPair key = network.signing().generate();
        put("put seq 1 to an empty slot must be acknowledged", dht, MutableItem.sign(key, bytes("s"), 1, bytes("v")),
                OptionalLong.empty());
        Duration slow = operationTimeout().multipliedBy(10);
        assumeTrue(network.slowDown(slow), "skipped: Network.slowDown returned false, so a lookup that ends at its own "
                + "timeout cannot be told from one that ends with its answers; implement slowDown to run this check");
        List<MutableItem> items = new CopyOnWriteArrayList<>();
        Duration timeout = Duration.ofMillis(200);
        MutableQuery quick = MutableQuery.of(key.publicKey(), bytes("s"), OptionalLong.empty(), timeout);
        LookupSummary summary = Outcomes.success("a get with a " + timeout.toMillis() + " ms timeout, over a network "
                + "slowed to " + slow.toSeconds() + " s per message, must complete when its timeout passes",
                dht.getMutable(quick, items::add), timeout.plus(promptTimeout()));
        assertEquals(List.of(), items, "no answer can arrive within a lookup's 200 ms over a network slowed to "
                + slow.toSeconds() + " s per message, yet items were delivered");
        assertEquals(0, summary.itemsDelivered(), "the summary of a lookup that delivered nothing: " + summary);
    }

    @Test
    void callsBeforeStartAreRefused() {
        Dht dht = network.newDht();
        SigningKeyPair key = network.signing().generate();
        Outcomes.refusal("get before start() must fail with CLOSED", dht.getMutable(query(key, bytes("s")), item -> {}),
                Reason.CLOSED, promptTimeout());
        Outcomes.refusal("put before start() must fail with CLOSED",
                dht.putMutable(MutableItem.sign(key, bytes("s"), 1, bytes("v"))), Reason.CLOSED, promptTimeout());
    }

    @Test
    void createAllocatesNothing() {
        JvmResources.Snapshot before = JvmResources.take();
        network.newDht();
        List<String> allocated = JvmResources.newSince(before);
        assertEquals(List.of(), allocated, "DhtProvider.create must allocate nothing (no thread, no socket) until "
                + "start(); after create() there are new");
    }

    @Test
    void aSecondStartChangesNothing() {
        Dht dht = startedDht();
        SigningKeyPair key = network.signing().generate();
        JvmResources.Snapshot before = JvmResources.take();
        CompletableFuture<Void> again = dht.start();
        String rule = "start() of a DHT already started must complete at once, normally or failing with "
                + "IllegalStateException";
        Outcomes.ending(rule, again, promptTimeout()).ifPresent(failure -> {
            if (!(failure instanceof IllegalStateException)) {
                throw new AssertionError(rule + ", failed with " + Outcomes.describe(failure), failure);
            }
        });
        assertEquals(List.of(), JvmResources.newSince(before),
                "a second start() must not start a second node (no new thread or socket); there are new");
        MutableItem item = MutableItem.sign(key, bytes("s"), 1, bytes("after a second start"));
        put("after a second start(), put seq 1 to an empty slot must still be acknowledged", dht, item,
                OptionalLong.empty());
        assertEquals(List.of(item), getAll("get after a second start()", dht, query(key, bytes("s"))),
                "after a second start(), a get must still deliver the item put");
    }

    @Test
    void closedDhtRefusesCallsAndFreesItsResources() {
        JvmResources.Snapshot before = JvmResources.take();
        Dht dht = startedDht();
        SigningKeyPair key = network.signing().generate();
        put("put seq 1 to an empty slot must be acknowledged", dht, MutableItem.sign(key, bytes("s"), 1, bytes("v")),
                OptionalLong.empty());
        dht.close();
        dht.close(); // idempotent
        JvmResources.awaitReleased(before, promptTimeout(),
                "close() must stop every thread and close every socket its DHT started (Dht: close releases every "
                        + "socket and thread)");
        Outcomes.refusal("get after close() must fail with CLOSED", dht.getMutable(query(key, bytes("s")), item -> {}),
                Reason.CLOSED, promptTimeout());
        Outcomes.refusal("put after close() must fail with CLOSED",
                dht.putMutable(MutableItem.sign(key, bytes("s"), 2, bytes("v"))), Reason.CLOSED, promptTimeout());
        Outcomes.refusal("start() after close() must fail with CLOSED", dht.start(), Reason.CLOSED, promptTimeout());
        assertEquals(List.of(), JvmResources.newSince(before),
                "calls on a closed DHT must not start anything again; there are new");
    }

    @Test
    void closingFailsCallsInFlight() {
        Dht dht = startedDht();
        SigningKeyPair key = network.signing().generate();
        Duration slow = operationTimeout().multipliedBy(10);
        assumeTrue(network.slowDown(slow), "skipped: Network.slowDown returned false, so no call can be held in flight "
                + "while the DHT closes; implement slowDown to run this check");
        CompletableFuture<LookupSummary> get = dht.getMutable(query(key, bytes("s")), item -> {});
        CompletableFuture<?> put = dht.putMutable(MutableItem.sign(key, bytes("s"), 1, bytes("v")));
        dht.close();
        Outcomes.refusal("a get in flight (network slowed to " + slow.toSeconds() + " s per message) when close() is "
                + "called must fail with CLOSED", get, Reason.CLOSED, promptTimeout());
        Outcomes.refusal("a put in flight (network slowed to " + slow.toSeconds() + " s per message) when close() is "
                + "called must fail with CLOSED", put, Reason.CLOSED, promptTimeout());
    }
}
