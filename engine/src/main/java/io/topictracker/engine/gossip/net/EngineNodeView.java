package io.topictracker.engine.gossip.net;

import io.topictracker.api.PeerAddress;
import io.topictracker.api.PeerId;
import io.topictracker.api.PeerInfo;
import io.topictracker.api.transport.NodeAware;
import io.topictracker.api.transport.NodeView;
import io.topictracker.api.transport.Transport;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The engine's {@link NodeView} for transports that relay (issue 15). Reachable: an authenticated connection reached
 * us directly from a global address (an inbound connection is proof, where an observer's claim is only a claim), or
 * two observers saw us at one of our own addresses. Known peers: the last {@link #MAX_KNOWN} peers the node sent to.
 * Thread-safe.
 */
final class EngineNodeView implements NodeView {
    static final int MAX_KNOWN = 64;

    private final PeerId self;
    private final Transports transports;
    private final ObservedAddresses observed;
    private final MembershipProofs proofs;
    private final Map<PeerId, PeerInfo> known = PeerMaps.leastRecentlyUsed(MAX_KNOWN);
    private volatile boolean reachedFromOutside;

    EngineNodeView(PeerId self, Transports transports, ObservedAddresses observed, MembershipProofs proofs) {
        this.self = self;
        this.transports = transports;
        this.observed = observed;
        this.proofs = proofs;
    }

    /** A peer we send to. */
    void seen(PeerInfo peer) {
        synchronized (known) {
            known.put(peer.id(), peer);
        }
    }

    /** A connection we accepted, not relayed, came from {@code host}. */
    void acceptedDirectlyFrom(String host) {
        if (!reachedFromOutside && isGlobal(host)) {
            reachedFromOutside = true;
        }
    }

    @Override
    public boolean reachable() {
        return reachedFromOutside || observed.confirmsOwn(directAddresses());
    }

    @Override
    public List<PeerInfo> knownPeers() {
        synchronized (known) {
            List<PeerInfo> all = new ArrayList<>(known.values());
            java.util.Collections.reverse(all);
            return all;
        }
    }

    @Override
    public List<byte[]> membershipProofs(PeerId verifier) {
        return proofs.prove(self, verifier);
    }

    @Override
    public boolean isMember(PeerId claimant, List<byte[]> claimed) {
        return proofs.verify(claimant, self, claimed);
    }

    @Override
    public List<PeerAddress> confirmedAddresses() {
        return observed.confirmed(directAddresses());
    }

    /** The addresses of the transports that do not ask this view (asking them would ask us back). */
    List<PeerAddress> directAddresses() {
        List<PeerAddress> own = new ArrayList<>();
        for (Transport transport : transports.all()) {
            if (!(transport instanceof NodeAware)) {
                own.addAll(transport.localAddresses());
            }
        }
        return own;
    }

    /**
     * @return whether {@code host} is an IP literal of a global unicast address: outside the local scopes, and neither
     *     unique local (fc00::/7, RFC 4193) nor shared address space (100.64.0.0/10, RFC 6598)
     */
    static boolean isGlobal(String host) {
        InetAddress address = IpLiterals.parse(host);
        if (address == null || IpLiterals.isLocalScope(address)) {
            return false;
        }
        byte[] ip = address.getAddress();
        if (address instanceof Inet6Address) {
            return (ip[0] & 0xFE) != 0xFC;
        }
        return !((ip[0] & 0xFF) == 100 && (ip[1] & 0xC0) == 64);
    }
}
