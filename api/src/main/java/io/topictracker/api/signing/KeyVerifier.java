package io.topictracker.api.signing;

/**
 * Verifies signatures by one public key, as strictly as {@link SigningProvider#verify(byte[], byte[], byte[])}.
 * Made by {@link SigningProvider#verifier(byte[])}, which may decode and validate the key once so that verifying many
 * messages by one key costs less. Thread-safe; never throws for malformed input.
 */
@FunctionalInterface
public interface KeyVerifier {
    /**
     * @param message the signed bytes, not null
     * @param signature 64 bytes, not null
     * @return true only for a valid, canonical signature by this verifier's key
     */
    boolean verify(byte[] message, byte[] signature);
}
