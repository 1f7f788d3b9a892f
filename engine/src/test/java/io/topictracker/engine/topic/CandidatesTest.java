package io.topictracker.engine.topic;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.topictracker.api.PeerAddress;
import io.topictracker.api.PeerId;
import io.topictracker.api.PeerInfo;
import io.topictracker.api.TopicId;
import io.topictracker.api.signing.SigningKeyPair;
import io.topictracker.engine.records.MessageHash;
import io.topictracker.engine.records.Record;
import io.topictracker.engine.records.RecordContent;
import io.topictracker.signing.bc.BouncyCastleEd25519Provider;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which peers records yield for joining, and which records the overlap merge acts on. */
class CandidatesTest {
    private static final BouncyCastleEd25519Provider SIGNING = new BouncyCastleEd25519Provider();
    private static final TopicId TOPIC = TopicId.fromName("candidates");
    private final SigningKeyPair self = SIGNING.generate();
    private final SigningKeyPair a = SIGNING.generate();
    private final SigningKeyPair b = SIGNING.generate();
    private final SigningKeyPair c = SIGNING.generate();

    private static MessageHash hash(String text) {
        return MessageHashes.hash(text.getBytes(StandardCharsets.UTF_8));
    }

    private static Record record(SigningKeyPair publisher, List<PeerInfo> peers, List<MessageHash> hashes) {
        return Record.sign(TOPIC, 7, publisher, new RecordContent(List.of(PeerAddress.of("tcp", "127.0.0.1", 1)),
                peers, hashes));
    }

    private static PeerInfo info(SigningKeyPair key) {
        return new PeerInfo(key.peerId(), List.of(PeerAddress.of("tcp", "127.0.0.1", 2)));
    }

    @Test
    void publishersThenTheirPeersOnceEachWithoutUsOrExcluded() {
        Record ra = record(a, List.of(info(self), info(b)), List.of());
        Record rb = record(b, List.of(info(a), info(c)), List.of());

        List<PeerId> all = Candidates.peers(List.of(ra, rb), self.peerId(), Set.of()).stream().map(PeerInfo::id)
                .toList();
        assertEquals(List.of(a.peerId(), b.peerId(), c.peerId()), all);
        assertEquals(List.of(a.peerId()), Candidates.peers(List.of(ra, rb), self.peerId(),
                Set.of(b.peerId(), c.peerId())).stream().map(PeerInfo::id).toList(), "neighbours are left out");
        assertEquals(List.of(PeerAddress.of("tcp", "127.0.0.1", 1)),
                Candidates.peers(List.of(ra), self.peerId(), Set.of()).get(0).addresses(),
                "a publisher is dialled at the addresses of its own record");
    }

    @Test
    void requestersArePublishersWhoseRecordsNameUsOnceEachUpToTheBound() {
        PeerAddress at = PeerAddress.of("quic", "203.0.113.9", 4000);
        Record asksUs = Record.sign(TOPIC, 7, a, new RecordContent(List.of(at), List.of(), List.of(),
                List.of(c.peerId(), self.peerId())));
        Record asksUsAgain = Record.sign(TOPIC, 7, a, new RecordContent(List.of(), List.of(), List.of(),
                List.of(self.peerId())));
        Record asksAnother = Record.sign(TOPIC, 7, b, new RecordContent(List.of(at), List.of(), List.of(),
                List.of(c.peerId())));
        Record cAsksUs = Record.sign(TOPIC, 7, c, new RecordContent(List.of(at), List.of(), List.of(),
                List.of(self.peerId())));
        List<Record> slot = List.of(asksUs, asksAnother, asksUsAgain, cAsksUs);

        assertEquals(List.of(new PeerInfo(a.peerId(), List.of(at)), new PeerInfo(c.peerId(), List.of(at))),
                Candidates.requesters(slot, self.peerId(), Set.of(), 2), "dialled at its record's addresses, once");
        assertEquals(List.of(c.peerId()), Candidates.requesters(slot, self.peerId(), Set.of(a.peerId()), 2).stream()
                .map(PeerInfo::id).toList(), "a neighbour's request is answered already");
        assertEquals(List.of(a.peerId()), Candidates.requesters(slot, self.peerId(), Set.of(), 1).stream()
                .map(PeerInfo::id).toList(), "bounded");
        assertEquals(List.of(), Candidates.requesters(slot, b.peerId(), Set.of(), 2), "b is asked by no one");
    }

    @Test
    void aSampleIsDistinctPeersOfTheListAndOverSeveralDrawsReachesEveryOne() {
        List<PeerInfo> peers = new java.util.ArrayList<>();
        for (int i = 0; i < 10; i++) {
            peers.add(info(SIGNING.generate()));
        }
        java.util.Random random = new java.util.Random(7);
        Set<PeerInfo> picked = new java.util.HashSet<>();
        for (int draw = 0; draw < 40; draw++) {
            List<PeerInfo> sample = Candidates.sample(peers, 2, random);
            assertEquals(2, Set.copyOf(sample).size(), "two distinct peers");
            org.junit.jupiter.api.Assertions.assertTrue(peers.containsAll(sample), "peers of the list");
            picked.addAll(sample);
        }
        // the bubble merge asks max_join_peers of the records' peers each run; always the first two (record order)
        // would leave a bubble asking the same unreachable peers forever
        assertEquals(Set.copyOf(peers), picked, "forty draws of two reach all ten");
        assertEquals(3, Candidates.sample(peers.subList(0, 3), 5, random).size(), "fewer than asked: all of them");
        assertEquals(List.of(), Candidates.sample(List.of(), 2, random));
    }

    @Test
    void aPublisherSeenInTwoRecordsGainsTheAddressesOnlyTheLaterNames() {
        PeerAddress lan = PeerAddress.of("quic", "10.1.0.2", 4433);
        PeerAddress reflexive = PeerAddress.of("quic", "198.51.100.1", 4433);
        Record older = Record.sign(TOPIC, 6, a, new RecordContent(List.of(lan), List.of(), List.of()));
        Record newer = Record.sign(TOPIC, 7, a, new RecordContent(List.of(lan, reflexive), List.of(), List.of()));
        List<PeerInfo> found = Candidates.peers(List.of(older, newer), self.peerId(), Set.of());
        assertEquals(1, found.size());
        assertEquals(List.of(lan, reflexive), found.get(0).addresses());
    }

    @Test
    void overlapMergeActsOnRecordsWhoseHashesMissAllOfOurs() {
        Record overlapping = record(a, List.of(), List.of(hash("x"), hash("y")));
        Record apart = record(b, List.of(), List.of(hash("z")));
        Record silent = record(c, List.of(), List.of());

        assertEquals(List.of(apart), Candidates.disjoint(List.of(overlapping, apart, silent), List.of(hash("y"))));
        assertEquals(List.of(), Candidates.disjoint(List.of(overlapping, apart), List.of()),
                "with no messages of our own there is nothing to compare");
    }
}
