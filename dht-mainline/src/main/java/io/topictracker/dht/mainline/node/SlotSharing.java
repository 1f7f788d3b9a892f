package io.topictracker.dht.mainline.node;

import io.topictracker.dht.mainline.routing.NodeIds;
import io.topictracker.dht.mainline.routing.NodeInfo;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Chooses which of the closest nodes a BEP44 put goes to when several writers share one slot (same key and salt,
 * same seq, different values — how Topic Tracker's per-minute slots are used).
 *
 * <p>Plain BEP44 would send every writer's put to the same k closest nodes, each overwriting the last (libtorrent
 * lets an equal seq overwrite), so a reader would see one writer. Instead a writer that finds other writers' values
 * at its own seq takes a fair share of the k nodes — {@code ceil(k / (writers + 1))} — starting with free nodes and
 * then taking nodes from the writers holding the most, never a writer's last node. A get over the k closest then
 * sees up to k writers.
 *
 * <p>A writer that finds the slot empty (no node holding any value for it) takes half of the nodes,
 * {@code ceil(k / 2)}, those that rank first by SHA-1 of node id and value: a second writer whose lookup ran before
 * our store landed (the two puts cross, neither seeing the other) ranks the nodes independently, so the two halves
 * overlap on about a quarter of the nodes and each keeps the rest of its half; had both taken all k, the later put
 * would have replaced the earlier on every node. Both halves coincide for 1 pair in C(8, 4) = 70. The cost is
 * redundancy: a lone writer's item lives on half of the closest nodes (a put that finds its own earlier value there
 * takes every free node).
 *
 * <p>Nodes holding a higher seq are kept in the set so the refusal (302) is reported; nodes holding a lower seq, our
 * own value or a value we put there before (our record of the same minute with other content: it is ours to
 * replace, not another writer's) are free.
 *
 * <p>Pure and stateless.
 */
public final class SlotSharing {
    private SlotSharing() {}

    /**
     * What one node holds for the target.
     *
     * @param seq its stored seq
     * @param value its value as a key (bytes as ISO-8859-1), not null
     */
    public record Held(long seq, String value) {}

    /**
     * @param candidates the closest responders with tokens, closest first, not null
     * @param held what each node returned for the target (absent: nothing), not null
     * @param seq the seq we put
     * @param value our value as a key, not null
     * @return the nodes to put to, never null
     */
    public static List<Lookup.Candidate> choose(List<Lookup.Candidate> candidates, Map<NodeInfo, Held> held, long seq,
            String value) {
        return choose(candidates, held, seq, value, Set.of());
    }

    /**
     * As {@link #choose(List, Map, long, String)}, with the values we put to this target before.
     *
     * @param earlier values (as keys) of our earlier puts to this target, not null: nodes holding one are free
     */
    public static List<Lookup.Candidate> choose(List<Lookup.Candidate> candidates, Map<NodeInfo, Held> held, long seq,
            String value, Set<String> earlier) {
        List<Lookup.Candidate> chosen = new ArrayList<>();
        Map<String, List<Lookup.Candidate>> others = new LinkedHashMap<>();
        for (Lookup.Candidate c : candidates) {
            Held h = held.get(c.node());
            if (h != null && h.seq() == seq && !h.value().equals(value) && !earlier.contains(h.value())) {
                others.computeIfAbsent(h.value(), v -> new ArrayList<>()).add(c);
            } else {
                chosen.add(c);
            }
        }
        if (others.isEmpty()) {
            return slotEmpty(candidates, held) ? firstWritersHalf(chosen, value) : chosen;
        }
        int share = (candidates.size() + others.size()) / (others.size() + 1); // ceil(n / (writers + 1))
        while (chosen.size() < share) {
            List<Lookup.Candidate> richest = null;
            for (List<Lookup.Candidate> group : others.values()) {
                if (group.size() > 1 && (richest == null || group.size() > richest.size())) {
                    richest = group;
                }
            }
            if (richest == null) {
                break;
            }
            chosen.add(richest.remove(richest.size() - 1)); // its farthest node
        }
        return chosen;
    }

    private static boolean slotEmpty(List<Lookup.Candidate> candidates, Map<NodeInfo, Held> held) {
        return candidates.stream().noneMatch(c -> held.containsKey(c.node()));
    }

    /** @return the {@code ceil(n / 2)} of {@code candidates} with the lowest SHA-1 of node id and value, in input order */
    private static List<Lookup.Candidate> firstWritersHalf(List<Lookup.Candidate> candidates, String value) {
        byte[] valueBytes = value.getBytes(StandardCharsets.ISO_8859_1);
        Map<Lookup.Candidate, byte[]> rank = new HashMap<>();
        for (Lookup.Candidate c : candidates) {
            rank.put(c, NodeIds.sha1(c.node().id(), valueBytes));
        }
        List<Lookup.Candidate> byRank = new ArrayList<>(candidates);
        byRank.sort((x, y) -> Arrays.compareUnsigned(rank.get(x), rank.get(y)));
        Set<Lookup.Candidate> taken = new HashSet<>(byRank.subList(0, (candidates.size() + 1) / 2));
        return candidates.stream().filter(taken::contains).toList();
    }
}
