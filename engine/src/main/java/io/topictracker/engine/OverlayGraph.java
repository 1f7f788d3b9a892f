package io.topictracker.engine;

import io.topictracker.api.PeerId;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The overlay that several members of one topic form, seen from one place (an application hosting several nodes, a
 * test, the demo): who is whose neighbour, whether the members are connected, how far apart they are.
 *
 * <p>Only <em>mutual</em> links count: a neighbour link that one side still holds while the other has dropped it
 * carries nothing reliably, so a graph of one-sided links is not "connected" even if it looks so.
 *
 * <p>Immutable and thread-safe; it copies what it is given. Built from the views of at most a few thousand members
 * (each breadth-first search is linear in members plus links).
 *
 * <p>Arguments are never null and results never null unless a method says otherwise.
 */
public final class OverlayGraph {
    private final Map<PeerId, Set<PeerId>> views;
    private final Map<PeerId, Set<PeerId>> mutualLinks;

    private OverlayGraph(Map<PeerId, Set<PeerId>> views, Map<PeerId, Set<PeerId>> mutualLinks) {
        this.views = views;
        this.mutualLinks = mutualLinks;
    }

    /**
     * @param views each member's id and its neighbours ({@link Topic#neighbors()}), not null, no null ids; a
     *     neighbour that is not a member itself cannot hold the link back, so it adds no link
     * @return the graph of the links both ends hold; never null
     */
    public static OverlayGraph of(Map<PeerId, Set<PeerId>> views) {
        Map<PeerId, Set<PeerId>> copies = new HashMap<>();
        views.forEach((member, view) -> copies.put(Objects.requireNonNull(member, "member"), Set.copyOf(view)));
        Map<PeerId, Set<PeerId>> links = new HashMap<>();
        copies.forEach((member, view) -> {
            Set<PeerId> mutual = new HashSet<>();
            for (PeerId neighbour : view) {
                if (copies.getOrDefault(neighbour, Set.of()).contains(member)) {
                    mutual.add(neighbour);
                }
            }
            links.put(member, Set.copyOf(mutual));
        });
        return new OverlayGraph(Map.copyOf(copies), Map.copyOf(links));
    }

    /** @return the members' ids, never null */
    public Set<PeerId> members() {
        return views.keySet();
    }

    /** @return the member's mutual neighbours, empty for an unknown id; never null */
    public Set<PeerId> mutualNeighbours(PeerId member) {
        return mutualLinks.getOrDefault(member, Set.of());
    }

    /** @return true if there is at least one member and every member reaches every other over mutual links */
    public boolean isConnected() {
        return !views.isEmpty() && hopsFrom(views.keySet().iterator().next()).size() == views.size();
    }

    /** @return true if every link either side reports is held by both ends (no view still settling) */
    public boolean allLinksMutual() {
        return views.entrySet().stream().allMatch(view -> mutualNeighbours(view.getKey()).equals(view.getValue()));
    }

    /**
     * @param from a member, not null
     * @return every member reachable from {@code from} over mutual links, with its distance in hops ({@code from}
     *     itself at 0); empty if {@code from} is not a member; never null
     */
    public Map<PeerId, Integer> hopsFrom(PeerId from) {
        Map<PeerId, Integer> distance = new HashMap<>();
        if (!views.containsKey(from)) {
            return distance;
        }
        distance.put(from, 0);
        ArrayDeque<PeerId> todo = new ArrayDeque<>();
        todo.add(from);
        while (!todo.isEmpty()) {
            PeerId next = todo.poll();
            for (PeerId peer : mutualNeighbours(next)) {
                if (distance.putIfAbsent(peer, distance.get(next) + 1) == null) {
                    todo.add(peer);
                }
            }
        }
        return distance;
    }
}
