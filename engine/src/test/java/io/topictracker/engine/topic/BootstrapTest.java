package io.topictracker.engine.topic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.api.PeerAddress;
import io.topictracker.api.PeerId;
import io.topictracker.api.PeerInfo;
import io.topictracker.api.TopicId;
import io.topictracker.api.signing.SigningKeyPair;
import io.topictracker.engine.config.BootstrapConfig;
import io.topictracker.engine.records.Record;
import io.topictracker.engine.records.RecordContent;
import io.topictracker.signing.bc.BouncyCastleEd25519Provider;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The bootstrap loop's decisions, over a scripted environment with virtual time. */
class BootstrapTest {
    private static final BouncyCastleEd25519Provider SIGNING = new BouncyCastleEd25519Provider();
    private static final TopicId TOPIC = TopicId.fromName("bootstrap-test");
    private static final Duration SETTLE = Duration.ofMillis(100);
    private static final Duration CONFIRM = Duration.ofMillis(500);
    private static final Duration POLL = Duration.ofMillis(2000);
    private static final Duration RETRY = Duration.ofMillis(1500);

    private final SigningKeyPair self = SIGNING.generate();

    private static BootstrapConfig config(boolean publishOnStartup, boolean olderFirst, int maxRecords) {
        return new BootstrapConfig(maxRecords, publishOnStartup, olderFirst, POLL, RETRY, SETTLE, CONFIRM);
    }

    /** Scripted IO: records per minute, virtual time advanced by waits, and a log of what the loop did. */
    private static final class Script implements Bootstrap.Env {
        final Map<Long, List<Record>> records = new HashMap<>();
        final List<String> log = new ArrayList<>();
        long millis = 10 * 60_000; // minute 10
        boolean joined;
        boolean cancelled;
        int awaitsLeft = 50;
        PeerId joinOn; // joined once a Join is sent to this peer
        int addressChangesLeft; // ownAddressesChanged() answers true this many times
        int missingLeft; // ourRecordMissing(10) answers true this many times
        long windowEndsAt = Long.MIN_VALUE; // firstContactWindow() holds before this virtual time

        @Override
        public boolean firstContactWindow() {
            return millis < windowEndsAt;
        }

        @Override
        public boolean ourRecordMissing(long minute) {
            return minute == 10 && missingLeft-- > 0;
        }

        @Override
        public boolean ownAddressesChanged() {
            return addressChangesLeft-- > 0;
        }

        @Override
        public boolean joined() {
            return joined;
        }

        @Override
        public boolean cancelled() {
            return cancelled;
        }

        @Override
        public long minute() {
            return millis / 60_000;
        }

        /**
         * Batches of records that arrive, one batch per {@link Bootstrap.Fetch#arrived} call, before the fetch of
         * the first round ends; empty: everything arrives at the end, as from a provider that delivers at once.
         */
        final Deque<List<Record>> arrivals = new ArrayDeque<>();

        @Override
        public Bootstrap.Fetch fetch(long... minutes) {
            StringBuilder line = new StringBuilder("get");
            for (long m : minutes) {
                line.append(' ').append(m);
            }
            log.add(line.toString());
            return new Bootstrap.Fetch() {
                @Override
                public List<Record> arrived() {
                    List<Record> batch = arrivals.poll();
                    if (batch == null) {
                        return List.of();
                    }
                    log.add("arrived " + batch.size());
                    return batch;
                }

                @Override
                public Map<Long, List<Record>> all() {
                    Map<Long, List<Record>> result = new LinkedHashMap<>();
                    for (long m : minutes) {
                        result.put(m, records.getOrDefault(m, List.of()));
                    }
                    return result;
                }
            };
        }

        @Override
        public void publish(long minute, List<Record> cached) {
            log.add("publish " + minute + " cache " + cached.size());
        }

        @Override
        public void fetchAndPublish(long minute) {
            log.add("fetch and publish " + minute);
        }

        @Override
        public void joinPeer(PeerInfo peer) {
            log.add("join " + peer.id().shortText());
            if (peer.id().equals(joinOn)) {
                joined = true;
            }
        }

        /** Runs at each discovery poll wait (the end of a round that joined no one), e.g. to change the records. */
        Runnable onPoll = () -> { };

        @Override
        public void await(Duration duration) {
            log.add("wait " + duration.toMillis());
            if (duration.equals(POLL)) {
                onPoll.run();
            }
            millis += duration.toMillis();
            if (--awaitsLeft == 0) {
                cancelled = true;
            }
        }
    }

    private static Record record(SigningKeyPair publisher, long minute, PeerInfo... peers) {
        return Record.sign(TOPIC, minute, publisher, new RecordContent(
                List.of(PeerAddress.of("tcp", "127.0.0.1", 4000)), List.of(peers), List.of()));
    }

