package io.topictracker.engine.gossip.net;

import io.topictracker.api.PeerId;
import java.util.HashMap;
import java.util.Map;

/**
 * Bounds on connections others open to us (issue 16: anyone can make an identity, and a thousand connections held a
 * node at a thousand file descriptors): in total, per remote IP and per remote identity, as libp2p's connection
 * manager and Hyperswarm's {@code maxPeers} bound theirs. A connection over a bound is closed at once; the node keeps
 * serving the ones it has.
 *
 * <p>Pure counting; thread-safe (connections are accepted and closed on transport threads).
 */
final class InboundLimits {
    private final int maxTotal;
    private final int maxPerIp;
    private final int maxPerPeer;
    private final Map<String, Integer> perIp = new HashMap<>();
    private final Map<PeerId, Integer> perPeer = new HashMap<>();
    private int total;

    /** @param maxTotal at least 1; @param maxPerIp at least 1; @param maxPerPeer at least 1 */
    InboundLimits(int maxTotal, int maxPerIp, int maxPerPeer) {
        this.maxTotal = maxTotal;
        this.maxPerIp = maxPerIp;
        this.maxPerPeer = maxPerPeer;
    }

    /**
     * Counts a new inbound connection if every bound allows it.
     *
     * @param peer its proven identity, not null
     * @param ip its remote host, not null
     * @return null if admitted (then {@link #release} it when it closes), else which bound refused it
     */
    synchronized String admit(PeerId peer, String ip) {
        if (total >= maxTotal) {
            return "already " + total + " inbound connections (max_inbound_connections)";
        }
        if (perIp.getOrDefault(ip, 0) >= maxPerIp) {
            return "already " + maxPerIp + " inbound connections from " + ip + " (max_inbound_connections_per_ip)";
        }
        if (perPeer.getOrDefault(peer, 0) >= maxPerPeer) {
            return "already " + maxPerPeer + " inbound connections from this identity"
                    + " (max_inbound_connections_per_peer)";
        }
        total++;
        perIp.merge(ip, 1, Integer::sum);
        perPeer.merge(peer, 1, Integer::sum);
        return null;
    }

    /** An admitted connection closed. */
    synchronized void release(PeerId peer, String ip) {
        total = Math.max(0, total - 1);
        perIp.computeIfPresent(ip, (k, n) -> n <= 1 ? null : n - 1);
        perPeer.computeIfPresent(peer, (k, n) -> n <= 1 ? null : n - 1);
    }

    /** @return inbound connections counted now */
    synchronized int total() {
        return total;
    }
}
