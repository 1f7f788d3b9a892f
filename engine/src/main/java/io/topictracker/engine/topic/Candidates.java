package io.topictracker.engine.topic;

import io.topictracker.api.PeerId;
import io.topictracker.api.PeerInfo;
import io.topictracker.engine.records.MessageHash;
import io.topictracker.engine.records.Record;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Pure helpers that turn records into peers to join. Stateless and thread-safe. */
public final class Candidates {
    private Candidates() {}

    /**
     * The peers records name, as the Rust crate's bootstrap collects them: each record's publisher (with its own
     * addresses) followed by its active peers, in order of first mention, without {@code self} and {@code exclude};
     * a peer mentioned again keeps its first addresses and gains those only the later mention names (up to
     * {@link PeerInfo#MAX_ADDRESSES}).
     *
     * @param records not null; @param self not null; @param exclude peers to leave out (e.g. current neighbours)
     * @return never null, in record order
     */
    public static List<PeerInfo> peers(Collection<Record> records, PeerId self, Set<PeerId> exclude) {
        Map<PeerId, PeerInfo> found = new LinkedHashMap<>();
        for (Record record : records) {
            add(found, new PeerInfo(record.publisher(), record.content().addresses()), self, exclude);
            for (PeerInfo peer : record.content().activePeers()) {
                add(found, peer, self, exclude);
            }
        }
        return new ArrayList<>(found.values());
    }

    /**
     * @param peers not null, not changed
     * @param count how many to pick, not negative
     * @param random the source of the choice, not null; the caller holds whatever lock guards it
     * @return {@code min(count, peers.size())} distinct peers of {@code peers}, chosen uniformly at random; never null
     */
    public static List<PeerInfo> sample(List<PeerInfo> peers, int count, java.util.Random random) {
        List<PeerInfo> shuffled = new ArrayList<>(peers);
        java.util.Collections.shuffle(shuffled, random);
        return List.copyOf(shuffled.subList(0, Math.min(count, shuffled.size())));
    }

    private static void add(Map<PeerId, PeerInfo> found, PeerInfo peer, PeerId self, Set<PeerId> exclude) {
        if (peer.id().equals(self) || exclude.contains(peer.id())) {
            return;
        }
        PeerInfo known = found.get(peer.id());
        if (known == null) {
            found.put(peer.id(), peer);
            return;
        }
        // A later mention may name an address the first did not (a newer record of a NATed publisher carries the
        // reflexive address its DHT learnt after the first publish): keep the first's order, append the new ones.
        List<io.topictracker.api.PeerAddress> merged = new ArrayList<>(known.addresses());
        for (io.topictracker.api.PeerAddress address : peer.addresses()) {
            if (!merged.contains(address) && merged.size() < PeerInfo.MAX_ADDRESSES) {
                merged.add(address);
            }
        }
        if (merged.size() != known.addresses().size()) {
            found.put(peer.id(), new PeerInfo(peer.id(), merged));
        }
    }

    /**
     * The publishers whose records ask {@code self} to dial them (PROTOCOL.md §11), with the addresses their records
     * give, in record order, each once, without {@code exclude} (e.g. current neighbours: the request is answered).
     *
     * @param records not null; @param self not null; @param exclude not null
     * @param max the most to return, not negative (a bound on the dials one slot read can start)
     * @return never null
     */
    public static List<PeerInfo> requesters(Collection<Record> records, PeerId self, Set<PeerId> exclude, int max) {
        Map<PeerId, PeerInfo> found = new LinkedHashMap<>();
        for (Record record : records) {
            PeerId publisher = record.publisher();
            if (found.size() == max) {
                break;
            }
            if (record.content().connectRequests().contains(self) && !publisher.equals(self)
                    && !exclude.contains(publisher)) {
                found.putIfAbsent(publisher, new PeerInfo(publisher, record.content().addresses()));
            }
        }
        return new ArrayList<>(found.values());
    }

    /**
     * The records whose message hashes share none with ours: the Rust crate's message-overlap merge takes such a
     * publisher to be in another overlay. Records with no hashes say nothing and are left out; so is everything when
     * we have no hashes of our own yet.
     *
     * @param records not null; @param ours our recent hashes, not null
     * @return never null
     */
    public static List<Record> disjoint(Collection<Record> records, Collection<MessageHash> ours) {
        List<Record> result = new ArrayList<>();
        if (ours.isEmpty()) {
            return result;
        }
        Set<MessageHash> mine = Set.copyOf(ours);
        for (Record record : records) {
            List<MessageHash> theirs = record.content().messageHashes();
            if (!theirs.isEmpty() && theirs.stream().noneMatch(mine::contains)) {
                result.add(record);
            }
        }
        return result;
    }
}
