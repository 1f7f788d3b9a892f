package io.topictracker.dht.inmemory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.api.PeerAddress;
import io.topictracker.api.PeerInfo;
import io.topictracker.api.TopicId;
import io.topictracker.api.dht.DhtException;
import io.topictracker.api.dht.MutableItem;
import io.topictracker.api.signing.SigningKeyPair;
import io.topictracker.engine.records.Record;
import io.topictracker.engine.records.RecordContent;
import io.topictracker.engine.records.RecordException;
import io.topictracker.engine.records.RecordPublisher;
import io.topictracker.engine.records.RecordSealer;
import io.topictracker.engine.records.SecretRotation;
import io.topictracker.engine.records.SlotDerivation;
import io.topictracker.engine.records.SlotKeys;
import io.topictracker.engine.records.SlotRecords;
import io.topictracker.engine.records.TopicKeys;
import io.topictracker.tck.Await;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The engine's RecordPublisher on the in-memory DHT with injected faults. It lives here, not in the engine, because
 * the engine cannot depend on a provider even in tests (this module's tests already use the engine's signer).
 */
class RecordPublisherOnInMemoryTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final TopicId TOPIC = TopicId.fromName("publisher-test");
    private static final long MINUTE = 29_000_000L;
    private static final RecordPublisher.Settings FAST = new RecordPublisher.Settings(3, Duration.ofMillis(5),
            Duration.ofMillis(10), Duration.ofSeconds(10), Duration.ofSeconds(10), 5);

    private final TestNetwork net = new TestNetwork();
    private final TopicKeys keys = keys("secret");

    @AfterEach
    void close() {
        net.close();
    }

    private static TopicKeys keys(String secret) {
        return new TopicKeys(TOPIC, SlotDerivation.initialSecretHash(secret.getBytes(StandardCharsets.UTF_8)),
                SecretRotation.standard(), TestNetwork.SIGNING);
    }

    private RecordPublisher publisher(SigningKeyPair self, RecordPublisher.Settings settings) {
        InMemoryDht dht = net.newDht();
        Await.result(dht.start(), WAIT);
        return publisher(dht, self, settings, keys);
    }

    private RecordPublisher publisher(InMemoryDht dht, SigningKeyPair self, RecordPublisher.Settings settings,
            TopicKeys topicKeys) {
        return new RecordPublisher(dht, topicKeys, self.peerId(), settings, net.scheduler, new Random(7),
                new RecordSealer(new SecureRandom()));
    }

    private static Record record(SigningKeyPair publisher, int port) {
        return Record.sign(TOPIC, MINUTE, publisher, RecordContent.of(List.of(PeerAddress.of("tcp", "10.0.0.1", port))));
    }

    private static DhtException.Reason reasonOf(CompletableFuture<?> future) {
        return assertInstanceOf(DhtException.class, Await.failure(future, WAIT)).reason();
    }

    @Test
    void publishedRecordsAreReadByOthersButNotByTheirPublisher() {
        SigningKeyPair alice = TestNetwork.SIGNING.generate();
        SigningKeyPair bob = TestNetwork.SIGNING.generate();
        RecordPublisher a = publisher(alice, FAST);
        RecordPublisher b = publisher(bob, FAST);
        Record fromAlice = record(alice, 4000);
        Record fromBob = record(bob, 4001);
        assertEquals(RecordPublisher.Outcome.PUBLISHED, Await.result(a.publish(fromAlice, List.of()), WAIT));
        assertEquals(RecordPublisher.Outcome.PUBLISHED, Await.result(b.publish(fromBob, List.of()), WAIT));

        assertEquals(List.of(fromAlice), Await.result(b.records(MINUTE), WAIT));
        assertEquals(List.of(fromBob), Await.result(a.records(MINUTE), WAIT));
        assertEquals(1, a.stats().own());
        assertEquals(List.of(), Await.result(a.records(MINUTE + 1), WAIT), "another minute is another slot");
    }

    @Test
    void onePublisherYieldsOneRecordAndBadValuesAreCountedNotThrown() {
        SigningKeyPair alice = TestNetwork.SIGNING.generate();
        // Alice's record reaches the slot through two nodes, with different content each time.
        Await.result(publisher(alice, FAST).publish(record(alice, 4000), List.of()), WAIT);
        Await.result(publisher(alice, FAST).publish(record(alice, 4001), List.of()), WAIT);
        // A value sealed with another secret, and junk signed with the (public) slot key.
        SigningKeyPair mallory = TestNetwork.SIGNING.generate();
        InMemoryDht malloryDht = net.newDht();
        Await.result(malloryDht.start(), WAIT);
        Await.result(publisher(malloryDht, mallory, FAST, keys("other secret"))
                .publish(record(mallory, 4002), List.of()), WAIT);
        SlotKeys slot = keys.slot(MINUTE);
        InMemoryDht junkDht = net.newDht();
        Await.result(junkDht.start(), WAIT);
        Await.result(junkDht.putMutable(MutableItem.sign(slot.slotKeyPair(), slot.salt(), RecordPublisher.SEQ,
                new byte[] {1, 2, 3})), WAIT);

        RecordPublisher reader = publisher(TestNetwork.SIGNING.generate(), FAST);
        List<Record> found = Await.result(reader.records(MINUTE), WAIT);
        assertEquals(1, found.size(), "one record per publisher: " + found);
        assertEquals(alice.peerId(), found.get(0).publisher());
        RecordPublisher.Stats stats = reader.stats();
        assertEquals(2, stats.accepted());
        assertEquals(1, stats.rejected().get(RecordException.Reason.DECRYPT_FAILED));
        assertEquals(1, stats.rejected().get(RecordException.Reason.TRUNCATED));
        assertEquals(2, stats.rejectedTotal());
    }

    /** @return a record of {@code publisher} naming one neighbour, as a publisher in an overlay writes */
    private static Record withNeighbour(SigningKeyPair publisher, int port) {
        PeerInfo neighbour = new PeerInfo(TestNetwork.SIGNING.generate().peerId(),
                List.of(PeerAddress.of("tcp", "10.0.0.2", port)));
        return Record.sign(TOPIC, MINUTE, publisher, new RecordContent(List.of(PeerAddress.of("tcp", "10.0.0.1",
                port)), List.of(neighbour), List.of()));
    }

    /** @return five records of other publishers: a full slot at the default {@code max_bootstrap_records} */
    private static List<Record> fullSlot() {
        return List.of(1, 2, 3, 4, 5).stream().map(i -> record(TestNetwork.SIGNING.generate(), 5000 + i)).toList();
    }

    @Test
    void aFullSlotIsNotWrittenAgain() {
        SigningKeyPair self = TestNetwork.SIGNING.generate();
        RecordPublisher publisher = publisher(self, FAST);
        List<Record> cached = fullSlot();
        assertEquals(RecordPublisher.Outcome.SKIPPED_SLOT_FULL,
                Await.result(publisher.publish(withNeighbour(self, 4000), cached), WAIT));
        assertEquals(0, net.network.putsReceived(), "nothing was put");
        assertEquals(RecordPublisher.Outcome.PUBLISHED,
                Await.result(publisher.publish(withNeighbour(self, 4000), cached.subList(0, 4)), WAIT));
        assertEquals(1, net.network.putsReceived());
    }

    /**
     * A publisher with no neighbours that asks peers to dial it is put even into a full slot: when NATs drop its
     * dials, its record (and the requests it carries) is the only way anyone learns of it (PROTOCOL.md §3). A
     * newcomer's first record, which asks nothing yet, still respects the limit.
     */
    @Test
    void theRecordOfAPublisherAloneThatAsksToBeDialledGoesEvenIntoAFullSlot() {
        SigningKeyPair self = TestNetwork.SIGNING.generate();
        RecordPublisher publisher = publisher(self, FAST);
        List<Record> cached = fullSlot();
        assertEquals(RecordPublisher.Outcome.SKIPPED_SLOT_FULL,
                Await.result(publisher.publish(record(self, 4000), cached), WAIT), "alone, asking nothing");
        Record asking = Record.sign(TOPIC, MINUTE, self, new RecordContent(List.of(PeerAddress.of("tcp", "10.0.0.1",
                4000)), List.of(), List.of(), List.of(cached.get(0).publisher())));
        assertEquals(RecordPublisher.Outcome.PUBLISHED, Await.result(publisher.publish(asking, cached), WAIT));
        assertEquals(1, net.network.putsReceived());
    }

    @Test
    void aSlotThatHoldsOurRecordIsNotWrittenAgainAndOurRecordDoesNotCountAsAnothers() {
        SigningKeyPair self = TestNetwork.SIGNING.generate();
        RecordPublisher publisher = publisher(self, FAST);
        RecordPublisher other = publisher(TestNetwork.SIGNING.generate(), FAST);
        assertEquals(RecordPublisher.Outcome.PUBLISHED, Await.result(publisher.publish(record(self, 4000),
                Await.result(publisher.slot(MINUTE), WAIT)), WAIT));
        assertEquals(1, net.network.putsReceived());

        SlotRecords seen = Await.result(publisher.slot(MINUTE), WAIT);
        assertTrue(seen.holdsOurs(), "the lookup found our record");
        assertEquals(List.of(), seen.others(), "and does not count it among the others");
        assertEquals(RecordPublisher.Outcome.SKIPPED_ALREADY_IN_SLOT,
                Await.result(publisher.publish(record(self, 4001), seen), WAIT));
        assertEquals(1, net.network.putsReceived(), "a refresh of a record already in the slot is no put");
        assertFalse(Await.result(other.slot(MINUTE), WAIT).holdsOurs(),
                "to another publisher our record is one of the others");

        RecordPublisher.Stats stats = publisher.stats();
        assertEquals(1, stats.outcomes().get(RecordPublisher.Outcome.PUBLISHED));
        assertEquals(1, stats.outcomes().get(RecordPublisher.Outcome.SKIPPED_ALREADY_IN_SLOT));
        assertEquals(0, stats.outcomes().get(RecordPublisher.Outcome.SKIPPED_SLOT_FULL));
    }

    @Test
    void failedPutsAreRetriedUntilOneSucceeds() {
        SigningKeyPair self = TestNetwork.SIGNING.generate();
        RecordPublisher publisher = publisher(self, FAST);
        net.network.faults().failNextPuts(3);
        assertEquals(RecordPublisher.Outcome.PUBLISHED, Await.result(publisher.publish(record(self, 4000), List.of()), WAIT));
        assertEquals(4, net.network.putsReceived(), "first attempt and three retries");
    }

    @Test
    void afterTheLastRetryThePublishFails() {
        SigningKeyPair self = TestNetwork.SIGNING.generate();
        RecordPublisher publisher = publisher(self, FAST);
        net.network.faults().failNextPuts(10);
        assertEquals(DhtException.Reason.UNREACHABLE, reasonOf(publisher.publish(record(self, 4000), List.of())));
        assertEquals(4, net.network.putsReceived());
    }

    @Test
    void aPutOutlivingItsTimeoutIsCancelledAndRetried() {
        SigningKeyPair self = TestNetwork.SIGNING.generate();
        RecordPublisher.Settings quickTimeout = new RecordPublisher.Settings(1, Duration.ofMillis(5),
                Duration.ofMillis(5), Duration.ofSeconds(10), Duration.ofMillis(50), 5);
        RecordPublisher publisher = publisher(self, quickTimeout);
        net.network.faults().latency(Duration.ofMinutes(10), Duration.ZERO);
        assertEquals(DhtException.Reason.TIMEOUT, reasonOf(publisher.publish(record(self, 4000), List.of())));
        assertEquals(2, net.network.putsReceived(), "one attempt and one retry");
        Await.until(WAIT, "timed-out puts are no longer pending", () -> net.network.pendingOperations() == 0);
    }

    @Test
    void cancellingDuringARetryPauseStopsTheRetries() {
        SigningKeyPair self = TestNetwork.SIGNING.generate();
        RecordPublisher.Settings longPause = new RecordPublisher.Settings(3, Duration.ofMinutes(10),
                Duration.ofMillis(1), Duration.ofSeconds(10), Duration.ofSeconds(10), 5);
        RecordPublisher publisher = publisher(self, longPause);
        net.network.faults().failNextPuts(100);
        CompletableFuture<RecordPublisher.Outcome> publish = publisher.publish(record(self, 4000), List.of());
        Await.until(WAIT, "the first attempt failed and a retry is scheduled",
                () -> net.network.putsReceived() == 1 && net.network.pendingOperations() == 0
                        && net.scheduler.getQueue().size() == 1);
        assertTrue(publish.cancel(true));
        Await.until(WAIT, "the retry is unscheduled", () -> net.scheduler.getQueue().isEmpty());
        assertEquals(1, net.network.putsReceived());
    }

    @Test
    void cancellingStopsThePutInFlight() {
        SigningKeyPair self = TestNetwork.SIGNING.generate();
        RecordPublisher publisher = publisher(self, FAST);
        net.network.faults().latency(Duration.ofMinutes(10), Duration.ZERO);
        CompletableFuture<RecordPublisher.Outcome> publish = publisher.publish(record(self, 4000), List.of());
        assertEquals(1, net.network.pendingOperations());
        assertTrue(publish.cancel(true));
        Await.until(WAIT, "the DHT put is cancelled", () -> net.network.pendingOperations() == 0);
        Await.until(WAIT, "no timer remains", () -> net.scheduler.getQueue().isEmpty());
    }

    @Test
    void cancellingARecordsLookupCancelsTheGet() {
        RecordPublisher publisher = publisher(TestNetwork.SIGNING.generate(), FAST);
        net.network.faults().latency(Duration.ofMinutes(10), Duration.ZERO);
        CompletableFuture<List<Record>> records = publisher.records(MINUTE);
        assertEquals(1, net.network.pendingOperations());
        assertTrue(records.cancel(true));
        Await.until(WAIT, "the DHT get is cancelled", () -> net.network.pendingOperations() == 0);
    }

    @Test
    void retryPausesAreTheBaseIntervalPlusBoundedJitter() {
        SigningKeyPair self = TestNetwork.SIGNING.generate();
        Duration base = Duration.ofMillis(20);
        Duration jitter = Duration.ofMillis(30);
        RecordPublisher.Settings settings = new RecordPublisher.Settings(3, base, jitter, Duration.ofSeconds(10),
                Duration.ofMinutes(5), 5);
        List<Long> pauses = new java.util.concurrent.CopyOnWriteArrayList<>();
        // Records every delay asked for except the put timeout (5 min), i.e. the retry pauses.
        java.util.concurrent.ScheduledThreadPoolExecutor recording = new java.util.concurrent.ScheduledThreadPoolExecutor(1) {
            @Override
            public java.util.concurrent.ScheduledFuture<?> schedule(Runnable task, long delay,
                    java.util.concurrent.TimeUnit unit) {
                if (unit.toMinutes(delay) < 5) {
                    pauses.add(unit.toNanos(delay));
                }
                return super.schedule(task, delay, unit);
            }
        };
        try {
            InMemoryDht dht = net.newDht();
            Await.result(dht.start(), WAIT);
            RecordPublisher publisher = new RecordPublisher(dht, keys, self.peerId(), settings, recording,
                    new Random(7), new RecordSealer(new SecureRandom()));
            net.network.faults().failNextPuts(3);
            assertEquals(RecordPublisher.Outcome.PUBLISHED,
                    Await.result(publisher.publish(record(self, 4000), List.of()), WAIT));
        } finally {
            recording.shutdownNow();
        }
        assertEquals(3, pauses.size(), "one pause before each retry: " + pauses);
        for (long pause : pauses) {
            assertTrue(pause >= base.toNanos() && pause <= base.plus(jitter).toNanos(), "pause " + pause + " ns");
        }
        assertEquals(3, pauses.stream().distinct().count(), "jitter varies the pauses: " + pauses);
    }

    @Test
    void aSchedulerShutDownBeforeARetryFailsThePublishInsteadOfHanging() {
        SigningKeyPair self = TestNetwork.SIGNING.generate();
        java.util.concurrent.ScheduledThreadPoolExecutor publisherScheduler =
                new java.util.concurrent.ScheduledThreadPoolExecutor(1);
        InMemoryDht dht = net.newDht();
        Await.result(dht.start(), WAIT);
        RecordPublisher publisher = new RecordPublisher(dht, keys, self.peerId(), FAST, publisherScheduler,
                new Random(7), new RecordSealer(new SecureRandom()));
        publisherScheduler.shutdown();
        // The first put's timeout cannot even be scheduled: the publish fails at once with the scheduler's refusal.
        Throwable failure = Await.failure(publisher.publish(record(self, 4000), List.of()), WAIT);
        assertInstanceOf(java.util.concurrent.RejectedExecutionException.class, failure);
        Await.until(WAIT, "the put already issued is cancelled", () -> net.network.pendingOperations() == 0);
    }

    @Test
    void settingsAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> new RecordPublisher.Settings(-1, Duration.ZERO,
                Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(1), 5));
        assertThrows(IllegalArgumentException.class, () -> new RecordPublisher.Settings(1, Duration.ZERO,
                Duration.ZERO, Duration.ZERO, Duration.ofSeconds(1), 5));
        assertThrows(IllegalArgumentException.class, () -> new RecordPublisher.Settings(1, Duration.ZERO,
                Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(1), 0));
        assertEquals(3, RecordPublisher.Settings.DEFAULTS.retries());
        assertEquals(5, RecordPublisher.Settings.DEFAULTS.maxBootstrapRecords());
    }
}
