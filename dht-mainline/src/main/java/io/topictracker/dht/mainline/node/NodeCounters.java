package io.topictracker.dht.mainline.node;

/** A node's counters: written on its event loop, readable from any thread. */
public final class NodeCounters {
    volatile long queriesReceived;
    volatile long queriesAnswered;
    volatile long queriesSent;
    volatile long dropped;
    volatile long malformed;
    volatile long timeouts;
    volatile long lookups;
    volatile long lookupRounds;

    /** @return lookups that ended (not failed by close), including bootstrap and refresh lookups */
    public long lookups() {
        return lookups;
    }

    /** @return the sequential query rounds of those lookups, summed (see {@link LookupDriver}) */
    public long lookupRounds() {
        return lookupRounds;
    }

    /** @return our queries that got no reply in time */
    public long timeouts() {
        return timeouts;
    }

    /** @return queries received */
    public long queriesReceived() {
        return queriesReceived;
    }

    /** @return queries answered (with a response or an error) */
    public long queriesAnswered() {
        return queriesAnswered;
    }

    /** @return queries we sent */
    public long queriesSent() {
        return queriesSent;
    }

    /** @return datagrams dropped by rate limiting */
    public long dropped() {
        return dropped;
    }

    /** @return datagrams that were not valid KRPC */
    public long malformed() {
        return malformed;
    }
}