    private static PeerInfo info(SigningKeyPair key) {
        return new PeerInfo(key.peerId(), List.of(PeerAddress.of("tcp", "127.0.0.1", 4001)));
    }

    @Test
    void withNoRecordsItPublishesOncePerMinuteAndRetriesAfterNoPeersInterval() throws Exception {
        Script script = new Script();
        script.awaitsLeft = 81; // 81 x 1.5 s: from minute 10 into minute 12
        Bootstrap.Trace trace = new Bootstrap(config(true, false, 5), self.peerId(), script, new Random(1)).run();

        assertEquals(List.of("fetch and publish 10", "get 9 10", "wait 1500", "get 9 10", "wait 1500"),
                script.log.subList(0, 5), "startup publish (its own lookup, in the background: the first round does"
                        + " not wait for it), then no second publish in the same minute");
        assertEquals(3, trace.publishes(), "one publish in each of minutes 10, 11 and 12");
        assertEquals(List.of("fetch and publish 10", "publish 11 cache 0", "publish 12 cache 0"),
                script.log.stream().filter(l -> l.contains("publish")).toList());
        assertEquals(81, script.log.stream().filter(l -> l.equals("wait 1500")).count());
    }

    @Test
    void inTheFirstContactWindowARoundThatFoundNobodyIsFollowedByTheNextAlmostAtOnce() throws Exception {
        Script script = new Script();
        script.windowEndsAt = script.millis + 1_000;
        script.awaitsLeft = 6;
        new Bootstrap(config(true, false, 5), self.peerId(), script, new Random(1)).run();

        long retry = Bootstrap.FIRST_CONTACT_RETRY.toMillis();
        assertEquals(List.of("fetch and publish 10", "get 9 10", "wait " + retry, "get 9 10", "wait " + retry,
                "get 9 10", "wait " + retry, "get 9 10", "wait " + retry, "get 9 10", "wait 1500", "get 9 10",
                "wait 1500"), script.log, "a quarter-second retry for the window's second, then the usual 1.5 s");
    }

    @Test
    void inTheFirstContactWindowARoundThatJoinedNobodyPollsAgainAlmostAtOnce() throws Exception {
        Script script = new Script();
        SigningKeyPair other = SIGNING.generate();
        script.records.put(10L, List.of(record(other, 10)));
        script.windowEndsAt = script.millis + 60_000;
        script.awaitsLeft = 3;
        new Bootstrap(config(false, false, 5), self.peerId(), script, new Random(1)).run();

        assertEquals(List.of("get 9 10", "join " + other.peerId().shortText(), "wait 100", "wait 500",
                "publish 10 cache 1", "wait " + Bootstrap.FIRST_CONTACT_RETRY.toMillis()), script.log,
                "not the 2 s discovery poll: a record of ours that a crossing put replaced is found missing sooner");
    }

    @Test
    void addressesLearntAfterThePublishArePublishedAgainOnceInTheSameMinute() throws Exception {
        Script script = new Script();
        script.awaitsLeft = 5;
        script.addressChangesLeft = 3; // keeps changing: still only one extra publish in minute 10
        new Bootstrap(config(true, false, 5), self.peerId(), script, new Random(1)).run();

        assertEquals(List.of("fetch and publish 10", "get 9 10", "publish 10 cache 0", "wait 1500", "get 9 10",
                "wait 1500"), script.log.subList(0, 6));
        assertEquals(2, script.log.stream().filter(l -> l.contains("publish")).count());
    }

    /**
     * Issue 15: two writers' puts crossed, the other's replaced ours on every node, and the slot no longer holds our
     * record: we put again at the next round, not at the next minute (when the other would see no record of ours
     * for a whole minute, and the same race can come again), and a bounded number of times.
     */
    @Test
    void aRecordThatWentMissingFromItsSlotIsPublishedAgainInTheSameMinuteAFewTimesAtMost() throws Exception {
        Script script = new Script();
        script.awaitsLeft = 6; // six rounds of 1.5 s: all in minute 10
        script.missingLeft = 5; // it keeps going missing
        new Bootstrap(config(true, false, 5), self.peerId(), script, new Random(1)).run();

        assertEquals(List.of("fetch and publish 10", "get 9 10", "publish 10 cache 0", "wait 1500", "get 9 10",
                "publish 10 cache 0", "wait 1500", "get 9 10", "wait 1500"), script.log.subList(0, 9),
                "the startup publish, then one again at each of the next rounds that found ours missing, up to "
                        + Bootstrap.REPUBLISHES_OF_A_MISSING_RECORD);
        assertEquals(1 + Bootstrap.REPUBLISHES_OF_A_MISSING_RECORD,
                script.log.stream().filter(l -> l.contains("publish")).count());
    }

