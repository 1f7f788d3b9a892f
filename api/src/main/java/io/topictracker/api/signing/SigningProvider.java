package io.topictracker.api.signing;

import io.topictracker.api.Ed25519;
import io.topictracker.api.PeerId;
import io.topictracker.api.Provider;

/**
 * Ed25519 key generation, signing and strict verification (RFC 8032).
 *
 * <p>Implementations are stateless and thread-safe: every method may be called from any thread concurrently.
 * Verification is strict: it rejects non-canonical signatures (S not below the group order, non-canonical R) and
 * small-order or non-canonical public keys, so one message has one valid signature per key.
 */
public interface SigningProvider extends Provider {
    /** Length of a seed (the private key of RFC 8032): {@link Ed25519#SEED_LENGTH}. */
    int SEED_LENGTH = Ed25519.SEED_LENGTH;
    /** Length of a public key: {@link Ed25519#PUBLIC_KEY_LENGTH}. */
    int PUBLIC_KEY_LENGTH = Ed25519.PUBLIC_KEY_LENGTH;
    /** Length of a signature: {@link Ed25519#SIGNATURE_LENGTH}. */
    int SIGNATURE_LENGTH = Ed25519.SIGNATURE_LENGTH;

    /** @return a new key pair from a secure random seed, never null */
    SigningKeyPair generate();

    /**
     * @param seed32 the 32-byte RFC 8032 private key, not null; copied
     * @return the key pair it determines, never null
     * @throws IllegalArgumentException if the seed is not 32 bytes
     */
    SigningKeyPair fromSeed(byte[] seed32);

    /**
     * Strictly verifies an Ed25519 signature. Never throws for malformed input: a key or signature of the wrong
     * length is simply invalid.
     *
     * @param publicKey 32-byte public key, not null
     * @param message the signed bytes, not null
     * @param signature 64-byte signature, not null
     * @return true only for a valid, canonical signature by a non-small-order key
     */
    boolean verify(byte[] publicKey, byte[] message, byte[] signature);

    /**
     * A verifier for one key, for callers that verify many messages by the same key (records of recurring
     * publishers). Exactly as strict as {@link #verify(byte[], byte[], byte[])}; a provider may override this to
     * decode and validate the key once. The default delegates to {@code verify} on every call.
     *
     * @param publicKey the 32-byte public key, not null; copied
     * @return never null; an invalid key yields a verifier that accepts nothing
     */
    default KeyVerifier verifier(byte[] publicKey) {
        byte[] key = publicKey.clone();
        return (message, signature) -> verify(key, message, signature);
    }

    /** Same as {@link #verify(byte[], byte[], byte[])} with the peer's key. */
    default boolean verify(PeerId key, byte[] message, byte[] signature) {
        return verify(key.toBytes(), message, signature);
    }
}
