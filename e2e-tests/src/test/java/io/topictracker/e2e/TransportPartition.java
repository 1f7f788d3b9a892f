package io.topictracker.e2e;

import io.topictracker.api.PeerId;
import io.topictracker.api.transport.Connection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A network cut between groups of nodes, for the transports a {@link PartitionableTransportProvider} wraps: while it
 * is {@linkplain #split() split}, a node dials no node of another group (the dial fails with CONNECT_FAILED), accepts
 * none (the connection is closed at once) and its connections across the cut are closed when the split starts.
 * {@link #lift()} lets connections through again. {@link #liftBehindNat(String)} lifts it for one direction only: a
 * group's nodes then dial out to every group, as nodes behind NATs that drop unsolicited packets do, and no other
 * group's node can dial in. Nodes in no group are never cut off. It also counts the dials each transport was asked
 * for, cut or not. Thread-safe.
 */
final class TransportPartition {
    /** A connection a wrapped transport opened or accepted, with the node that holds it. */
    private record Held(PeerId holder, Connection connection) {}

    private final Map<PeerId, String> groups = new ConcurrentHashMap<>();
    private final Set<Held> open = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicInteger> dials = new ConcurrentHashMap<>();
    private final AtomicInteger refused = new AtomicInteger();
    private volatile boolean split;
    /** The group no other group may dial into, while the split is lifted; null for none. */
    private volatile String behindNat;

    /** Puts a node in a group (before or during a split). */
    void assign(PeerId node, String group) {
        groups.put(node, group);
    }

    /** Cuts the groups apart: closes every connection across the cut and refuses new ones until {@link #lift()}. */
    void split() {
        split = true;
        for (Held held : List.copyOf(open)) {
            if (separates(held.holder(), held.connection().remote())) {
                // Counted: a connected overlay always has a link across a cut, but not always a later dial across.
                refusedOne();
                held.connection().close();
            }
        }
    }

    /** Lets connections across the cut through again, both ways. */
    void lift() {
        behindNat = null;
        split = false;
    }

    /** Lets connections across the cut through again, but only those {@code group}'s nodes dial themselves. */
    void liftBehindNat(String group) {
        behindNat = group;
        split = false;
    }

    /** @return whether {@code dialler}'s dial to {@code target} is refused now (the cut, or the target's NAT) */
    boolean refusesDial(PeerId dialler, PeerId target) {
        String nat = behindNat;
        if (nat != null && nat.equals(groups.get(target)) && !nat.equals(groups.get(dialler))) {
            return true;
        }
        return separates(dialler, target);
    }

    /** @return whether a connection between these two nodes is cut now */
    boolean separates(PeerId a, PeerId b) {
        if (!split) {
            return false;
        }
        String groupA = groups.get(a);
        String groupB = groups.get(b);
        return groupA != null && groupB != null && !groupA.equals(groupB);
    }

    /** Notes a dial over the transport with this id. */
    void dialed(String transport) {
        dials.computeIfAbsent(transport, t -> new AtomicInteger()).incrementAndGet();
    }

    /** @return how many dials the transport with this id was asked for */
    int dials(String transport) {
        AtomicInteger count = dials.get(transport);
        return count == null ? 0 : count.get();
    }

    /** Notes a connection refused or closed because of the cut. */
    void refusedOne() {
        refused.incrementAndGet();
    }

    /** @return how many dials and accepts the cut refused, and connections across it that a split closed */
    int refused() {
        return refused.get();
    }

    /**
     * Tracks a connection a node opened or accepted, closing it at once if the cut separates its ends (a split that
     * started while it was being set up).
     *
     * @return whether the connection may be used
     */
    boolean admit(PeerId holder, Connection connection) {
        Held held = new Held(holder, connection);
        open.add(held);
        connection.closeFuture().whenComplete((v, e) -> open.remove(held));
        // Added before this check, so a split() running now either sees the connection or is seen here.
        if (separates(holder, connection.remote())) {
            refusedOne();
            connection.close();
            return false;
        }
        return true;
    }
}
