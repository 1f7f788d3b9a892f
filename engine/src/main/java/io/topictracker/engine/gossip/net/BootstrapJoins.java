package io.topictracker.engine.gossip.net;

import io.topictracker.api.PeerId;
import java.util.HashSet;
import java.util.Set;

/**
 * Whether a contact accepted one of the bootstrap loop's Joins since the topic was last alone. From then on, the
 * bootstrap's Joins still waiting for their dials are moot, and {@link PeerLinks} drops them: one accepted Join makes
 * a member (HyParView §4.1), and each further one would start the contact's ForwardJoin walks, each ending in a dial
 * back and, in a full active view, an eviction.
 *
 * <p>Only an accepted Join of ours counts, not a neighbour that joined us. In a cold start the starters join the
 * publishers passively, and a publisher that then dropped its own Joins to the other publishers left one island per
 * publisher (a swarm all joined after 3.8 s was connected only after 32.7 s, healed by the merge workers).
 *
 * <p>Thread-safety: {@link #sent}, {@link #neighbourUp} and {@link #alone} run on the topic's executor;
 * {@link #accepted} is read on any thread. Bounded: at most {@link #MAX_CONTACTS} contacts are remembered; one past
 * that is not noticed when it accepts (its Join is still dropped once a remembered contact accepts).
 */
final class BootstrapJoins {
    /** Contacts remembered; a bootstrap round names a few, and the set empties once one accepts. */
    static final int MAX_CONTACTS = 256;

    private final Set<PeerId> contacts = new HashSet<>();
    private volatile boolean accepted;

    /** The bootstrap sent a Join to {@code contact}; not null. */
    void sent(PeerId contact) {
        if (!accepted && contacts.size() < MAX_CONTACTS) {
            contacts.add(contact);
        }
    }

    /** {@code peer} became a neighbour; not null. */
    void neighbourUp(PeerId peer) {
        if (contacts.contains(peer)) {
            accepted = true;
            contacts.clear();
        }
    }

    /** The topic lost its last neighbour: its next bootstrap starts afresh. */
    void alone() {
        accepted = false;
        contacts.clear();
    }

    /** @return whether a contact accepted one of the bootstrap's Joins since the topic was last alone; any thread */
    boolean accepted() {
        return accepted;
    }
}
