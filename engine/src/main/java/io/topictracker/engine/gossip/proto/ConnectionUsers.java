package io.topictracker.engine.gossip.proto;

import io.topictracker.api.PeerId;
import io.topictracker.api.TopicId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Which topics use the connection to each peer, as iroh-gossip's {@code ConnsMap}: one connection per peer serves
 * every topic, so a topic that drops a peer ({@link Output.DisconnectPeer}) lets the connection go only when no
 * other topic still uses it; the driver then closes it once it has carried nothing for a while. A topic uses a peer
 * from its {@code NeighborUp} until it disconnects the peer or the topic ends.
 *
 * <p>Pure bookkeeping, no IO; not thread-safe (the driver guards it). Bounded by the peers in the topics' active views.
 */
public final class ConnectionUsers {
    private final Map<PeerId, Set<TopicId>> users = new HashMap<>();

    /** Records that {@code topic} uses the connection to {@code peer}; neither may be null. */
    public void use(PeerId peer, TopicId topic) {
        users.computeIfAbsent(Objects.requireNonNull(peer, "peer"), p -> new HashSet<>())
                .add(Objects.requireNonNull(topic, "topic"));
    }

    /**
     * Records that {@code topic} no longer uses the connection to {@code peer}.
     *
     * @return true if no topic uses it now (and one did, or none ever did): the connection may be closed
     */
    public boolean release(PeerId peer, TopicId topic) {
        Set<TopicId> topics = users.get(peer);
        if (topics == null) {
            return true;
        }
        topics.remove(topic);
        if (topics.isEmpty()) {
            users.remove(peer);
            return true;
        }
        return false;
    }

    /**
     * Releases every peer {@code topic} used, as when the topic ends.
     *
     * @return the peers no topic uses any more, never null
     */
    public List<PeerId> releaseAll(TopicId topic) {
        List<PeerId> unused = new ArrayList<>();
        for (PeerId peer : List.copyOf(users.keySet())) {
            Set<TopicId> topics = users.get(peer);
            if (topics.remove(topic) && topics.isEmpty()) {
                users.remove(peer);
                unused.add(peer);
            }
        }
        return unused;
    }

    /** @return true if some topic uses the connection to {@code peer} */
    public boolean inUse(PeerId peer) {
        return users.containsKey(peer);
    }
}