    @Test
    void joinsCandidatesOneAtATimeAndStopsOnceJoined() throws Exception {
        SigningKeyPair a = SIGNING.generate();
        SigningKeyPair b = SIGNING.generate();
        SigningKeyPair c = SIGNING.generate();
        // a's record names b and ourselves; b's record names a again and c: we must join a, b, c once each, never us.
        Map<Long, List<Record>> records = Map.of(9L, List.of(record(a, 9, info(b),
                new PeerInfo(self.peerId(), List.of()))), 10L, List.of(record(b, 10, info(a), info(c))));
        Script unanswered = new Script();
        unanswered.records.putAll(records);
        unanswered.awaitsLeft = 3;

        new Bootstrap(config(false, false, 5), self.peerId(), unanswered, new Random(1)).run();

        List<String> round = unanswered.log;
        assertEquals(7, round.size(), round.toString());
        assertEquals(Set.of("join " + a.peerId().shortText(), "join " + b.peerId().shortText(),
                "join " + c.peerId().shortText()), Set.of(round.get(1), round.get(3), round.get(5)),
                "publishers and their active peers, each once, never ourselves");
        assertEquals(List.of("get 9 10", "wait 100", "wait 100", "wait 100"),
                List.of(round.get(0), round.get(2), round.get(4), round.get(6)), "a settle wait after each Join");

        Script answered = new Script();
        answered.records.putAll(records);
        answered.joinOn = b.peerId();
        new Bootstrap(config(false, false, 5), self.peerId(), answered, new Random(1)).run();
        String joinB = "join " + b.peerId().shortText();
        assertEquals(List.of(joinB, "wait 100"), answered.log.subList(answered.log.size() - 2, answered.log.size()),
                "stops once joined: " + answered.log);
    }

    @Test
    void joinsTheFirstCandidatesAtOnceAsTheirRecordsArriveBeforeTheLookupEnds() throws Exception {
        SigningKeyPair a = SIGNING.generate();
        SigningKeyPair b = SIGNING.generate();
        SigningKeyPair c = SIGNING.generate();
        SigningKeyPair d = SIGNING.generate();
        SigningKeyPair named = SIGNING.generate();
        Record fromA = record(a, 10);
        Record fromB = record(b, 10, info(named));
        Record fromC = record(c, 9);
        Record fromD = record(d, 10);
        Script script = new Script();
        script.records.put(9L, List.of(fromC));
        script.records.put(10L, List.of(fromA, fromB, fromD));
        script.arrivals.addAll(List.of(List.of(fromA), List.of(fromB, fromC), List.of(fromD)));
        script.awaitsLeft = 1;

        new Bootstrap(config(false, false, 5), self.peerId(), script, new Random(1)).run();

        String joinB = "join " + b.peerId().shortText();
        String joinC = "join " + c.peerId().shortText();
        assertEquals(List.of("get 9 10", "arrived 1", "join " + a.peerId().shortText(), "arrived 2"),
                script.log.subList(0, 4), "the first record's publisher is joined as it arrives: " + script.log);
        assertEquals(Set.of(joinB, joinC), Set.copyOf(script.log.subList(4, 6)),
                "the next arrivals' publishers at once, before the peer b's record names, with no wait between: "
                        + script.log);
        assertEquals(List.of("arrived 1", "join " + d.peerId().shortText(), "wait 100"), script.log.subList(6, 9),
                "past " + Bootstrap.CONCURRENT_JOINS + " joins, later arrivals wait for the lookup's end, where"
                        + " they are joined one at a time, each publisher once: " + script.log);
    }

    @Test
    void aJoinAnsweredWhileRecordsArriveEndsTheBootstrapWithoutWaitingForTheLookup() throws Exception {
        SigningKeyPair a = SIGNING.generate();
        SigningKeyPair b = SIGNING.generate();
        Script script = new Script();
        script.records.put(10L, List.of(record(a, 10), record(b, 10)));
        script.arrivals.addAll(List.of(List.of(record(a, 10)), List.of(record(b, 10))));
        script.joinOn = a.peerId();

        Bootstrap.Trace trace = new Bootstrap(config(false, false, 5), self.peerId(), script, new Random(1)).run();

        assertEquals(List.of("get 9 10", "arrived 1", "join " + a.peerId().shortText()), script.log);
        assertEquals(List.of(a.peerId()), trace.joinsSent());
    }

