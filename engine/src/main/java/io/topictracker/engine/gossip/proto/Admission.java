package io.topictracker.engine.gossip.proto;

import io.topictracker.api.PeerId;
import io.topictracker.api.TopicId;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Proof that a peer knows a topic's secret, carried by Join, Neighbor and ShuffleReply, so that a node without the
 * secret cannot enter the overlay (our addition to HyParView).
 *
 * <p>Derivation: {@code key = SHA-512("topic-tracker gossip join" || topic_id (32) || secret_hash (32))[0..32]}, where
 * {@code secret_hash = SHA-512(secret)[0..32]} is the records layer's {@code initial_secret_hash}. The MAC of a message
 * from {@code sender} to {@code receiver} is {@code HMAC-SHA256(key, "tt-admit-v1" || sender (32) || receiver (32))}.
 * Binding both ids stops a captured MAC from being replayed by another sender or towards another receiver (a replay
 * from the same sender to the same receiver only re-proves what the sender already proved). Comparison is in constant
 * time.
 *
 * <p>Not thread-safe (one {@link Mac} instance is reused): owned by one topic's state machine.
 */
public final class Admission {
    /** Length of the secret hash taken. */
    public static final int SECRET_HASH_LENGTH = 32;

    private static final byte[] KEY_DOMAIN = "topic-tracker gossip join".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MAC_DOMAIN = "tt-admit-v1".getBytes(StandardCharsets.US_ASCII);

    private final Mac mac;

    /**
     * @param topic not null
     * @param secretHash exactly 32 bytes, not null; not kept
     * @throws IllegalArgumentException if the secret hash is not 32 bytes
     */
    public Admission(TopicId topic, byte[] secretHash) {
        if (secretHash == null || secretHash.length != SECRET_HASH_LENGTH) {
            throw new IllegalArgumentException("topic secret hash must be " + SECRET_HASH_LENGTH + " bytes, got "
                    + (secretHash == null ? "null" : secretHash.length));
        }
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-512");
            sha.update(KEY_DOMAIN);
            sha.update(topic.toBytes());
            sha.update(secretHash);
            byte[] key = Arrays.copyOf(sha.digest(), 32);
            mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            Arrays.fill(key, (byte) 0);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 and SHA-512 are required by every Java platform", e);
        }
    }

    /** @return the 32-byte MAC that {@code sender} attaches to a message for {@code receiver}; never null */
    public byte[] sign(PeerId sender, PeerId receiver) {
        mac.update(MAC_DOMAIN);
        mac.update(sender.toBytes());
        mac.update(receiver.toBytes());
        return mac.doFinal();
    }

    /** @return true if {@code tag} is the MAC of a message from {@code sender} to {@code receiver} */
    public boolean verify(PeerId sender, PeerId receiver, byte[] tag) {
        return tag != null && MessageDigest.isEqual(sign(sender, receiver), tag);
    }
}
