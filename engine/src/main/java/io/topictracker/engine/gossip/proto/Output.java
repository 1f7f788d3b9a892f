package io.topictracker.engine.gossip.proto;

import io.topictracker.api.PeerId;
import io.topictracker.api.PeerInfo;
import io.topictracker.engine.gossip.GossipEvent;
import java.util.Objects;

/** What a topic's state machine asks its driver to do. Immutable; no component is null. */
public sealed interface Output {
    /**
     * Send {@code message} to {@code to}, dialling one of its addresses if there is no connection yet.
     *
     * @param untilJoined drop the message instead if, when it can go (its dial done), a contact has accepted another
     *     Join of the bootstrap's since the topic was last alone: a bootstrap Join, moot by then (HyParView §4.1: one
     *     accepted Join makes a member)
     */
    record Send(PeerInfo to, Message message, boolean untilJoined) implements Output {
        public Send {
            Objects.requireNonNull(to, "to");
            Objects.requireNonNull(message, "message");
        }

        /** A message sent whatever the topic has meanwhile. */
        public Send(PeerInfo to, Message message) {
            this(to, message, false);
        }
    }

    /** Feed {@code timer} back as an {@link Input.TimerFired} after {@code delayMillis}. */
    record Schedule(long delayMillis, Timer timer) implements Output {
        public Schedule {
            Objects.requireNonNull(timer, "timer");
            if (delayMillis < 0) {
                throw new IllegalArgumentException("delay must not be negative, got " + delayMillis);
            }
        }
    }

    /** This topic no longer needs a link to {@code peer}; the driver may close it if no other topic does. */
    record DisconnectPeer(PeerId peer) implements Output {
        public DisconnectPeer {
            Objects.requireNonNull(peer, "peer");
        }
    }

    /** Tell the application. */
    record Emit(GossipEvent event) implements Output {
        public Emit {
            Objects.requireNonNull(event, "event");
        }
    }
}
