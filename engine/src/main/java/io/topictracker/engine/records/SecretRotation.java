package io.topictracker.engine.records;

import io.topictracker.api.TopicId;

/**
 * Derives the secret of one topic for one unix minute from the hash of the topic's initial secret. Pluggable, as the
 * Rust crate's {@code SecretRotation} trait: an application may rotate on its own schedule, provided every member of
 * the topic uses the same rotation. Implementations must be pure (same inputs, same output) and thread-safe.
 */
public interface SecretRotation {
    /**
     * @param topic not null
     * @param unixMinute the minute since the epoch
     * @param initialSecretHash 32 bytes, not null; must not be modified
     * @return a 32-byte secret for that minute, never null
     */
    byte[] derive(TopicId topic, long unixMinute, byte[] initialSecretHash);

    /** @return the default rotation, {@link DefaultSecretRotation} */
    static SecretRotation standard() {
        return DefaultSecretRotation.INSTANCE;
    }
}
