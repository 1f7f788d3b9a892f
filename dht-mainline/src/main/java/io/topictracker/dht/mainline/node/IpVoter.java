package io.topictracker.dht.mainline.node;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Learns our external IP from the {@code ip} field of responses (BEP42), one vote per responding IP, keeping the
 * most recent {@code maxVoters} votes; an address is adopted once it has {@code quorum} votes and a majority.
 * Not thread-safe.
 */
public final class IpVoter {
    private final int quorum;
    private final int maxVoters;
    private final LinkedHashMap<InetAddress, InetAddress> votes = new LinkedHashMap<>();
    private InetAddress decided;

    /** @param quorum votes needed; @param maxVoters votes remembered */
    public IpVoter(int quorum, int maxVoters) {
        this.quorum = quorum;
        this.maxVoters = maxVoters;
    }

    /**
     * @param voter the responder's IP, not null
     * @param reported the IP it says we have, not null
     * @return the newly decided address if this vote changed the decision, else null
     */
    public InetAddress vote(InetAddress voter, InetAddress reported) {
        votes.remove(voter);
        votes.put(voter, reported);
        if (votes.size() > maxVoters) {
            votes.remove(votes.keySet().iterator().next());
        }
        Map<InetAddress, Integer> counts = new HashMap<>();
        for (InetAddress a : votes.values()) {
            counts.merge(a, 1, Integer::sum);
        }
        for (Map.Entry<InetAddress, Integer> e : counts.entrySet()) {
            if (e.getValue() >= quorum && e.getValue() * 2 > votes.size() && !e.getKey().equals(decided)) {
                decided = e.getKey();
                return decided;
            }
        }
        return null;
    }

    /** @return the decided external address, or null */
    public InetAddress decided() {
        return decided;
    }

    /**
     * A weaker answer for when too few nodes answered to decide (a private network with one bootstrap node, a node
     * just started): the address every remembered voter reports, if they all agree. Reports of a loopback,
     * link-local or wildcard address are left out: they come from a node reaching us on this host (a node's own
     * address learnt back through the table) and say nothing of how the network sees us.
     *
     * @return the decided address if any; else the address all remembered voters that report a routable address agree
     *     on (at least one); else null
     */
    public InetAddress unanimous() {
        if (decided != null) {
            return decided;
        }
        InetAddress agreed = null;
        for (InetAddress reported : votes.values()) {
            if (reported.isLoopbackAddress() || reported.isLinkLocalAddress() || reported.isAnyLocalAddress()) {
                continue;
            }
            if (agreed != null && !agreed.equals(reported)) {
                return null;
            }
            agreed = reported;
        }
        return agreed;
    }
}
