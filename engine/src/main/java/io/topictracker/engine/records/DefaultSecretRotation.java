package io.topictracker.engine.records;

import io.topictracker.api.TopicId;

/**
 * The Rust crate's default rotation: {@code SHA-512(topic_id || minute as u64 BIG-endian || initial_secret_hash)[0..32]}.
 * (Note the big-endian minute, unlike the little-endian one of the slot derivations; the crate does it so and the
 * vectors confirm it.) Stateless and thread-safe.
 */
public final class DefaultSecretRotation implements SecretRotation {
    static final DefaultSecretRotation INSTANCE = new DefaultSecretRotation();

    private DefaultSecretRotation() {}

    @Override
    public byte[] derive(TopicId topic, long unixMinute, byte[] initialSecretHash) {
        if (initialSecretHash == null || initialSecretHash.length != 32) {
            throw new IllegalArgumentException("initial secret hash must be 32 bytes");
        }
        return Hashing.sha512Prefix32(topic.toBytes(), Hashing.u64be(unixMinute), initialSecretHash);
    }
}
