package io.topictracker.dht.mainline.node;

import io.topictracker.dht.mainline.routing.NodeInfo;
import io.topictracker.dht.mainline.routing.RoutingTable;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a node's routing table (BEP5) and its place in the id space (BEP42): which nodes it admits, what it does when
 * one is seen, which buckets need a refresh, and the switch to an id valid for the external address once the
 * {@code ip} votes agree on one. Pure logic; what needs the network (pinging a questionable node, refresh lookups) it
 * returns to the caller.
 *
 * <p>Not thread-safe: confine to the node's event loop, except {@link #ownId()} and {@link #externalAddress()},
 * which any thread may read (possibly one change late).
 */
final class RoutingMaintainer {
    private static final Logger LOG = LoggerFactory.getLogger(RoutingMaintainer.class);
    /** BEP5 bucket size, and how many closest nodes a value is stored on. */
    static final int K = 8;
    private static final int MAX_FAILURES = 2;
    /** BEP42 voting: three agreeing responders decide, out of the last sixteen. */
    private static final int QUORUM = 3;
    private static final int VOTERS_REMEMBERED = 16;
    /** Most stale buckets refreshed per maintenance round. */
    private static final int REFRESHES_PER_ROUND = 3;

    private final MainlineSettings settings;
    private final NetworkConditions conditions;
    private final Random random;
    private final IpVoter voter = new IpVoter(QUORUM, VOTERS_REMEMBERED);
    private volatile RoutingTable table;
    private volatile InetAddress externalAddress;
    /** What every voter so far reports, before a decision; see {@link #externalAddress()}. */
    private volatile InetAddress unanimous;

    /**
     * @param ownId our 20-byte node id, not null
     * @param random for ids, not null
     */
    RoutingMaintainer(MainlineSettings settings, NetworkConditions conditions, byte[] ownId, Random random) {
        this.settings = settings;
        this.conditions = conditions;
        this.random = random;
        this.table = new RoutingTable(ownId, K, MAX_FAILURES);
    }

    /** @return the table, never null; replaced when the node takes a new id */
    RoutingTable table() {
        return table;
    }

    /** @return our node id (a copy) */
    byte[] ownId() {
        return table.ownId();
    }

    /** Takes {@code id} as ours with an empty table (a saved id, before anything was learnt). */
    void adopt(byte[] id) {
        table = new RoutingTable(id, K, MAX_FAILURES);
    }

    /**
     * @return the external IP the votes last decided on; before any decision, the one every voter so far reports
     *     ({@link IpVoter#unanimous}: with a single public DHT node, as in a private deployment or the NAT lab, no
     *     quorum is ever reached, yet a node behind a NAT must learn its reflexive address to advertise it — issue 15).
     *     The id switch of BEP42 still waits for a quorum. Null if no node answered with an {@code ip}
     */
    InetAddress externalAddress() {
        InetAddress known = externalAddress;
        return known != null ? known : unanimous;
    }

    /** @return whether {@code node}'s id may enter the table and lookups (BEP42, when enforced) */
    boolean admits(NodeInfo node) {
        return !settings.enforceBep42() || verified(node);
    }

    /** BEP42: whether {@code node}'s id matches its address (exempt addresses always do); the table prefers these. */
    private boolean verified(NodeInfo node) {
        return Bep42.isValid(node.id(), conditions.addressOf(node.address()));
    }

    /**
     * Notes that {@code node} queried us ({@code responded} false) or answered us.
     *
     * @return a questionable node to ping because {@code node} waits for its place, or null
     */
    NodeInfo seen(NodeInfo node, boolean responded, long now) {
        if (!admits(node)) {
            return null;
        }
        if (table.seen(node, responded, verified(node), now) == RoutingTable.Outcome.CACHED) {
            return table.questionableNear(node.id(), now);
        }
        return null;
    }

    /** {@code node} did not answer a ping, or refused it. */
    void failed(NodeInfo node) {
        table.failed(node);
    }

    /** @return up to three random targets in stale buckets, for refresh lookups (BEP5 maintenance) */
    List<byte[]> refreshTargets(long now) {
        List<byte[]> targets = table.refreshTargets(now, RoutingTable.QUESTIONABLE_AFTER_MILLIS, random);
        return targets.size() > REFRESHES_PER_ROUND ? targets.subList(0, REFRESHES_PER_ROUND) : targets;
    }

    /**
     * BEP42: {@code voter} says it sees us at {@code reported}; once the voters agree, takes an id valid for that
     * address if ours is not (unless the id is configured), whether or not we enforce BEP42 ourselves (as libtorrent
     * does): other nodes prefer verified ids, and enforcing ones require them.
     */
    void vote(InetSocketAddress voterAddress, InetSocketAddress reported, long now) {
        if (reported == null) {
            return;
        }
        InetAddress decided = voter.vote(conditions.addressOf(voterAddress), reported.getAddress());
        if (decided != null) {
            externalAddress = decided;
        }
        unanimous = voter.unanimous();
        if (decided == null || settings.nodeId() != null || Bep42.isExempt(decided)
                || Bep42.isValid(table.ownId(), decided)) {
            return;
        }
        LOG.info("external address {} learned by vote; switching to a BEP42 node id", decided.getHostAddress());
        RoutingTable next = new RoutingTable(Bep42.idFor(decided, random), K, MAX_FAILURES);
        for (NodeInfo n : table.nodes()) {
            next.seen(n, true, verified(n), now);
        }
        table = next;
    }
}
