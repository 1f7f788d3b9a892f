package io.topictracker.engine.gossip.proto;

import io.topictracker.api.PeerId;
import java.util.Objects;

/** A timer the state machine asked for and gets back as an {@link Input.TimerFired}. Immutable; no null component. */
public sealed interface Timer {
    /** Periodic HyParView shuffle (DSN 2007, §4.3). */
    record Shuffle() implements Timer {}

    /** A Neighbor request to {@code peer} went unanswered. */
    record NeighborTimeout(PeerId peer) implements Timer {
        public NeighborTimeout {
            Objects.requireNonNull(peer, "peer");
        }
    }

    /** An announced message has not arrived: graft (PlumTree §3.6). */
    record Graft(MessageId id) implements Timer {
        public Graft {
            Objects.requireNonNull(id, "id");
        }
    }

    /** Send the batched IHave announcements (lazy push, PlumTree §3.3). */
    record DispatchLazy() implements Timer {}

    /** Sweep the message and id caches. */
    record EvictCaches() implements Timer {}
}
