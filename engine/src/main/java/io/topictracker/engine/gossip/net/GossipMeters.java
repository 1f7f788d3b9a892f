package io.topictracker.engine.gossip.net;

import io.topictracker.api.metrics.Metrics;
import io.topictracker.engine.gossip.proto.Gossip;
import io.topictracker.engine.gossip.proto.Message;

/**
 * The gossip overlay's meters of one node (docs/metrics.md, "Gossip"), resolved once when the node is built so the
 * hot paths index arrays instead of looking meters up by name. Immutable; the meters are thread-safe.
 */
final class GossipMeters {
    /** Message kinds, in the order of {@link #kindIndex}; lower-case, as the {@code kind} tag. */
    private static final String[] KINDS = {"join", "forward_join", "neighbor", "disconnect", "shuffle",
            "shuffle_reply", "gossip", "ihave", "graft", "prune"};

    final boolean enabled;
    private final Metrics.Counter[] sent = new Metrics.Counter[KINDS.length];
    private final Metrics.Counter[] received = new Metrics.Counter[KINDS.length];
    final Metrics.Counter deliveries;
    final Metrics.Counter duplicates;
    final Metrics.Counter admissionsRefused;
    /** Messages dropped by the flood guard, by {@link FloodGuard.Kind#ordinal()}. */
    private final Metrics.Counter[] throttled = new Metrics.Counter[FloodGuard.Kind.values().length];
    final Metrics.Counter floodBans;

    GossipMeters(Metrics metrics) {
        enabled = metrics.isEnabled();
        for (int i = 0; i < KINDS.length; i++) {
            sent[i] = metrics.counter("topictracker.gossip.messages", "direction", "out", "kind", KINDS[i]);
            received[i] = metrics.counter("topictracker.gossip.messages", "direction", "in", "kind", KINDS[i]);
        }
        deliveries = metrics.counter("topictracker.gossip.deliveries");
        duplicates = metrics.counter("topictracker.gossip.duplicates");
        admissionsRefused = metrics.counter("topictracker.gossip.admissions.refused");
        for (FloodGuard.Kind kind : FloodGuard.Kind.values()) {
            throttled[kind.ordinal()] = metrics.counter("topictracker.gossip.throttled", "kind", kind.tag);
        }
        floodBans = metrics.counter("topictracker.gossip.flood.disconnects");
    }

    void sent(Message message) {
        sent[kindIndex(message)].increment();
    }

    void throttled(FloodGuard.Kind kind) {
        throttled[kind.ordinal()].increment();
    }

    void received(Message message) {
        received[kindIndex(message)].increment();
    }

    /** @return the index of the message's kind in {@link #KINDS} */
    static int kindIndex(Message message) {
        if (message instanceof Gossip) {
            return 6;
        } else if (message instanceof Message.IHave) {
            return 7;
        } else if (message instanceof Message.Graft) {
            return 8;
        } else if (message instanceof Message.Prune) {
            return 9;
        } else if (message instanceof Message.Join) {
            return 0;
        } else if (message instanceof Message.ForwardJoin) {
            return 1;
        } else if (message instanceof Message.Neighbor) {
            return 2;
        } else if (message instanceof Message.Disconnect) {
            return 3;
        } else if (message instanceof Message.Shuffle) {
            return 4;
        }
        return 5; // ShuffleReply: Message is sealed, so nothing else is left
    }
}
