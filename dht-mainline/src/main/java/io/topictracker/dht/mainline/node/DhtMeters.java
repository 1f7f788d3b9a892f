package io.topictracker.dht.mainline.node;

import io.topictracker.api.metrics.Metrics;

/**
 * The DHT meters of one node (docs/metrics.md, "DHT"), counted through the api's {@link Metrics} facade (a provider
 * never sees the metrics library). Resolved once per node: the receive and send paths index arrays, with no lookup
 * by name and no allocation per datagram. Immutable; the meters are thread-safe.
 */
final class DhtMeters {
    /** KRPC query types, as the {@code type} tag; anything else counts as {@code other}. */
    private static final String[] TYPES = {"ping", "find_node", "get_peers", "announce_peer", "get", "put", "other"};
    static final int OK = 0;
    static final int ERROR = 1;
    static final int TIMEOUT = 2;
    private static final String[] OUTCOMES = {"ok", "error", "timeout"};

    final boolean enabled;
    /** [type][outcome]: queries that arrived and were answered (ok: a response; error: a KRPC error). */
    private final Metrics.Counter[][] in = new Metrics.Counter[TYPES.length][2];
    /** [type][outcome]: our queries, by how they ended (ok: a response; error: an error reply; timeout). */
    private final Metrics.Counter[][] out = new Metrics.Counter[TYPES.length][3];
    final Metrics.Counter rateLimited;
    private final Metrics.Timer[] lookupDuration = new Metrics.Timer[TYPES.length];

    DhtMeters(Metrics metrics) {
        enabled = metrics.isEnabled();
        for (int t = 0; t < TYPES.length; t++) {
            for (int o = 0; o < OUTCOMES.length; o++) {
                if (o < 2) {
                    in[t][o] = metrics.counter("topictracker.dht.queries", "type", TYPES[t], "direction", "in",
                            "outcome", OUTCOMES[o]);
                }
                out[t][o] = metrics.counter("topictracker.dht.queries", "type", TYPES[t], "direction", "out",
                        "outcome", OUTCOMES[o]);
            }
        }
        rateLimited = metrics.counter("topictracker.dht.ratelimited");
        // lookups are iterative find_node, get or get_peers; puts and announces are a get or get_peers lookup first
        for (int t : new int[] {1, 2, 4}) {
            lookupDuration[t] = metrics.timer("topictracker.dht.lookup.duration", "operation", TYPES[t]);
        }
    }

    /** @return the index of a KRPC method in the type table; unknown or null methods are {@code other} */
    static int type(String method) {
        if (method == null) {
            return 6;
        }
        return switch (method) {
            case "ping" -> 0;
            case "find_node" -> 1;
            case "get_peers" -> 2;
            case "announce_peer" -> 3;
            case "get" -> 4;
            case "put" -> 5;
            default -> 6;
        };
    }

    void received(int type, int outcome) {
        in[type][outcome].increment();
    }

    void sent(int type, int outcome) {
        out[type][outcome].increment();
    }

    void lookup(int type, long nanos) {
        Metrics.Timer timer = lookupDuration[type];
        if (timer != null) {
            timer.record(nanos);
        }
    }
}
