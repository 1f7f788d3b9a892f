package io.topictracker.cli.demo;

import io.topictracker.api.PeerId;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Whether a neighbour graph is connected. Stateless. */
final class Overlay {
    private Overlay() {}

    /**
     * @param neighbours each node's id and its neighbours, in any order; not null. Links count in both directions,
     *     since a link one side has reported is usable both ways.
     * @return true if every node is reachable from the first
     */
    static boolean connected(List<Map.Entry<PeerId, Set<PeerId>>> neighbours) {
        if (neighbours.isEmpty()) {
            return false;
        }
        Map<PeerId, Set<PeerId>> links = new HashMap<>();
        for (Map.Entry<PeerId, Set<PeerId>> node : neighbours) {
            links.computeIfAbsent(node.getKey(), k -> new HashSet<>());
            for (PeerId other : node.getValue()) {
                links.get(node.getKey()).add(other);
                links.computeIfAbsent(other, k -> new HashSet<>()).add(node.getKey());
            }
        }
        Set<PeerId> reached = new HashSet<>();
        Deque<PeerId> todo = new ArrayDeque<>();
        todo.add(neighbours.get(0).getKey());
        while (!todo.isEmpty()) {
            PeerId next = todo.poll();
            if (reached.add(next)) {
                todo.addAll(links.getOrDefault(next, Set.of()));
            }
        }
        return neighbours.stream().allMatch(node -> reached.contains(node.getKey()));
    }
}
