package io.topictracker.api;

/**
 * The sizes of Ed25519 (RFC 8032 §5.1.5, §5.1.6): the one place they are written. Peer ids, BEP44 keys and the
 * signing SPI all use them.
 */
public final class Ed25519 {
    /** Length of a seed, the private key of RFC 8032, in bytes. */
    public static final int SEED_LENGTH = 32;
    /** Length of an encoded public key in bytes. */
    public static final int PUBLIC_KEY_LENGTH = 32;
    /** Length of a signature (R then S) in bytes. */
    public static final int SIGNATURE_LENGTH = 64;

    private Ed25519() {}
}
