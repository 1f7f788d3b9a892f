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

    /**
     * A neighbour we reached through a relay is now reached directly: a direct connection replaced the relayed one
     * (issue 15; the neighbour stayed up throughout, so no {@link NeighborDown} came before).
     */
    record NeighborDirect(PeerId peer) implements TopicEvent {
        public NeighborDirect {
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
     * A broadcast arrived for the first time. The names are the gossip layer's: a new neighbour announces the
     * payloads it still caches, so a message can arrive a little after it was broadcast.
     *
     * @param author who wrote it (its signature was checked when signatures are on)
     * @param deliveredFrom the neighbour it came from (the author itself when it is a neighbour)
     * @param neighborsOnly true if the author sent it to its direct neighbours only, who do not forward it
     * @param payload the application bytes; the array belongs to whoever took the event
     */
    record Received(PeerId author, PeerId deliveredFrom, boolean neighborsOnly, byte[] payload) implements TopicEvent {
        public Received {
            Objects.requireNonNull(author, "author");
            Objects.requireNonNull(deliveredFrom, "deliveredFrom");
            Objects.requireNonNull(payload, "payload");
        }
    }

    /**
     * The topic lost its last neighbour and is bootstrapping again (looking up records and joining their peers, as at
     * start), because {@code [bootstrap] rejoin} is on. Broadcasts sent meanwhile reach no one.
     */
    record Rejoining() implements TopicEvent {}

    /** After {@link Rejoining}, the topic has a neighbour again. */
    record Joined() implements TopicEvent {}

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

    /**
     * The topic is closed and every event before this one was delivered: the last event of a receiver, answered
     * again, at once, to every later call.
     */
    record Closed() implements TopicEvent {}
}
