package io.topictracker.engine.topic;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.topictracker.api.PeerAddress;
import io.topictracker.api.PeerId;
import io.topictracker.api.PeerInfo;
import io.topictracker.api.TopicId;
import io.topictracker.api.signing.SigningKeyPair;
import io.topictracker.engine.records.Record;
import io.topictracker.engine.records.RecordContent;
import io.topictracker.signing.bc.BouncyCastleEd25519Provider;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** When the records' neighbour lists prove a quiet overlay split, and whom to join across it. */
class OverlaySplitTest {
    private static final BouncyCastleEd25519Provider SIGNING = new BouncyCastleEd25519Provider();
    private static final TopicId TOPIC = TopicId.fromName("overlay-split");

    private final List<SigningKeyPair> keys = IntStream.range(0, 11).mapToObj(i -> SIGNING.generate()).toList();

    private PeerId id(int node) {
        return keys.get(node).peerId();
    }

    private static PeerAddress address(int node) {
        return PeerAddress.of("quic", "198.51.100." + (node + 1), 4000 + node);
    }

    /** Node {@code node}'s record, naming the others of {@code group} as its neighbours (a complete overlay). */
    private Record member(int node, List<Integer> group) {
        List<PeerInfo> neighbours = group.stream().filter(n -> n != node)
                .map(n -> new PeerInfo(id(n), List.of(address(n)))).toList();
        return Record.sign(TOPIC, 7, keys.get(node), new RecordContent(List.of(address(node)), neighbours, List.of()));
    }

    private List<Record> records(List<Integer> group, List<Integer> publishing) {
        List<Record> records = new ArrayList<>();
        for (int node : publishing) {
            records.add(member(node, group));
        }
        return records;
    }

    private Set<PeerId> ids(List<Integer> nodes) {
        Set<PeerId> result = new HashSet<>();
        nodes.forEach(n -> result.add(id(n)));
        return result;
    }

    private static Set<PeerId> idsOf(List<PeerInfo> peers) {
        Set<PeerId> result = new HashSet<>();
        peers.forEach(p -> result.add(p.id()));
        return result;
    }

    /** The NAT lab's split: the public chat and four NATed ones, and six NATed ones, each group complete. */
    private static final List<Integer> FIVE = List.of(0, 1, 2, 3, 4);
    private static final List<Integer> SIX = List.of(5, 6, 7, 8, 9, 10);

    @Test
    void everyRecordOfTheOtherOverlayProvesTheSplitAndNamesItsPublishers() {
        List<Record> read = new ArrayList<>(records(FIVE, FIVE));
        read.addAll(records(SIX, List.of(6, 7))); // two of our own overlay, our part left open
        List<PeerInfo> across = OverlaySplit.across(read, id(5), ids(List.of(6, 7, 8, 9, 10)));

        assertEquals(ids(FIVE), idsOf(across));
        assertEquals(new PeerInfo(id(0), List.of(address(0))), across.get(0), "dialled at its record's addresses");
    }

    @Test
    void everyRecordOfOurOwnOverlayProvesTheSplitToo() {
        List<Record> read = new ArrayList<>(records(SIX, List.of(6, 7, 8, 9, 10)));
        read.addAll(records(FIVE, List.of(1, 3))); // the other overlay only partly seen
        assertEquals(ids(List.of(1, 3)), idsOf(OverlaySplit.across(read, id(5), ids(List.of(6, 7, 8, 9, 10)))),
                "only publishers can be dialled: their records give the addresses");
    }

    @Test
    void neitherPartClosedProvesNothing() {
        // One record of each overlay missing: the unseen node could link the parts, as records often leave one out.
        List<Record> read = new ArrayList<>(records(FIVE, List.of(0, 1, 2, 3)));
        read.addAll(records(SIX, List.of(6, 7, 8, 9)));
        assertEquals(List.of(), OverlaySplit.across(read, id(5), ids(List.of(6, 7, 8, 9, 10))));
    }

    @Test
    void oneOverlayIsNoSplitHoweverFewLinksTheRecordsShow() {
        // A chain 0-1-2-...-10 in which we are 5: every record read, every part linked.
        List<Record> read = new ArrayList<>();
        for (int node = 0; node < keys.size(); node++) {
            List<Integer> neighbours = new ArrayList<>();
            if (node > 0) {
                neighbours.add(node - 1);
            }
            if (node < keys.size() - 1) {
                neighbours.add(node + 1);
            }
            List<PeerInfo> peers = neighbours.stream().map(n -> new PeerInfo(id(n), List.of(address(n)))).toList();
            read.add(Record.sign(TOPIC, 7, keys.get(node), new RecordContent(List.of(address(node)), peers,
                    List.of())));
        }
        assertEquals(List.of(), OverlaySplit.across(read, id(5), ids(List.of(4, 6))));
    }

    @Test
    void aLinkOnlyOneEndListsJoinsThePartsAndStaleSelfRecordsAreIgnored() {
        List<Record> read = new ArrayList<>(records(FIVE, FIVE));
        // Node 0 lists 5 (a link 5 has not noted yet, or no longer holds): the parts are one as far as records say.
        read.set(0, Record.sign(TOPIC, 7, keys.get(0), new RecordContent(List.of(address(0)),
                List.of(new PeerInfo(id(5), List.of(address(5)))), List.of())));
        read.add(member(5, List.of(0, 1, 2, 3, 4, 5))); // our own old record, claiming all of them: not believed
        read.addAll(records(SIX, List.of(6, 7, 8, 9, 10)));
        assertEquals(List.of(), OverlaySplit.across(read, id(5), ids(List.of(6, 7, 8, 9, 10))));
    }

    @Test
    void aLoneNodeIsTheBubbleMergesCaseAndSoAreWeWithNoNeighbours() {
        List<Record> read = new ArrayList<>(records(SIX, List.of(6, 7, 8, 9, 10)));
        read.add(Record.sign(TOPIC, 7, keys.get(0), new RecordContent(List.of(address(0)), List.of(), List.of())));
        assertEquals(List.of(), OverlaySplit.across(read, id(5), ids(List.of(6, 7, 8, 9, 10))), "a lone publisher");

        assertEquals(List.of(), OverlaySplit.across(records(FIVE, FIVE), id(5), Set.of()), "we are alone");
    }

    @Test
    void aNewerRecordOfAPublisherGivesItsAddresses() {
        List<Record> read = new ArrayList<>(records(FIVE, FIVE));
        PeerAddress moved = PeerAddress.of("quic", "203.0.113.7", 5000);
        read.add(Record.sign(TOPIC, 8, keys.get(2), new RecordContent(List.of(moved),
                List.of(new PeerInfo(id(1), List.of(address(1)))), List.of())));
        List<PeerInfo> across = OverlaySplit.across(read, id(5), ids(List.of(6, 7, 8, 9, 10)));
        assertEquals(List.of(id(0), id(1), id(2), id(3), id(4)), across.stream().map(PeerInfo::id).toList());
        assertEquals(List.of(moved), across.get(2).addresses());
    }
}
