package io.topictracker.engine.gossip.proto;

import io.topictracker.api.PeerId;
import io.topictracker.api.PeerInfo;
import java.util.List;
import java.util.Objects;

/**
 * A message of the gossip protocol of one topic. The membership messages are HyParView's (DSN 2007, §4); the
 * broadcast messages are PlumTree's (SRDS 2007, §3). Every membership message that names peers carries their
 * {@link PeerInfo}, so a node can dial any peer it hears of. Immutable and thread-safe; no component is null.
 */
public sealed interface Message permits Message.Join, Message.ForwardJoin, Message.Neighbor, Message.Disconnect,
        Message.Shuffle, Message.ShuffleReply, Message.IHave, Message.Graft, Message.Prune, Gossip {
    /** The most peers a Shuffle or ShuffleReply may list; a longer one is malformed. */
    int MAX_SHUFFLE_PEERS = 64;
    /** The most ids one IHave may carry; a longer one is malformed. */
    int MAX_IHAVE_ENTRIES = 1024;

    /** Length of an admission MAC (HMAC-SHA256). */
    int MAC_LENGTH = 32;

    /**
     * A node asks to enter the overlay through us (HyParView §4.1, JOIN). {@code mac} proves the sender knows the
     * topic secret: see {@link Admission}.
     */
    record Join(PeerInfo from, byte[] mac) implements Message {
        public Join {
            Objects.requireNonNull(from, "from");
            requireMac(mac);
        }
    }

    /** A join travelling a random walk (HyParView §4.1, FORWARDJOIN). */
    record ForwardJoin(PeerInfo joiner, int ttl) implements Message {
        public ForwardJoin {
            Objects.requireNonNull(joiner, "joiner");
            if (ttl < 0 || ttl > 255) {
                throw new IllegalArgumentException("ForwardJoin ttl must be 0-255, got " + ttl);
            }
        }
    }

    /** What a Neighbor message asks. */
    enum NeighborKind {
        /** Add me even if your view is full (sent when our active view is empty, HyParView §4.2). */
        REQUEST_HIGH,
        /** Add me only if you have room. */
        REQUEST_LOW,
        /** I have added you to my active view; add me to yours. */
        ACCEPT
    }

    /** Asks for, or confirms, a symmetric active link (HyParView §4.2, NEIGHBOR). Carries an admission MAC. */
    record Neighbor(PeerInfo from, NeighborKind kind, byte[] mac) implements Message {
        public Neighbor {
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(kind, "kind");
            requireMac(mac);
        }
    }

    /** The sender dropped us from its active view; {@code alive} says whether to keep it as a passive peer. */
    record Disconnect(boolean alive) implements Message {}

    /** A sample of the sender's views on a random walk (HyParView §4.3, SHUFFLE). */
    record Shuffle(PeerInfo origin, List<PeerInfo> peers, int ttl) implements Message {
        public Shuffle {
            Objects.requireNonNull(origin, "origin");
            peers = List.copyOf(peers);
            requirePeers(peers.size());
            if (ttl < 0 || ttl > 255) {
                throw new IllegalArgumentException("Shuffle ttl must be 0-255, got " + ttl);
            }
        }
    }

    /** The answer to a Shuffle, sent straight to its origin; carries an admission MAC since it may come unasked. */
    record ShuffleReply(PeerInfo from, List<PeerInfo> peers, byte[] mac) implements Message {
        public ShuffleReply {
            Objects.requireNonNull(from, "from");
            peers = List.copyOf(peers);
            requirePeers(peers.size());
            requireMac(mac);
        }
    }

    /** One announced message id with the hop count at which the announcer had it. */
    record IHaveEntry(MessageId id, int round) {
        public IHaveEntry {
            Objects.requireNonNull(id, "id");
        }
    }

    /** Lazy push: ids the sender has (PlumTree §3.3, IHAVE), batched. */
    record IHave(List<IHaveEntry> entries) implements Message {
        public IHave {
            entries = List.copyOf(entries);
            if (entries.isEmpty() || entries.size() > MAX_IHAVE_ENTRIES) {
                throw new IllegalArgumentException("IHave must carry 1-" + MAX_IHAVE_ENTRIES + " ids, got "
                        + entries.size());
            }
        }
    }

    /**
     * Make the link eager again and, if {@code id} is not null, send that message (PlumTree §3.6, GRAFT). {@code id}
     * is null for a pure tree repair (§3.8).
     */
    record Graft(MessageId id, int round) implements Message {}

    /** Make the link lazy (PlumTree §3.5, PRUNE). */
    record Prune() implements Message {}

    private static void requireMac(byte[] mac) {
        Objects.requireNonNull(mac, "mac");
        if (mac.length != MAC_LENGTH) {
            throw new IllegalArgumentException("admission MAC must be " + MAC_LENGTH + " bytes, got " + mac.length);
        }
    }

    private static void requirePeers(int count) {
        if (count > MAX_SHUFFLE_PEERS) {
            throw new IllegalArgumentException("a shuffle may list at most " + MAX_SHUFFLE_PEERS + " peers, got "
                    + count);
        }
    }

    /** Convenience for logs. */
    static String describe(Message message) {
        return message.getClass().getSimpleName();
    }

    /** @return the peer id named by a PeerInfo, for brevity */
    static PeerId idOf(PeerInfo info) {
        return info.id();
    }
}
