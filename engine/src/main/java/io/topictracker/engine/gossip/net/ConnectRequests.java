package io.topictracker.engine.gossip.net;

import io.topictracker.api.PeerId;
import java.util.Map;
import java.util.Objects;

/**
 * The rate decisions of connection requests through a neighbour (issue 15, PROTOCOL.md §10), for each of the three
 * roles a node plays: the requester that cannot reach a peer asks its neighbours, a neighbour forwards the request to
 * that peer, and the peer dials the requester back. What is checked here is only how often: membership (the requester
 * and the target are both neighbours of the forwarder in the frame's topic, the forwarder a neighbour of the target)
 * is checked by the caller, which knows the views.
 *
 * <p>Bounds: at most {@link #MAX_PEERS} peers remembered per role (oldest first out); the totals are token buckets,
 * so a node asks, forwards and dials back at most so many times per second whoever asks it.
 *
 * <p>Pure: time (any monotonic milliseconds) is passed in. Not thread-safe (the caller synchronizes).
 */
final class ConnectRequests {
    /** Requests for one target at most this often: a forward's round trip and the dial back fit in it many times. */
    static final long ASK_INTERVAL_MILLIS = 10_000;
    /** Dial-backs to one requester at most this often (it asks each of its neighbours; one dial answers all). */
    static final long DIAL_BACK_INTERVAL_MILLIS = 5_000;
    static final int MAX_PEERS = 1024;

    /** Our own requests, whatever the target: a burst of 16 (a join ends several walks at once), then 1 per second. */
    private final TokenBucket asks = new TokenBucket(16, 1_000);
    /** Forwards for one requester: a burst of 8, then one per 2 s. */
    private final Map<PeerId, TokenBucket> forwardsByRequester = lru();
    /** Forwards for everyone: a burst of 32, then 4 per second. */
    private final TokenBucket forwards = new TokenBucket(32, 250);
    /** Dial-backs for everyone: a burst of 16, then 2 per second. */
    private final TokenBucket dialBacks = new TokenBucket(16, 500);
    private final Map<PeerId, Long> askedAt = lru();
    private final Map<PeerId, Long> dialledBackAt = lru();

    private static <V> Map<PeerId, V> lru() {
        return PeerMaps.leastRecentlyUsed(MAX_PEERS);
    }

    /**
     * Requester: our dial to {@code target} went unanswered so far.
     *
     * @return whether to ask our neighbours to forward a request to it now (counted as asked if so)
     */
    boolean ask(PeerId target, long nowMillis) {
        Objects.requireNonNull(target, "target");
        Long last = askedAt.get(target);
        if (last != null && nowMillis - last < ASK_INTERVAL_MILLIS) {
            return false;
        }
        if (!asks.take(nowMillis)) {
            return false;
        }
        askedAt.put(target, nowMillis);
        return true;
    }

    /**
     * Forwarder: a neighbour asks us to pass its request on (membership already checked).
     *
     * @return whether to forward it (counted if so)
     */
    boolean forward(PeerId requester, long nowMillis) {
        TokenBucket own = forwardsByRequester.computeIfAbsent(Objects.requireNonNull(requester, "requester"),
                peer -> new TokenBucket(8, 2_000));
        if (!own.available(nowMillis) || !forwards.available(nowMillis)) {
            return false;
        }
        own.take(nowMillis);
        forwards.take(nowMillis);
        return true;
    }

    /**
     * Target: a neighbour forwarded {@code requester}'s request to us (membership checked, not yet connected).
     *
     * @return whether to dial it back now (counted if so)
     */
    boolean dialBack(PeerId requester, long nowMillis) {
        Objects.requireNonNull(requester, "requester");
        Long last = dialledBackAt.get(requester);
        if (last != null && nowMillis - last < DIAL_BACK_INTERVAL_MILLIS) {
            return false;
        }
        if (!dialBacks.take(nowMillis)) {
            return false;
        }
        dialledBackAt.put(requester, nowMillis);
        return true;
    }

    /** A token bucket: {@code capacity} tokens, one more every {@code refillMillis}. */
    private static final class TokenBucket {
        private final int capacity;
        private final long refillMillis;
        private double tokens;
        private long updatedAt = Long.MIN_VALUE;

        TokenBucket(int capacity, long refillMillis) {
            this.capacity = capacity;
            this.refillMillis = refillMillis;
            this.tokens = capacity;
        }

        private void refill(long nowMillis) {
            if (updatedAt != Long.MIN_VALUE && nowMillis > updatedAt) {
                tokens = Math.min(capacity, tokens + (double) (nowMillis - updatedAt) / refillMillis);
            }
            if (updatedAt == Long.MIN_VALUE || nowMillis > updatedAt) {
                updatedAt = nowMillis;
            }
        }

        boolean available(long nowMillis) {
            refill(nowMillis);
            return tokens >= 1;
        }

        boolean take(long nowMillis) {
            if (!available(nowMillis)) {
                return false;
            }
            tokens -= 1;
            return true;
        }
    }
}
