package io.topictracker.engine.config;

import static io.topictracker.engine.config.Bounds.check;

import java.time.Duration;

/**
 * The background publisher that refreshes our record after joining: the {@code [publisher]} table, as the Rust
 * crate's {@code PublisherConfig}. The effective period is {@code base_interval + random[0, max_jitter)}.
 *
 * <p>Immutable and thread-safe; no component is null, every value is within the range its key documents.
 *
 * @param enabled {@code enabled}; default true
 * @param initialDelay {@code initial_delay}: before the first run, 0–1h; default 10s
 * @param baseInterval {@code base_interval}: 1s–1h (the crate's minimum); default 10s
 * @param maxJitter {@code max_jitter}: 0–1h; default 50s
 * @param failTopicCreationOnPublishingStartupFailure {@code fail_topic_creation_on_publishing_startup_failure}:
 *     whether a publisher that cannot start fails the topic or is only logged; default true
 */
public record PublisherConfig(boolean enabled, Duration initialDelay, Duration baseInterval, Duration maxJitter,
        boolean failTopicCreationOnPublishingStartupFailure) {
    public PublisherConfig {
        check("publisher.initial_delay", initialDelay, Bounds.NONE, Bounds.ONE_HOUR);
        check("publisher.base_interval", baseInterval, Bounds.ONE_SECOND, Bounds.ONE_HOUR);
        check("publisher.max_jitter", maxJitter, Bounds.NONE, Bounds.ONE_HOUR);
    }

    /** @return the Rust crate's defaults, never null */
    public static PublisherConfig defaults() {
        return new PublisherConfig(true, Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(50), true);
    }
}
