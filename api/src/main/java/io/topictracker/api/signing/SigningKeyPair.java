package io.topictracker.api.signing;

import io.topictracker.api.PeerId;

/**
 * An Ed25519 key pair able to sign. Thread-safe: {@link #sign(byte[])} may be called concurrently.
 */
public interface SigningKeyPair {
    /** @return a copy of the 32-byte public key, never null */
    byte[] publicKey();

    /** @return the public key as a peer identity, never null */
    default PeerId peerId() {
        return PeerId.of(publicKey());
    }

    /** @return a copy of the 32-byte seed (RFC 8032 private key), never null; handle with care */
    byte[] seed();

    /**
     * @param message the bytes to sign, not null
     * @return the 64-byte signature, never null
     */
    byte[] sign(byte[] message);
}
