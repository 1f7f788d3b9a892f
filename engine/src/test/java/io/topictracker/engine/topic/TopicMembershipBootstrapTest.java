package io.topictracker.engine.topic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.api.ConfigTable;
import io.topictracker.api.TopicId;
import io.topictracker.api.dht.Dht;
import io.topictracker.api.dht.LookupSummary;
import io.topictracker.api.dht.MutableItem;
import io.topictracker.api.dht.MutableQuery;
import io.topictracker.api.dht.PutSummary;
import io.topictracker.api.signing.SigningKeyPair;
import io.topictracker.api.transport.InboundHandler;
import io.topictracker.api.transport.TransportContext;
import io.topictracker.engine.config.NodeConfig;
import io.topictracker.engine.gossip.GossipConfig;
import io.topictracker.engine.gossip.net.GossipNode;
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
import io.topictracker.signing.bc.BouncyCastleEd25519Provider;
import io.topictracker.engine.time.UnixMinute;
import io.topictracker.tck.Await;
import io.topictracker.tck.MutableClock;
import io.topictracker.transport.inmemory.InMemoryHub;
import io.topictracker.transport.inmemory.InMemoryTransport;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The bootstrap's IO in {@link TopicMembership}: what it waits for and what it does not. */
class TopicMembershipBootstrapTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final TopicId TOPIC = TopicId.fromName("runtime-bootstrap");
    private static final byte[] SECRET = "runtime-bootstrap-secret".getBytes(StandardCharsets.UTF_8);

    private final BouncyCastleEd25519Provider ed25519 = new BouncyCastleEd25519Provider();
    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
    private final InMemoryHub hub = new InMemoryHub("runtime-bootstrap");
    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
        scheduler.shutdownNow();
    }

    /**
     * A DHT whose gets find the items given to it and whose puts never finish, like a mainline put that takes its
     * full timeout. Thread-safe.
     */
    private static final class StalledPuts implements Dht {
        final List<MutableItem> stored = new CopyOnWriteArrayList<>();
        final List<MutableItem> putsStarted = new CopyOnWriteArrayList<>();
        /** When set, gets deliver what they find and then never end, like a lookup waiting on dead nodes. */
        volatile boolean getsNeverEnd;

        @Override
        public CompletableFuture<Void> start() {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<LookupSummary> getMutable(MutableQuery query, Consumer<MutableItem> onItem) {
            int found = 0;
            for (MutableItem item : stored) {
                if (Arrays.equals(item.target(), query.target())) {
                    onItem.accept(item);
                    found++;
                }
            }
            return getsNeverEnd ? new CompletableFuture<>()
                    : CompletableFuture.completedFuture(new LookupSummary(found, 1, 1));
        }

        @Override
        public CompletableFuture<PutSummary> putMutable(MutableItem item, OptionalLong cas) {
            putsStarted.add(item);
            return new CompletableFuture<>();
        }

        @Override
        public void close() {}
    }

    private GossipNode gossipNode(SigningKeyPair keys, String name) {
        GossipNode node = new GossipNode(GossipConfig.defaults(), keys, ed25519, scheduler,
                inbound -> List.of(new InMemoryTransport(hub, name, context(keys, inbound), 1 << 20, 4 << 20)));
        closing.add(node);
        Await.result(node.start(), WAIT);
        return node;
    }

    private TransportContext context(SigningKeyPair keys, InboundHandler inbound) {
        return new TransportContext(ConfigTable.empty("transport.inmemory"), keys, ed25519, Clock.systemUTC(),
                scheduler, inbound);
    }

    @Test
    void theFirstLookupAndJoinDoNotWaitForTheStartupPublish() {
        StalledPuts dht = new StalledPuts();
        SigningKeyPair memberKeys = memberWithRecords(dht);
        TopicMembership runtime = newcomer(dht);

        runtime.start(); // publish_record_on_startup is on by default: its put never finishes

        Await.result(runtime.joined(), WAIT);
        assertEquals(Set.of(memberKeys.peerId()), runtime.neighbors());
        assertTrue(dht.putsStarted.size() >= 1, "the startup publish did start; it just was not waited for");
        assertEquals(List.of(memberKeys.peerId()),
                runtime.joinLog().snapshot().stream().map(JoinLog.Entry::peer).distinct().toList());
    }

    @Test
    void joinsTheFirstRecordsPublisherWhileTheLookupIsStillRunning() {
        StalledPuts dht = new StalledPuts();
        dht.getsNeverEnd = true;
        SigningKeyPair memberKeys = memberWithRecords(dht);
        TopicMembership runtime = newcomer(dht);

        runtime.start();

        Await.result(runtime.joined(), WAIT); // only an arrival can have started the Join: no lookup ever ends
        assertEquals(Set.of(memberKeys.peerId()), runtime.neighbors());
    }

    /**
     * Our records say since when we are in the topic (PROTOCOL.md §8's first contact needs both sides to read the same
     * instant): the instant the topic started, the same in every later record.
     */
    @Test
    void ourRecordsSayWhenWeStartedInTheTopicAndKeepSayingIt() throws Exception {
        StalledPuts dht = new StalledPuts();
        memberWithRecords(dht);
        TopicMembership runtime = newcomer(dht);
        long before = System.currentTimeMillis();
        runtime.start();
        Await.until(WAIT, "the startup publish", () -> !dht.putsStarted.isEmpty());
        long after = System.currentTimeMillis();
        long minute = UnixMinute.now(Clock.systemUTC());
        runtime.publish(minute + 5, SlotRecords.ofOthers(List.of())); // a later minute's record

        TopicKeys keys = new TopicKeys(TOPIC, SlotDerivation.initialSecretHash(SECRET), SecretRotation.standard(),
                ed25519);
        Await.until(WAIT, "the later publish", () -> dht.putsStarted.size() >= 2);
        Record first = open(dht.putsStarted.get(0), keys, minute);
        Record later = open(dht.putsStarted.get(dht.putsStarted.size() - 1), keys, minute + 5);
        long since = first.content().sinceMillis();
        assertTrue(since >= before && since <= after, since + " not in [" + before + ", " + after + "]");
        assertEquals(since, later.content().sinceMillis());
    }

    /**
     * Still alone after a Join, a node joining that peer again asks it, through its records, to dial it (PROTOCOL.md
     * §11): a NAT may drop its dials, and with no neighbour nobody can pass a request on (§10). Here the member's
     * record points nowhere, so the Joins go unanswered.
     */
    @Test
    void aNodeWithNoNeighboursAsksThePeersItJoinsToDialIt() throws Exception {
        StalledPuts dht = new StalledPuts();
        byte[] secretHash = SlotDerivation.initialSecretHash(SECRET);
        long minute = UnixMinute.now(Clock.systemUTC());
        SigningKeyPair absent = ed25519.generate();
        TopicKeys keys = new TopicKeys(TOPIC, secretHash, SecretRotation.standard(), ed25519);
        for (long m : new long[] {minute, minute + 1}) {
            SlotKeys slot = keys.slot(m);
            Record record = Record.sign(TOPIC, m, absent, RecordContent.of(List.of(
                    io.topictracker.api.PeerAddress.of("inmemory", "nobody-here", 1))));
            dht.stored.add(MutableItem.sign(slot.slotKeyPair(), slot.salt(), RecordPublisher.SEQ,
                    new RecordSealer(new SecureRandom()).seal(record, slot)));
        }
        MutableClock clock = MutableClock.at(java.time.Instant.now());
        TopicMembership runtime = newcomer(dht, clock);
        runtime.start();
        Await.until(WAIT, "a Join to the absent member", () -> joins(runtime, absent) >= 1);
        runtime.publish(minute + 4, SlotRecords.ofOthers(List.of()));
        Await.until(WAIT, "a publish", () -> dht.putsStarted.size() >= 2);
        Record early = open(dht.putsStarted.get(dht.putsStarted.size() - 1), keys, minute + 4);
        assertEquals(List.of(), early.content().connectRequests(), "a Join that has not had time to fail asks nothing");

        clock.advance(Duration.ofMillis(TopicMembership.UNANSWERED_JOIN_MILLIS));
        long before = joins(runtime, absent);
        Await.until(WAIT, "another Join to the absent member", () -> joins(runtime, absent) > before);
        runtime.publish(minute + 5, SlotRecords.ofOthers(List.of()));
        Await.until(WAIT, "the later publish", () -> dht.putsStarted.size() >= 3);
        Record later = open(dht.putsStarted.get(dht.putsStarted.size() - 1), keys, minute + 5);
        assertEquals(List.of(absent.peerId()), later.content().connectRequests());
    }

    private static long joins(TopicMembership runtime, SigningKeyPair peer) {
        return runtime.joinLog().snapshot().stream().filter(e -> e.peer().equals(peer.peerId())).count();
    }

    /** Opens a put's record, sealed for {@code minute} or the one after (the minute may turn during the test). */
    private Record open(MutableItem item, TopicKeys keys, long minute) throws RecordException {
        try {
            return RecordSealer.open(item.value(), keys.slot(minute), ed25519);
        } catch (RecordException wrongMinute) {
            return RecordSealer.open(item.value(), keys.slot(minute + 1), ed25519);
        }
    }

    /** @return a member already in the topic, whose record is in the current minute's slot of {@code dht} */
    private SigningKeyPair memberWithRecords(StalledPuts dht) {
        byte[] secretHash = SlotDerivation.initialSecretHash(SECRET);
        long minute = UnixMinute.now(Clock.systemUTC());
        SigningKeyPair memberKeys = ed25519.generate();
        GossipNode member = gossipNode(memberKeys, "member");
        member.join(TOPIC, secretHash, List.of(), event -> { });
        TopicKeys keys = new TopicKeys(TOPIC, secretHash, SecretRotation.standard(), ed25519);
        for (long m : new long[] {minute, minute + 1}) { // in case the minute turns during the test
            SlotKeys slot = keys.slot(m);
            Record record = Record.sign(TOPIC, m, memberKeys, new RecordContent(member.self().addresses(), List.of(),
                    List.of()));
            dht.stored.add(MutableItem.sign(slot.slotKeyPair(), slot.salt(), RecordPublisher.SEQ,
                    new RecordSealer(new SecureRandom()).seal(record, slot)));
        }
        return memberKeys;
    }

    private TopicMembership newcomer(StalledPuts dht) {
        return newcomer(dht, Clock.systemUTC());
    }

    private TopicMembership newcomer(StalledPuts dht, Clock clock) {
        SigningKeyPair ourKeys = ed25519.generate();
        TopicMembership runtime = new TopicMembership(new TopicMembership.Parts(NodeConfig.defaults(), ourKeys, ed25519,
                gossipNode(ourKeys, "newcomer"), dht, scheduler, clock, new Random(7), "tt-test-"), TOPIC,
                SECRET, event -> { });
        closing.add(runtime);
        return runtime;
    }
}
