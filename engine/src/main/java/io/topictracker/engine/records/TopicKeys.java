package io.topictracker.engine.records;

import io.topictracker.api.TopicId;
import io.topictracker.api.signing.SigningProvider;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.bouncycastle.crypto.digests.SHA512Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

/**
 * A topic's derivations: per minute, the slot (key pair, salt) and the record sealing key
 * {@code HKDF-SHA512(ikm = rotation secret, salt = topic id, info = "topic-tracker record seal v1" || minute u64be)}.
 * Thread-safe; holds the initial secret only as its hash.
 */
public final class TopicKeys {
    private static final byte[] SEAL_INFO = "topic-tracker record seal v1".getBytes(StandardCharsets.US_ASCII);

    private final TopicId topic;
    private final byte[] initialSecretHash;
    private final SecretRotation rotation;
    private final SigningProvider signing;

    /**
     * @param topic not null; @param initialSecretHash 32 bytes ({@link SlotDerivation#initialSecretHash}), copied;
     * @param rotation not null; @param signing derives the slot key pair, not null
     */
    public TopicKeys(TopicId topic, byte[] initialSecretHash, SecretRotation rotation, SigningProvider signing) {
        this.topic = Objects.requireNonNull(topic, "topic");
        if (initialSecretHash == null || initialSecretHash.length != 32) {
            throw new IllegalArgumentException("initial secret hash must be 32 bytes");
        }
        this.initialSecretHash = initialSecretHash.clone();
        this.rotation = Objects.requireNonNull(rotation, "rotation");
        this.signing = Objects.requireNonNull(signing, "signing");
    }

    /** @return the topic, never null */
    public TopicId topic() {
        return topic;
    }

    /** @return the signing provider, never null */
    public SigningProvider signing() {
        return signing;
    }

    /** @return the slot and sealing key of {@code unixMinute}, never null */
    public SlotKeys slot(long unixMinute) {
        byte[] secret = rotation.derive(topic, unixMinute, initialSecretHash);
        return new SlotKeys(topic, unixMinute, SlotDerivation.slotKeyPair(signing, topic, unixMinute),
                SlotDerivation.slotSalt(topic, unixMinute), sealKey(topic, unixMinute, secret));
    }

    /** The sealing key of a minute's rotation secret; the minute in {@code info} separates minutes even if a custom
     * rotation returned one secret for several. */
    static byte[] sealKey(TopicId topic, long unixMinute, byte[] rotationSecret) {
        byte[] info = new byte[SEAL_INFO.length + 8];
        System.arraycopy(SEAL_INFO, 0, info, 0, SEAL_INFO.length);
        System.arraycopy(Hashing.u64be(unixMinute), 0, info, SEAL_INFO.length, 8);
        HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA512Digest());
        hkdf.init(new HKDFParameters(rotationSecret, topic.toBytes(), info));
        byte[] key = new byte[32];
        hkdf.generateBytes(key, 0, key.length);
        return key;
    }
}
