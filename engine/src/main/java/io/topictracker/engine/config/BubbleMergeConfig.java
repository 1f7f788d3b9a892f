package io.topictracker.engine.config;

import static io.topictracker.engine.config.Bounds.check;

import java.time.Duration;

/**
 * Bubble merge: with fewer than {@code min_neighbors} neighbours, join peers named in records to heal a split. The
 * {@code [merge.bubble]} table, as the Rust crate's {@code BubbleMergeConfig}.
 *
 * <p>Immutable and thread-safe; no component is null, every value is within the range its key documents.
 *
 * @param enabled {@code enabled}; default true
 * @param minNeighbors {@code min_neighbors}: 1–64; default 4
 * @param initialDelay {@code initial_delay}: 0–1h; default 30s
 * @param baseInterval {@code base_interval}: 1s–1h; default 60s
 * @param maxJitter {@code max_jitter}: 0–1h; default 120s
 * @param maxJoinPeers {@code max_join_peers}: peers joined per run, 1–64; default 2
 * @param failTopicCreationOnMergeStartupFailure {@code fail_topic_creation_on_merge_startup_failure}; default true
 */
public record BubbleMergeConfig(boolean enabled, int minNeighbors, Duration initialDelay, Duration baseInterval,
        Duration maxJitter, int maxJoinPeers, boolean failTopicCreationOnMergeStartupFailure) {
    public BubbleMergeConfig {
        check("merge.bubble.min_neighbors", minNeighbors, 1, Bounds.MAX_PEERS);
        check("merge.bubble.initial_delay", initialDelay, Bounds.NONE, Bounds.ONE_HOUR);
        check("merge.bubble.base_interval", baseInterval, Bounds.ONE_SECOND, Bounds.ONE_HOUR);
        check("merge.bubble.max_jitter", maxJitter, Bounds.NONE, Bounds.ONE_HOUR);
        check("merge.bubble.max_join_peers", maxJoinPeers, 1, Bounds.MAX_PEERS);
    }

    /** @return the Rust crate's defaults, never null */
    public static BubbleMergeConfig defaults() {
        return new BubbleMergeConfig(true, 4, Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(120),
                2, true);
    }
}
