package io.topictracker.engine.records;

import io.topictracker.api.TopicId;
import io.topictracker.api.signing.SigningKeyPair;
import io.topictracker.api.signing.SigningProvider;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The per-topic, per-minute DHT slot, derived exactly as the Rust crate distributed-topic-tracker does: everyone who
 * knows the topic name can compute the slot's Ed25519 key pair and BEP44 salt, so everyone can both read and write it.
 * Stateless and thread-safe; arguments must not be null.
 */
public final class SlotDerivation {
    private static final byte[] SALT_PREFIX = "salt".getBytes(StandardCharsets.US_ASCII);

    private SlotDerivation() {}

    /** @return the 32-byte Ed25519 seed {@code SHA-512(topic_id || minute as u64 little-endian)[0..32]} */
    public static byte[] slotSeed(TopicId topic, long unixMinute) {
        return Hashing.sha512Prefix32(topic.toBytes(), Hashing.u64le(unixMinute));
    }

    /** @return the 32-byte BEP44 salt {@code SHA-512("salt" || topic_id || minute u64 LE)[0..32]} */
    public static byte[] slotSalt(TopicId topic, long unixMinute) {
        return Hashing.sha512Prefix32(SALT_PREFIX, topic.toBytes(), Hashing.u64le(unixMinute));
    }

    /** @return the slot's key pair: the Ed25519 key pair of {@link #slotSeed(TopicId, long)}; never null */
    public static SigningKeyPair slotKeyPair(SigningProvider signing, TopicId topic, long unixMinute) {
        Objects.requireNonNull(signing, "signing");
        return signing.fromSeed(slotSeed(topic, unixMinute));
    }

    /** @return {@code SHA-512(initial secret)[0..32]}, the only form in which a node keeps the topic secret */
    public static byte[] initialSecretHash(byte[] initialSecret) {
        Objects.requireNonNull(initialSecret, "initial secret");
        return Hashing.sha512Prefix32(initialSecret);
    }
}
