package io.topictracker.engine.config;

import static io.topictracker.engine.config.Bounds.check;

import java.time.Duration;

/**
 * Message-overlap merge: join the peers of records whose recent message hashes do not overlap ours. The
 * {@code [merge.message_overlap]} table, as the Rust crate's {@code MessageOverlapMergeConfig}.
 *
 * <p>Immutable and thread-safe; no component is null, every value is within the range its key documents.
 *
 * @param enabled {@code enabled}; default true
 * @param initialDelay {@code initial_delay}: 0–1h; default 30s
 * @param baseInterval {@code base_interval}: 1s–1h; default 60s
 * @param maxJitter {@code max_jitter}: 0–1h; default 120s
 * @param maxJoinPeers {@code max_join_peers}: peers joined per run, 1–64; default 2
 * @param failTopicCreationOnMergeStartupFailure {@code fail_topic_creation_on_merge_startup_failure}; default true
 */
public record MessageOverlapMergeConfig(boolean enabled, Duration initialDelay, Duration baseInterval,
        Duration maxJitter, int maxJoinPeers, boolean failTopicCreationOnMergeStartupFailure) {
    public MessageOverlapMergeConfig {
        check("merge.message_overlap.initial_delay", initialDelay, Bounds.NONE, Bounds.ONE_HOUR);
        check("merge.message_overlap.base_interval", baseInterval, Bounds.ONE_SECOND, Bounds.ONE_HOUR);
        check("merge.message_overlap.max_jitter", maxJitter, Bounds.NONE, Bounds.ONE_HOUR);
        check("merge.message_overlap.max_join_peers", maxJoinPeers, 1, Bounds.MAX_PEERS);
    }

    /** @return the Rust crate's defaults, never null */
    public static MessageOverlapMergeConfig defaults() {
        return new MessageOverlapMergeConfig(true, Duration.ofSeconds(30), Duration.ofSeconds(60),
                Duration.ofSeconds(120), 2, true);
    }
}
