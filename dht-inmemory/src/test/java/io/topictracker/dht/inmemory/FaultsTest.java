package io.topictracker.dht.inmemory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.topictracker.api.dht.DhtException;
import io.topictracker.api.dht.MutableItem;
import io.topictracker.api.dht.MutableQuery;
import io.topictracker.api.signing.SigningKeyPair;
import io.topictracker.tck.Await;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FaultsTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private final TestNetwork net = new TestNetwork();
    private final SigningKeyPair slot = TestNetwork.SIGNING.generate();
    private final byte[] salt = "slot".getBytes(StandardCharsets.UTF_8);

    @AfterEach
    void close() {
        net.close();
    }

    private InMemoryDht started(String name) {
        InMemoryDht dht = net.named(name);
        Await.result(dht.start(), WAIT);
        return dht;
    }

    private MutableItem item(String value) {
        return MutableItem.sign(slot, salt, 0, value.getBytes(StandardCharsets.UTF_8));
    }

    private Set<MutableItem> get(InMemoryDht dht) {
        List<MutableItem> items = new CopyOnWriteArrayList<>();
        Await.result(dht.getMutable(MutableQuery.of(slot.publicKey(), salt, OptionalLong.empty(), Duration.ofSeconds(10)),
                items::add), WAIT);
        return new HashSet<>(items);
    }

    @Test
    void partitionHidesTheOtherSideUntilHealed() {
        // Join order fixes the places each node puts to: c 0-7, a 1-8, b 2-9. After c's put, a's free place is 8
        // and b's are 8 and 9; at place 8, written on both sides, healing keeps the first group's (a's) value.
        InMemoryDht c = started("c"); // in no group: the rest of the network
        InMemoryDht a = started("a");
        InMemoryDht b = started("b");
        MutableItem before = item("before");
        Await.result(c.putMutable(before), WAIT);

        net.network.faults().partition(Set.of("a"), Set.of("b"));
        MutableItem fromA = item("from a");
        MutableItem fromB = item("from b");
        Await.result(a.putMutable(fromA), WAIT);
        Await.result(b.putMutable(fromB), WAIT);
        assertEquals(Set.of(before, fromA), get(a), "a sees the old value and its own");
        assertEquals(Set.of(before, fromB), get(b), "b sees the old value and its own");
        assertEquals(Set.of(before), get(c), "the rest sees neither");

        net.network.faults().heal();
        Set<MutableItem> all = Set.of(before, fromA, fromB);
        assertEquals(all, get(a), "after healing every writer is visible");
        assertEquals(all, get(b));
        assertEquals(all, get(c));
    }

    @Test
    void failingPutsFailWithUnreachableThenRecover() {
        InMemoryDht a = started("a");
        net.network.faults().failNextPuts(2);
        for (int i = 0; i < 2; i++) {
            Throwable failure = Await.failure(a.putMutable(item("v")), WAIT);
            assertEquals(DhtException.Reason.UNREACHABLE, assertInstanceOf(DhtException.class, failure).reason());
        }
        Await.result(a.putMutable(item("v")), WAIT);
        assertEquals(Set.of(item("v")), get(a));
    }

    @Test
    void totalLossMakesPutsUnreachableAndGetsEmpty() {
        InMemoryDht a = started("a");
        Await.result(a.putMutable(item("v")), WAIT);
        net.network.faults().loss(1.0);
        Throwable failure = Await.failure(a.putMutable(item("w")), WAIT);
        assertEquals(DhtException.Reason.UNREACHABLE, assertInstanceOf(DhtException.class, failure).reason());
        assertEquals(Set.of(), get(a));
        net.network.faults().clear();
        assertEquals(Set.of(item("v")), get(a));
    }

    @Test
    void partialLossIsDeterministicFromTheSeed() {
        assertEquals(lossyRun(), lossyRun());
    }

    private List<Integer> lossyRun() {
        try (TestNetwork lossy = new TestNetwork(new InMemoryNetwork.Options(20, 8, 42L, 1000))) {
            lossy.network.faults().loss(0.5);
            InMemoryDht dht = lossy.newDht();
            Await.result(dht.start(), WAIT);
            List<Integer> acks = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                MutableItem it = MutableItem.sign(slot, salt, i, new byte[] {(byte) i});
                try {
                    acks.add(Await.result(dht.putMutable(it), WAIT).acknowledged());
                } catch (AssertionError e) {
                    acks.add(-1);
                }
            }
            return acks;
        }
    }

    @Test
    void latencyDelaysAndCancellingFreesTheOperation() {
        InMemoryDht a = started("a");
        net.network.faults().latency(Duration.ofMinutes(10), Duration.ZERO);
        var put = a.putMutable(item("v"));
        assertEquals(1, net.network.pendingOperations());
        put.cancel(true);
        Await.until(WAIT, "the cancelled put is no longer pending", () -> net.network.pendingOperations() == 0);
        assertEquals(0, net.scheduler.getQueue().size(), "its scheduled task is removed");
    }

    @Test
    void badProbabilitiesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> net.network.faults().loss(1.5));
        assertThrows(IllegalArgumentException.class, () -> net.network.faults().putFailure(-0.1));
        assertThrows(IllegalArgumentException.class,
                () -> net.network.faults().latency(Duration.ofMillis(-1), Duration.ZERO));
    }
}
