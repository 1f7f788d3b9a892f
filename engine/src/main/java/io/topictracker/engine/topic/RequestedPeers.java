package io.topictracker.engine.topic;

import io.topictracker.api.PeerId;
import io.topictracker.engine.records.RecordContent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The peers our records ask to dial us (PROTOCOL.md §11): the bubble merge's picks, each asked for {@link #LIFETIME}
 * after it was picked, so that the records of the next minutes carry the request while the picked peer may be behind
 * a NAT that drops our own dials. Pure state: the caller passes the time. Bounded: only the newest
 * {@link RecordContent#MAX_CONNECT_REQUESTS} picks are kept. Thread-safe.
 */
final class RequestedPeers {
    /**
     * Three minutes: our record of a minute is written once (a refresh stores nothing new at seq 0, §3), so a pick
     * made just after our put waits for the next minute's record; the peer reads a slot every 10–60 s (its
     * publisher's interval); three minutes' records give it two or three chances.
     */
    static final Duration LIFETIME = Duration.ofMinutes(3);

    /** Peer to the instant (milliseconds) its request ends, oldest pick first. */
    private final Map<PeerId, Long> until = new LinkedHashMap<>();

    /**
     * Asks {@code peers} to dial us from now on, for {@link #LIFETIME}; a peer already asked is asked anew (and counts
     * as the newest); beyond the bound the oldest picks are dropped.
     *
     * @param peers not null
     * @param nowMillis the node's clock, in milliseconds
     */
    synchronized void ask(List<PeerId> peers, long nowMillis) {
        for (PeerId peer : peers) {
            until.remove(peer);
            until.put(peer, nowMillis + LIFETIME.toMillis());
        }
        while (until.size() > RecordContent.MAX_CONNECT_REQUESTS) {
            until.remove(until.keySet().iterator().next());
        }
    }

    /**
     * @param neighbors peers already connected, left out (the request did its job), not null
     * @param nowMillis the node's clock, in milliseconds
     * @return the requests standing now, newest first, at most {@link RecordContent#MAX_CONNECT_REQUESTS}; never null
     */
    synchronized List<PeerId> standing(Set<PeerId> neighbors, long nowMillis) {
        until.values().removeIf(end -> end - nowMillis <= 0);
        List<PeerId> result = new ArrayList<>();
        for (Map.Entry<PeerId, Long> entry : until.entrySet()) {
            if (!neighbors.contains(entry.getKey())) {
                result.add(0, entry.getKey());
            }
        }
        return result;
    }
}
