package io.topictracker.engine.topic;

import io.topictracker.api.PeerId;
import io.topictracker.api.PeerInfo;
import io.topictracker.engine.records.Record;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds, from records alone, a split of a topic's overlay that carries no messages: two overlays of full nodes
 * neither of which has a reason to look for the other (no node under {@code min_neighbors} for the bubble merge, no
 * message hashes for the message-overlap merge). Issue 15's NAT lab ended in such a split: two complete overlays of
 * five and six chats whose joins across had been dropped by the NATs while the overlays formed.
 *
 * <p>The records' neighbour lists (each publisher's active peers) and our own neighbours are read as an undirected
 * graph. Seeing a node in another connected part proves nothing by itself: records are few, and a part looks separate
 * whenever the records that would join it up are not among those read. The proof is a <em>closed</em> part: one
 * whose every node published a record we read, so that every edge leaving it would have been seen. A closed part of
 * two or more nodes apart from ours, or ours closed while another part of two or more exists, is a split; a
 * lone node with no neighbours is a bubble, the bubble merge's case, and proves nothing here.
 *
 * <p>Pure and stateless; thread-safe. Costs O(records × {@link io.topictracker.engine.records.RecordContent} peers).
 */
final class OverlaySplit {
    private OverlaySplit() {}

    /**
     * @param records records read, oldest first (a newer record of a publisher gives its addresses), not null; our
     *     own are skipped (our current neighbours stand for them)
     * @param self not null
     * @param neighbours our current neighbours, not null
     * @return the publishers across a proven split, with their newest records' addresses, in order of first record;
     *     empty when the records prove no split or we have no neighbours (a bubble of one: the bubble merge's case);
     *     never null
     */
    static List<PeerInfo> across(Collection<Record> records, PeerId self, Set<PeerId> neighbours) {
        if (neighbours.isEmpty()) {
            return List.of();
        }
        Map<PeerId, PeerInfo> publishers = new LinkedHashMap<>();
        Map<PeerId, Set<PeerId>> edges = new HashMap<>();
        for (PeerId neighbour : neighbours) {
            link(edges, self, neighbour);
        }
        for (Record record : records) {
            PeerId publisher = record.publisher();
            if (publisher.equals(self)) {
                continue;
            }
            publishers.put(publisher, new PeerInfo(publisher, record.content().addresses()));
            edges.computeIfAbsent(publisher, p -> new HashSet<>());
            for (PeerInfo peer : record.content().activePeers()) {
                link(edges, publisher, peer.id());
            }
        }
        Set<PeerId> ours = reach(edges, self);
        boolean oursClosed = ours.stream().allMatch(p -> p.equals(self) || publishers.containsKey(p));
        Set<PeerId> seen = new HashSet<>(ours);
        Set<PeerId> across = new HashSet<>();
        for (PeerId start : edges.keySet()) {
            if (seen.contains(start)) {
                continue;
            }
            Set<PeerId> part = reach(edges, start);
            seen.addAll(part);
            boolean closed = publishers.keySet().containsAll(part);
            if (part.size() >= 2 && (closed || oursClosed)) {
                across.addAll(part);
            }
        }
        List<PeerInfo> result = new ArrayList<>();
        for (PeerInfo publisher : publishers.values()) {
            if (across.contains(publisher.id()) && !neighbours.contains(publisher.id())) {
                result.add(publisher);
            }
        }
        return result;
    }

    private static void link(Map<PeerId, Set<PeerId>> edges, PeerId a, PeerId b) {
        if (a.equals(b)) {
            return;
        }
        edges.computeIfAbsent(a, p -> new HashSet<>()).add(b);
        edges.computeIfAbsent(b, p -> new HashSet<>()).add(a);
    }

    private static Set<PeerId> reach(Map<PeerId, Set<PeerId>> edges, PeerId start) {
        Set<PeerId> reached = new HashSet<>();
        reached.add(start);
        ArrayDeque<PeerId> queue = new ArrayDeque<>(reached);
        while (!queue.isEmpty()) {
            for (PeerId next : edges.getOrDefault(queue.poll(), Set.of())) {
                if (reached.add(next)) {
                    queue.add(next);
                }
            }
        }
        return reached;
    }
}
