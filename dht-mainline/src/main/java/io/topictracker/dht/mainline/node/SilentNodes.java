package io.topictracker.dht.mainline.node;

import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Addresses that keep not answering our queries, so that lookups stop waiting for them. Many nodes in other nodes'
 * tables cannot be reached from here: nodes behind NATs that reach the public nodes they talked to and nobody else,
 * and our own node under our public address (an older id of ours in others' tables, BEP42). A data lookup waits for
 * every one of its k closest candidates up to the query timeout (their values matter), so each such node in the k
 * closest cost every lookup that timeout (250 ms to 2 s) — in the NAT lab, a fresh chat's reads of its slots.
 *
 * <p>An address counts as silent after {@link #EPISODES} timeout episodes with no datagram from it in between,
 * episodes at least {@link #EPISODE_GAP_NANOS} apart (several queries timing out together, as a stalled node's or a
 * burst's, are one episode); a lookup then leaves it out for {@link #SILENCE_NANOS} after its last timeout, and
 * afterwards asks it again once (another timeout: silent again). Any datagram from the address (an answer, also one
 * that came after its query timed out, an error, a query) clears it: a live node that stalled for a moment answers
 * late and is not left out. Bounded: {@link #MAX_ADDRESSES} addresses, the least recently touched forgotten first.
 *
 * <p>Pure: times are {@link System#nanoTime()} values the caller passes. Not thread-safe: confined to the node's
 * event loop.
 */
final class SilentNodes {
    /** Timeout episodes, with nothing heard in between, that make an address silent. */
    static final int EPISODES = 2;
    /** Timeouts closer together than this are one episode (one lookup's queries for several targets, say). */
    static final long EPISODE_GAP_NANOS = 100_000_000L;
    /** How long a silent address is left out of lookups after its last timeout. */
    static final long SILENCE_NANOS = 60_000_000_000L;
    /** Addresses remembered at most. */
    static final int MAX_ADDRESSES = 1024;

    private static final class Record {
        int episodes;
        long lastTimeout;
    }

    private final Map<InetSocketAddress, Record> records = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<InetSocketAddress, Record> eldest) {
            return size() > MAX_ADDRESSES;
        }
    };

    /** A query to {@code address} timed out at {@code now}. */
    void timedOut(InetSocketAddress address, long now) {
        Record record = records.get(address);
        if (record == null) {
            record = new Record();
            record.episodes = 1;
            records.put(address, record);
        } else if (now - record.lastTimeout >= EPISODE_GAP_NANOS) {
            record.episodes++;
        }
        record.lastTimeout = now;
    }

    /** A datagram came from {@code address}: it is reachable. */
    void heardFrom(InetSocketAddress address) {
        records.remove(address);
    }

    /** @return whether lookups should leave {@code address} out at {@code now} */
    boolean isSilent(InetSocketAddress address, long now) {
        Record record = records.get(address);
        return record != null && record.episodes >= EPISODES && now - record.lastTimeout < SILENCE_NANOS;
    }
}
