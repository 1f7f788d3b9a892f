package io.topictracker.api.transport;

import io.topictracker.api.PeerAddress;
import io.topictracker.api.PeerId;
import io.topictracker.api.PeerInfo;
import java.util.List;

/**
 * What the engine knows about its own node that a transport cannot see from its sockets alone, for transports that
 * relay (issue 15): whether the node is reachable from outside, which peers it heard of, and the topic membership
 * proofs that admit a peer to a relay as a Join is admitted to a topic. Given to a transport that implements
 * {@link NodeAware}. Methods are thread-safe, never block and return fresh or immutable values.
 */
public interface NodeView {
    /**
     * @return whether peers outside our network reach us directly: an authenticated connection reached us directly
     *     from a global (not private, loopback or link-local) address, or observers confirmed one of our own
     *     addresses as the one they see us at
     */
    boolean reachable();

    /**
     * @return peers we lately dialled or were told of (with the addresses they advertise), most recent first,
     *     bounded (at most 64); never null
     */
    List<PeerInfo> knownPeers();

    /**
     * @param verifier the peer that is to check the proofs, not null
     * @return one 32-byte proof per topic we joined (at most 16), each showing {@code verifier} that we know that
     *     topic's secret, bound to our id and the verifier's; empty when we joined none; never null
     */
    List<byte[]> membershipProofs(PeerId verifier);

    /**
     * @param claimant the peer that sent the proofs (its identity proven by the transport), not null
     * @param proofs what it sent, not null (at most 16 are looked at)
     * @return true if one proof shows that {@code claimant} knows the secret of a topic we joined
     */
    boolean isMember(PeerId claimant, List<byte[]> proofs);

    /** @return the addresses observers confirmed for us; never null */
    List<PeerAddress> confirmedAddresses();
}
