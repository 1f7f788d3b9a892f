package io.topictracker.engine.gossip.proto;

import io.topictracker.api.PeerId;
import io.topictracker.api.TopicId;
import io.topictracker.api.signing.KeyVerifier;
import io.topictracker.api.signing.SigningKeyPair;
import io.topictracker.api.signing.SigningProvider;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Signs our broadcasts and verifies others' (our addition to PlumTree): injected so the state machine stays pure and
 * the simulator can use a cheap stand-in. Implementations must be thread-safe.
 *
 * <p>The signed bytes are {@code "tt-gossip-msg-v1" || topic_id (32) || author (32) || seq (8, big-endian) ||
 * payload}; the hop count and the neighbours-only flag are not covered (they change or only narrow the spread).
 */
public interface BroadcastAuth {
    /** @return the 64-byte signature of our broadcast, or an empty array when signatures are off; never null */
    byte[] sign(long seq, byte[] payload);

    /** @return true if {@code signature} is {@code author}'s over this broadcast (always true when off) */
    boolean verify(PeerId author, long seq, byte[] payload, byte[] signature);

    /** @return an auth that neither signs nor checks: for {@code verify_signatures = false} and simulations */
    static BroadcastAuth none() {
        return NoAuth.INSTANCE;
    }

    /**
     * @param topic the topic the signature is bound to, not null
     * @param identity our key pair, not null
     * @param signing the strict Ed25519 verifier, not null
     * @return real Ed25519 signing and checking
     */
    static BroadcastAuth ed25519(TopicId topic, SigningKeyPair identity, SigningProvider signing) {
        return new Ed25519Auth(topic, identity, signing);
    }

    /** Builds the bytes that are signed; see the interface javadoc. */
    static byte[] signedBytes(byte[] topic, byte[] author, long seq, byte[] payload) {
        byte[] domain = "tt-gossip-msg-v1".getBytes(StandardCharsets.US_ASCII);
        return ByteBuffer.allocate(domain.length + 32 + 32 + 8 + payload.length)
                .put(domain).put(topic).put(author).putLong(seq).put(payload).array();
    }

    /** Neither signs nor checks. */
    enum NoAuth implements BroadcastAuth {
        INSTANCE;

        private static final byte[] EMPTY = new byte[0];

        @Override
        public byte[] sign(long seq, byte[] payload) {
            return EMPTY;
        }

        @Override
        public boolean verify(PeerId author, long seq, byte[] payload, byte[] signature) {
            return true;
        }
    }

    /**
     * Ed25519 over {@link #signedBytes}. Keeps a {@link KeyVerifier} for each of the last {@link #AUTHOR_VERIFIERS}
     * authors it checked, so a recurring author's key is decoded and validated once rather than per message (the
     * provider's verifier is exactly as strict as its {@code verify}); every message is still verified.
     */
    final class Ed25519Auth implements BroadcastAuth {
        /** Authors whose decoded keys are kept: a 64-byte-ish point each; the least recently used goes first. */
        static final int AUTHOR_VERIFIERS = 256;

        private final byte[] topic;
        private final SigningKeyPair identity;
        private final byte[] self;
        private final SigningProvider signing;
        // guarded by itself; access order, so the eldest entry is the least recently used
        private final Map<PeerId, KeyVerifier> verifiers = new LinkedHashMap<>(32, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<PeerId, KeyVerifier> eldest) {
                return size() > AUTHOR_VERIFIERS;
            }
        };

        Ed25519Auth(TopicId topic, SigningKeyPair identity, SigningProvider signing) {
            this.topic = Objects.requireNonNull(topic, "topic").toBytes();
            this.identity = Objects.requireNonNull(identity, "identity");
            this.self = identity.publicKey();
            this.signing = Objects.requireNonNull(signing, "signing");
        }

        @Override
        public byte[] sign(long seq, byte[] payload) {
            return identity.sign(signedBytes(topic, self, seq, payload));
        }

        @Override
        public boolean verify(PeerId author, long seq, byte[] payload, byte[] signature) {
            return signature.length == SigningProvider.SIGNATURE_LENGTH
                    && verifier(author).verify(signedBytes(topic, author.toBytes(), seq, payload), signature);
        }

        private KeyVerifier verifier(PeerId author) {
            synchronized (verifiers) {
                return verifiers.computeIfAbsent(author, key -> signing.verifier(key.toBytes()));
            }
        }
    }
}
