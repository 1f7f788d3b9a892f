package io.topictracker.tck;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.topictracker.api.dht.Bep44;
import io.topictracker.api.dht.Dht;
import io.topictracker.api.dht.DhtException;
import io.topictracker.api.dht.LookupSummary;
import io.topictracker.api.dht.MutableItem;
import io.topictracker.api.dht.MutableQuery;
import io.topictracker.api.signing.SigningKeyPair;
import io.topictracker.api.signing.SigningProvider;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of every {@link Dht} provider (BEP44 mutable items). A provider's test extends this class and
 * supplies a {@link Network} of connected DHTs; the contract runs the same checks against every provider.
 *
 * <p>Each test gets a fresh network from {@link #newNetwork()} and closes it afterwards. Waits are bounded by
 * {@link #operationTimeout()}; nothing is timed.
 */
public abstract class DhtContract {
    /** DHT nodes joined to one test network. Implementations close every DHT they made in {@link #close()}. */
    public interface Network extends AutoCloseable {
        /** @return a new DHT joined to this network, not yet started; never null */
        Dht newDht();

        /** @return the signing provider that makes test items, never null */
        SigningProvider signing();

        /**
         * Makes every later message take at least {@code delay}, so timeouts can be checked.
         *
         * @return false if the provider cannot (the tests that need it are then skipped)
         */
        default boolean slowDown(Duration delay) {
            return false;
        }

        /** Closes every DHT made and the network's resources. */
        @Override
        void close();
    }

    private Network network;

    /** @return a fresh network for one test, never null */
    protected abstract Network newNetwork();

    /** @return how many writers of one slot a get is guaranteed to see; at least 2 */
    protected int writerCapacity() {
        return 3;
    }

    /** @return prefixes of the names of threads the provider starts; none may remain after close */
    protected Collection<String> providerThreadNamePrefixes() {
        return List.of();
    }

    /** @return the bound on every wait */
    protected Duration operationTimeout() {
        return Duration.ofSeconds(30);
    }

    /** @return the timeout lookups use */
    protected Duration lookupTimeout() {
        return Duration.ofSeconds(10);
    }

    @BeforeEach
    void openNetwork() {
        network = newNetwork();
    }

    @AfterEach
    void closeNetwork() {
        network.close();
    }

    /** @return the test's network, never null */
    protected final Network network() {
        return network;
    }

    /** @return a new started DHT of the test's network */
    protected final Dht startedDht() {
        Dht dht = network.newDht();
        Await.result(dht.start(), operationTimeout());
        return dht;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private MutableQuery query(SigningKeyPair key, byte[] salt) {
        return MutableQuery.of(key.publicKey(), salt, OptionalLong.empty(), lookupTimeout());
    }

    private List<MutableItem> getAll(Dht dht, MutableQuery query) {
        List<MutableItem> items = new CopyOnWriteArrayList<>();
        LookupSummary summary = Await.result(dht.getMutable(query, items::add), operationTimeout());
        assertEquals(items.size(), summary.itemsDelivered(), "summary counts the items delivered");
        return items;
    }

    private DhtException.Reason refusal(CompletableFuture<?> call) {
        Throwable failure = Await.failure(call, operationTimeout());
        return assertInstanceOf(DhtException.class, failure, "fails with DhtException").reason();
    }

    @Test
    void putThenGetRoundTrips() {
        Dht writer = startedDht();
        Dht reader = startedDht();
        SigningKeyPair key = network.signing().generate();
        MutableItem item = MutableItem.sign(key, bytes("salt"), 1, bytes("hello"));
        assertTrue(Await.result(writer.putMutable(item), operationTimeout()).acknowledged() >= 1);
        assertEquals(List.of(item), getAll(reader, query(key, bytes("salt"))));
    }

    @Test
    void saltIsolatesItems() {
        Dht dht = startedDht();
        SigningKeyPair key = network.signing().generate();
        MutableItem a = MutableItem.sign(key, bytes("a"), 1, bytes("value a"));
        Await.result(dht.putMutable(a), operationTimeout());
        assertEquals(List.of(), getAll(dht, query(key, bytes("b"))));
        assertEquals(List.of(), getAll(dht, query(key, new byte[0])));
        assertEquals(List.of(a), getAll(dht, query(key, bytes("a"))));
    }

    @Test
    void tamperedSignatureIsRefusedAndNotStored() {
        Dht dht = startedDht();
        SigningKeyPair key = network.signing().generate();
        MutableItem good = MutableItem.sign(key, bytes("s"), 1, bytes("value"));
        byte[] signature = good.signature();
        signature[10] ^= 1;
        MutableItem bad = MutableItem.of(key.publicKey(), bytes("s"), 1, bytes("value"), signature);
        assertEquals(DhtException.Reason.INVALID_SIGNATURE, refusal(dht.putMutable(bad)));
        MutableItem otherValue = MutableItem.of(key.publicKey(), bytes("s"), 1, bytes("other"), good.signature());
        assertEquals(DhtException.Reason.INVALID_SIGNATURE, refusal(dht.putMutable(otherValue)));
        assertEquals(List.of(), getAll(dht, query(key, bytes("s"))));
    }

    @Test
    void lowerSeqIsRefusedAndHigherReplaces() {
        Dht dht = startedDht();
        SigningKeyPair key = network.signing().generate();
        Await.result(dht.putMutable(MutableItem.sign(key, bytes("s"), 5, bytes("five"))), operationTimeout());
        assertEquals(DhtException.Reason.SEQ_TOO_OLD,
                refusal(dht.putMutable(MutableItem.sign(key, bytes("s"), 3, bytes("three")))));
        MutableItem six = MutableItem.sign(key, bytes("s"), 6, bytes("six"));
        Await.result(dht.putMutable(six), operationTimeout());
        List<MutableItem> found = getAll(dht, query(key, bytes("s")));
        assertTrue(found.contains(six), "the higher seq is stored: " + found);
        assertTrue(found.stream().noneMatch(i -> i.seq() == 3), "the refused item is not stored: " + found);
        List<MutableItem> fromSix = new ArrayList<>();
        Await.result(dht.getMutable(MutableQuery.of(key.publicKey(), bytes("s"), OptionalLong.of(6), lookupTimeout()),
                fromSix::add), operationTimeout());
        assertTrue(fromSix.stream().allMatch(i -> i.seq() >= 6), "minSeq filters older items: " + fromSix);
    }

    @Test
    void compareAndSwapMustMatchTheStoredSeq() {
        Dht dht = startedDht();
        SigningKeyPair key = network.signing().generate();
        Await.result(dht.putMutable(MutableItem.sign(key, bytes("s"), 1, bytes("one"))), operationTimeout());
        assertEquals(DhtException.Reason.CAS_MISMATCH,
                refusal(dht.putMutable(MutableItem.sign(key, bytes("s"), 2, bytes("two")), OptionalLong.of(0))));
        MutableItem two = MutableItem.sign(key, bytes("s"), 2, bytes("two"));
        Await.result(dht.putMutable(two, OptionalLong.of(1)), operationTimeout());
        assertTrue(getAll(dht, query(key, bytes("s"))).contains(two));
    }

    @Test
    void sizeLimitsAreBep44s() {
        Dht dht = startedDht();
        SigningKeyPair key = network.signing().generate();
        byte[] longestSalt = new byte[Bep44.MAX_SALT_LENGTH];
        byte[] longestValue = new byte[Bep44.MAX_VALUE_LENGTH];
        longestValue[0] = 7;
        MutableItem biggest = MutableItem.sign(key, longestSalt, 1, longestValue);
        Await.result(dht.putMutable(biggest), operationTimeout());
        List<MutableItem> found = getAll(dht, query(key, longestSalt));
        assertEquals(1, found.size());
        assertArrayEquals(longestValue, found.get(0).value());
        // Larger items cannot even be built, so no provider can be handed one.
        assertThrows(IllegalArgumentException.class,
                () -> MutableItem.sign(key, new byte[0], 1, new byte[Bep44.MAX_VALUE_LENGTH + 1]));
        assertThrows(IllegalArgumentException.class,
                () -> MutableItem.sign(key, new byte[Bep44.MAX_SALT_LENGTH + 1], 1, bytes("v")));
    }

    @Test
    void severalWritersOfOneSlotAreAllVisible() {
        int writers = writerCapacity();
        SigningKeyPair slot = network.signing().generate();
        Set<MutableItem> written = new HashSet<>();
        for (int i = 0; i < writers; i++) {
            Dht writer = startedDht();
            MutableItem item = MutableItem.sign(slot, bytes("shared"), 0, bytes("writer " + i));
            Await.result(writer.putMutable(item), operationTimeout());
            written.add(item);
        }
        Dht reader = startedDht();
        assertEquals(written, new HashSet<>(getAll(reader, query(slot, bytes("shared")))));
    }

    @Test
    void itemsAreStreamedBeforeTheLookupCompletes() {
        Dht dht = startedDht();
        SigningKeyPair key = network.signing().generate();
        Await.result(dht.putMutable(MutableItem.sign(key, bytes("s"), 1, bytes("v"))), operationTimeout());
        AtomicBoolean completed = new AtomicBoolean();
        List<Boolean> completedWhenDelivered = new CopyOnWriteArrayList<>();
        CompletableFuture<LookupSummary> lookup = dht.getMutable(query(key, bytes("s")),
                item -> completedWhenDelivered.add(completed.get()));
        lookup.whenComplete((s, e) -> completed.set(true));
        LookupSummary summary = Await.result(lookup, operationTimeout());
        assertEquals(1, summary.itemsDelivered());
        assertEquals(List.of(false), completedWhenDelivered, "the item came before completion");
    }

    @Test
    void lookupTimeoutIsHonoured() {
        Dht dht = startedDht();
        SigningKeyPair key = network.signing().generate();
        Await.result(dht.putMutable(MutableItem.sign(key, bytes("s"), 1, bytes("v"))), operationTimeout());
        assumeTrue(network.slowDown(operationTimeout().multipliedBy(10)), "provider cannot slow its network down");
        List<MutableItem> items = new CopyOnWriteArrayList<>();
        MutableQuery quick = MutableQuery.of(key.publicKey(), bytes("s"), OptionalLong.empty(), Duration.ofMillis(200));
        // The network takes 10 × operationTimeout per message; the lookup must end at its own timeout instead.
        LookupSummary summary = Await.result(dht.getMutable(quick, items::add), operationTimeout());
        assertEquals(0, summary.itemsDelivered());
        assertEquals(List.of(), items);
    }

    @Test
    void callsBeforeStartAreRefused() {
        Dht dht = network.newDht();
        SigningKeyPair key = network.signing().generate();
        assertEquals(DhtException.Reason.CLOSED, refusal(dht.getMutable(query(key, bytes("s")), item -> {})));
        assertEquals(DhtException.Reason.CLOSED,
                refusal(dht.putMutable(MutableItem.sign(key, bytes("s"), 1, bytes("v")))));
    }

    @Test
    void closedDhtRefusesCallsAndFreesItsResources() {
        Dht dht = startedDht();
        SigningKeyPair key = network.signing().generate();
        dht.close();
        dht.close(); // idempotent
        assertEquals(DhtException.Reason.CLOSED, refusal(dht.getMutable(query(key, bytes("s")), item -> {})));
        assertEquals(DhtException.Reason.CLOSED,
                refusal(dht.putMutable(MutableItem.sign(key, bytes("s"), 1, bytes("v")))));
        assertEquals(DhtException.Reason.CLOSED, refusal(dht.start()));
        Await.until(operationTimeout(), "no provider thread remains", () -> Thread.getAllStackTraces().keySet()
                .stream().filter(Thread::isAlive)
                .noneMatch(t -> providerThreadNamePrefixes().stream().anyMatch(p -> t.getName().startsWith(p))));
    }

    @Test
    void closingFailsCallsInFlight() {
        Dht dht = startedDht();
        SigningKeyPair key = network.signing().generate();
        assumeTrue(network.slowDown(operationTimeout().multipliedBy(10)), "provider cannot slow its network down");
        CompletableFuture<LookupSummary> get = dht.getMutable(query(key, bytes("s")), item -> {});
        CompletableFuture<?> put = dht.putMutable(MutableItem.sign(key, bytes("s"), 1, bytes("v")));
        dht.close();
        assertEquals(DhtException.Reason.CLOSED, refusal(get));
        assertEquals(DhtException.Reason.CLOSED, refusal(put));
    }
}
