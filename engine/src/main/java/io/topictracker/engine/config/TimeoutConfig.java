package io.topictracker.engine.config;

import static io.topictracker.engine.config.Bounds.check;

import java.time.Duration;

/**
 * Bounds on gossip operations: the {@code [timeouts]} table, as the Rust crate's {@code TimeoutConfig}.
 *
 * <p>Immutable and thread-safe; no component is null, every value is within the range its key documents.
 *
 * @param joinPeerTimeout {@code join_peer_timeout}: 1ms–10m; default 5s
 * @param broadcastNeighborsTimeout {@code broadcast_neighbors_timeout}: 1ms–10m; default 5s
 * @param broadcastTimeout {@code broadcast_timeout}: 1ms–10m; default 5s
 */
public record TimeoutConfig(Duration joinPeerTimeout, Duration broadcastNeighborsTimeout, Duration broadcastTimeout) {
    public TimeoutConfig {
        check("timeouts.join_peer_timeout", joinPeerTimeout, Bounds.ONE_MS, Bounds.TEN_MINUTES);
        check("timeouts.broadcast_neighbors_timeout", broadcastNeighborsTimeout, Bounds.ONE_MS, Bounds.TEN_MINUTES);
        check("timeouts.broadcast_timeout", broadcastTimeout, Bounds.ONE_MS, Bounds.TEN_MINUTES);
    }

    /** @return 5 s each, as the Rust crate; never null */
    public static TimeoutConfig defaults() {
        Duration five = Duration.ofSeconds(5);
        return new TimeoutConfig(five, five, five);
    }
}