    @Test
    void publishersGoBeforeThePeersTheirRecordsNameAndPeersThatDidNotAnswerGoLast() throws Exception {
        SigningKeyPair stale = SIGNING.generate();
        SigningKeyPair fresh = SIGNING.generate();
        SigningKeyPair named = SIGNING.generate();
        for (int seed = 0; seed < 20; seed++) {
            Script script = new Script();
            script.records.put(10L, List.of(record(stale, 10, info(named))));
            // the next round also finds a new publisher: it is tried before the one that did not answer
            script.onPoll = () -> script.records.put(10L, List.of(record(stale, 10, info(named)),
                    record(fresh, 10)));
            script.awaitsLeft = 8; // round one: 2 settles, confirm, poll; round two: 3 settles, confirm

            Bootstrap.Trace trace = new Bootstrap(config(false, false, 5), self.peerId(), script, new Random(seed))
                    .run();

            assertEquals(List.of(stale.peerId(), named.peerId(), fresh.peerId(), stale.peerId(), named.peerId()),
                    trace.joinsSent(), "seed " + seed + ": " + script.log);
        }
    }

    @Test
    void publishersOfTheNewerMinuteGoFirst() throws Exception {
        SigningKeyPair older = SIGNING.generate();
        SigningKeyPair newer = SIGNING.generate();
        for (int seed = 0; seed < 20; seed++) {
            Script script = new Script();
            script.records.put(9L, List.of(record(older, 9)));
            script.records.put(10L, List.of(record(newer, 10)));
            script.awaitsLeft = 2;

            Bootstrap.Trace trace = new Bootstrap(config(false, false, 5), self.peerId(), script, new Random(seed))
                    .run();

            assertEquals(List.of(newer.peerId(), older.peerId()), trace.joinsSent(), "seed " + seed);
        }
    }

    @Test
    void startersTryTheCandidatesInDifferentOrders() throws Exception {
        // Fifty nodes starting together read the same records. The crate iterates a HashSet of node ids, whose order
        // differs between processes; in record order all fifty would send their first Join to the same publisher.
        List<SigningKeyPair> publishers = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            publishers.add(SIGNING.generate());
        }
        Map<PeerId, Integer> firstJoins = new HashMap<>();
        for (int node = 0; node < 50; node++) {
            Script script = new Script();
            script.records.put(10L, publishers.stream().map(p -> record(p, 10)).toList());
            script.awaitsLeft = 1;
            Bootstrap.Trace trace = new Bootstrap(config(false, false, 5), SIGNING.generate().peerId(), script,
                    new Random(node)).run();
            firstJoins.merge(trace.joinsSent().get(0), 1, Integer::sum);
        }
        assertEquals(5, firstJoins.size(), "every publisher is somebody's first contact: " + firstJoins.values());
        assertTrue(firstJoins.values().stream().allMatch(count -> count < 25),
                "no publisher takes half of the first Joins: " + firstJoins.values());
    }

    @Test
    void notJoinedAfterTheCandidatesItConfirmsThenPublishesOncePerMinuteAndPolls() throws Exception {
        SigningKeyPair a = SIGNING.generate();
        Script script = new Script();
        script.records.put(10L, List.of(record(a, 10)));
        script.awaitsLeft = 6; // two rounds of settle, confirm, poll

        new Bootstrap(config(false, false, 5), self.peerId(), script, new Random(1)).run();

        String join = "join " + a.peerId().shortText();
        assertEquals(List.of("get 9 10", join, "wait 100", "wait 500", "publish 10 cache 1", "wait 2000",
                "get 9 10", join, "wait 100", "wait 500", "wait 2000"), script.log,
                "the fallback publish reuses the fetched minute's records as its cache, once per minute");
    }

    @Test
    void olderRecordsFirstLooksAtMinusTwoAndMinusOneOnTheFirstPassOnly() throws Exception {
        Script script = new Script();
        script.awaitsLeft = 2;

        new Bootstrap(config(false, true, 5), self.peerId(), script, new Random(1)).run();

        assertEquals(List.of("get 8 9", "fetch and publish 10", "wait 1500", "get 9 10", "wait 1500"),
                script.log, "the current minute is fetched for the rate limit when the pass did not fetch it");
    }

    @Test
    void maxBootstrapRecordsZeroNeverPublishes() throws Exception {
        Script script = new Script();
        script.awaitsLeft = 100;

        Bootstrap.Trace trace = new Bootstrap(config(true, false, 0), self.peerId(), script, new Random(1)).run();

        assertEquals(0, trace.publishes());
        assertEquals(0, script.log.stream().filter(l -> l.contains("publish")).count());
    }

    @Test
    void alreadyJoinedOrCancelledDoesNothing() throws Exception {
        Script joined = new Script();
        joined.joined = true;
        assertEquals(0, new Bootstrap(config(true, false, 5), self.peerId(), joined, new Random(1)).run().rounds());
        assertEquals(List.of(), joined.log);
        Script cancelled = new Script();
        cancelled.cancelled = true;
        new Bootstrap(config(true, false, 5), self.peerId(), cancelled, new Random(1)).run();
        assertEquals(List.of(), cancelled.log);
    }
}
