package io.topictracker.engine.gossip.proto;

import io.topictracker.api.PeerId;
import io.topictracker.api.PeerInfo;
import java.util.List;
import java.util.Objects;

/** Everything that can happen to a topic's state machine. Immutable; no component is null. */
public sealed interface Input {
    /** A message from {@code from}, whose identity the transport proved. */
    record Received(PeerId from, Message message) implements Input {
        public Received {
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(message, "message");
        }
    }

    /** A timer asked for with {@link Output.Schedule} is due. */
    record TimerFired(Timer timer) implements Input {
        public TimerFired {
            Objects.requireNonNull(timer, "timer");
        }
    }

    /** A connection to {@code peer} is now open (informational: HyParView acts on messages, not connections). */
    record PeerConnected(PeerId peer) implements Input {
        public PeerConnected {
            Objects.requireNonNull(peer, "peer");
        }
    }

    /** The connection to {@code peer} failed or could not be opened: treat the peer as crashed (HyParView §4.2). */
    record PeerDisconnected(PeerId peer) implements Input {
        public PeerDisconnected {
            Objects.requireNonNull(peer, "peer");
        }
    }

    /**
     * Application: join the overlay through these peers.
     *
     * @param untilJoined whether a Join that still waits for its dial when a contact accepted another of them is
     *     dropped (the bootstrap loop's Joins: see {@link Output.Send#untilJoined})
     */
    record JoinPeers(List<PeerInfo> peers, boolean untilJoined) implements Input {
        public JoinPeers {
            peers = List.copyOf(peers);
        }

        /** Joins that are all sent, whatever the topic has meanwhile. */
        public JoinPeers(List<PeerInfo> peers) {
            this(peers, false);
        }
    }

    /** Application: broadcast {@code payload} to the whole overlay. The array is handed over, not copied. */
    record Broadcast(byte[] payload) implements Input {
        public Broadcast {
            Objects.requireNonNull(payload, "payload");
        }
    }

    /** Application: send {@code payload} to the direct neighbours only. The array is handed over, not copied. */
    record BroadcastNeighbors(byte[] payload) implements Input {
        public BroadcastNeighbors {
            Objects.requireNonNull(payload, "payload");
        }
    }

    /** Application: leave the topic, telling the neighbours. */
    record Quit() implements Input {}
}
