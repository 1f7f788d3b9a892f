package io.topictracker.engine.config;

import java.util.Objects;

/**
 * The two merge strategies: the {@code [merge]} table with {@code [merge.bubble]} and
 * {@code [merge.message_overlap]}.
 *
 * <p>Immutable and thread-safe; no component is null.
 *
 * @param bubble never null
 * @param messageOverlap never null
 */
public record MergeConfig(BubbleMergeConfig bubble, MessageOverlapMergeConfig messageOverlap) {
    public MergeConfig {
        Objects.requireNonNull(bubble, "bubble");
        Objects.requireNonNull(messageOverlap, "messageOverlap");
    }

    /** @return both enabled with the Rust crate's defaults, never null */
    public static MergeConfig defaults() {
        return new MergeConfig(BubbleMergeConfig.defaults(), MessageOverlapMergeConfig.defaults());
    }
}
