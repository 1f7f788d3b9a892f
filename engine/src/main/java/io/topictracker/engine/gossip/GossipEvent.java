package io.topictracker.engine.gossip;

import io.topictracker.api.PeerId;
import java.util.Objects;

/**
 * What the gossip overlay of one topic tells the application. Immutable and thread-safe; no component is null.
 */
public sealed interface GossipEvent {
    /** A peer entered our active view: we now exchange broadcasts with it directly. */
    record NeighborUp(PeerId peer) implements GossipEvent {
        public NeighborUp {
            Objects.requireNonNull(peer, "peer");
        }
    }

    /**
     * A neighbour's connection that went through a relay is direct now (the direct connection upgrade, issue 15);
     * the neighbour stayed up throughout.
     */
    record NeighborDirect(PeerId peer) implements GossipEvent {
        public NeighborDirect {
            Objects.requireNonNull(peer, "peer");
        }
    }

    /** A peer left our active view. */
    record NeighborDown(PeerId peer) implements GossipEvent {
        public NeighborDown {
            Objects.requireNonNull(peer, "peer");
        }
    }

    /**
     * A broadcast arrived for the first time. It may have been sent shortly before we joined or before our current
     * neighbours became neighbours: a new neighbour announces the payloads it still caches
     * ({@code message_cache_retention}), so a message can arrive up to that long after it was broadcast.
     *
     * @param payload the application bytes; the listener owns this array
     * @param author who wrote it (signature checked when signatures are on)
     * @param deliveredFrom the neighbour it came from
     * @param neighborsOnly true if the author sent it to its direct neighbours only
     */
    record Received(byte[] payload, PeerId author, PeerId deliveredFrom, boolean neighborsOnly) implements GossipEvent {
        public Received {
            Objects.requireNonNull(payload, "payload");
            Objects.requireNonNull(author, "author");
            Objects.requireNonNull(deliveredFrom, "deliveredFrom");
        }
    }
}
