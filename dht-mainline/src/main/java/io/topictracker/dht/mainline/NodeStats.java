package io.topictracker.dht.mainline;

/**
 * A snapshot of one node's counters since start. Immutable.
 *
 * @param queriesReceived queries that arrived (before rate limiting)
 * @param queriesAnswered queries answered with a response or an error
 * @param queriesSent queries this node sent
 * @param dropped queries dropped by the per-IP rate limit
 * @param malformed datagrams that were not valid KRPC
 * @param timeouts queries of ours that got no reply in time
 * @param lookups lookups that ended (user operations, bootstrap and refresh)
 * @param lookupRounds their sequential query rounds, summed: a query sent when an answer of round r came is round
 *     r + 1, and a lookup takes as many round trips as its last answered round
 */
public record NodeStats(long queriesReceived, long queriesAnswered, long queriesSent, long dropped, long malformed,
        long timeouts, long lookups, long lookupRounds) {}
