package io.topictracker.engine.config;

import static io.topictracker.engine.config.Bounds.check;

import java.time.Duration;

/**
 * How the engine drives DHT operations: retries with jittered back-off and per-operation timeouts. Keys of the
 * {@code [dht]} table; names and defaults are those of the Rust crate's {@code DhtConfig}.
 *
 * <p>Immutable and thread-safe; no component is null, every value is within the range its key documents.
 *
 * @param retries {@code retries}: attempts after the first, 0–100; default 3
 * @param baseRetryInterval {@code base_retry_interval}: delay before a retry, 1ms–1h; default 5s
 * @param maxRetryJitter {@code max_retry_jitter}: random extra delay in [0, this), 0–1h; default 10s
 * @param getTimeout {@code get_timeout}: bound on one get, 1ms–10m; default 10s
 * @param putTimeout {@code put_timeout}: bound on one put, 1ms–10m; default 10s
 */
public record DhtCallConfig(int retries, Duration baseRetryInterval, Duration maxRetryJitter, Duration getTimeout,
        Duration putTimeout) {
    public DhtCallConfig {
        check("dht.retries", retries, 0, Bounds.MAX_RETRIES);
        check("dht.base_retry_interval", baseRetryInterval, Bounds.ONE_MS, Bounds.ONE_HOUR);
        check("dht.max_retry_jitter", maxRetryJitter, Bounds.NONE, Bounds.ONE_HOUR);
        check("dht.get_timeout", getTimeout, Bounds.ONE_MS, Bounds.TEN_MINUTES);
        check("dht.put_timeout", putTimeout, Bounds.ONE_MS, Bounds.TEN_MINUTES);
    }

    /** @return the Rust crate's defaults, never null */
    public static DhtCallConfig defaults() {
        return new DhtCallConfig(3, Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(10),
                Duration.ofSeconds(10));
    }
}
