package io.topictracker.engine.gossip.net;

import io.topictracker.api.PeerId;
import io.topictracker.api.TopicId;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Topic membership proofs for relays (issue 15): a relay admits a reservation or circuit only from a member of a topic
 * it joined, as a Join is admitted (gossip Admission), with a key of its own so that a relay proof is never a Join MAC.
 *
 * <p>{@code key = SHA-512("topic-tracker relay admission" || topic_id (32) || secret_hash (32))[0..32]}; the proof of
 * {@code claimant} for {@code verifier} is {@code HMAC-SHA256(key, "tt-relay-v1" || claimant (32) || verifier (32))}.
 * The topic is not named: the verifier tries the key of each topic it joined, so a relay that is in none of ours
 * learns nothing of them. Bounded by the topics joined; at most {@link #MAX_PROOFS} proofs are made or checked.
 * Thread-safe.
 */
final class MembershipProofs {
    /** Proofs made or checked at most (one per topic). */
    static final int MAX_PROOFS = 16;
    private static final byte[] KEY_DOMAIN = "topic-tracker relay admission".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MAC_DOMAIN = "tt-relay-v1".getBytes(StandardCharsets.US_ASCII);

    private final Map<TopicId, byte[]> keys = new ConcurrentHashMap<>();

    /** A topic was joined; @param secretHash its 32-byte secret hash, not kept */
    void joined(TopicId topic, byte[] secretHash) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-512");
            sha.update(KEY_DOMAIN);
            sha.update(topic.toBytes());
            sha.update(secretHash);
            keys.put(topic, Arrays.copyOf(sha.digest(), 32));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-512 is required by every Java platform", e);
        }
    }

    /** The topic was left. */
    void left(TopicId topic) {
        keys.remove(topic);
    }

    /** @return one proof per joined topic (at most {@link #MAX_PROOFS}), never null */
    List<byte[]> prove(PeerId claimant, PeerId verifier) {
        List<byte[]> proofs = new ArrayList<>();
        for (byte[] key : keys.values()) {
            if (proofs.size() == MAX_PROOFS) {
                break;
            }
            proofs.add(mac(key, claimant, verifier));
        }
        return proofs;
    }

    /** @return true if one of {@code proofs} (the first {@link #MAX_PROOFS}) is for a topic joined here */
    boolean verify(PeerId claimant, PeerId verifier, List<byte[]> proofs) {
        List<byte[]> checked = proofs.subList(0, Math.min(proofs.size(), MAX_PROOFS));
        for (byte[] key : keys.values()) {
            byte[] wanted = mac(key, claimant, verifier);
            for (byte[] proof : checked) {
                if (MessageDigest.isEqual(wanted, proof)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static byte[] mac(byte[] key, PeerId claimant, PeerId verifier) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update(MAC_DOMAIN);
            mac.update(claimant.toBytes());
            mac.update(verifier.toBytes());
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is required by every Java platform", e);
        }
    }
}
