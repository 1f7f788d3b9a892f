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
     * addresses) followed by its active peers, first mention wins, without {@code self} and {@code exclude}.
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

    private static void add(Map<PeerId, PeerInfo> found, PeerInfo peer, PeerId self, Set<PeerId> exclude) {
        if (!peer.id().equals(self) && !exclude.contains(peer.id())) {
            found.putIfAbsent(peer.id(), peer);
        }
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
