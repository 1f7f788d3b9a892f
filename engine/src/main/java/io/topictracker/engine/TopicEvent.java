package io.topictracker.engine;

import io.topictracker.api.PeerId;
import java.util.Objects;

/**
 * What a {@link TopicReceiver} delivers. Immutable and thread-safe (a {@link Received}'s payload array belongs to
 * whoever took the event); no component is null.
 */
public sealed interface TopicEvent {
    /** A peer entered our active view: broadcasts now flow to and from it directly. */
    record NeighborUp(PeerId peer) implements TopicEvent {
        public NeighborUp {
            Objects.requireNonNull(peer, "peer");
        }
    }

    /** A peer left our active view. */
    record NeighborDown(PeerId peer) implements TopicEvent {
        public NeighborDown {
            Objects.requireNonNull(peer, "peer");
        }
    }

    /**
     * A broadcast arrived for the first time.
     *
     * @param author who wrote it (its signature was checked when signatures are on)
     * @param deliveredBy the neighbour it came from
     * @param payload the application bytes
     */
    record Received(PeerId author, PeerId deliveredBy, byte[] payload) implements TopicEvent {
        public Received {
            Objects.requireNonNull(author, "author");
            Objects.requireNonNull(deliveredBy, "deliveredBy");
            Objects.requireNonNull(payload, "payload");
        }
    }

    /**
     * The receiver's queue overflowed: {@code missed} of the oldest events were dropped since the last delivered
     * event. Delivered before any newer event.
     */
    record Lagged(long missed) implements TopicEvent {
        public Lagged {
            if (missed < 1) {
                throw new IllegalArgumentException("missed must be at least 1, got " + missed);
            }
        }
    }
}
