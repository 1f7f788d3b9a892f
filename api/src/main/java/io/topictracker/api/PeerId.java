package io.topictracker.api;

import java.util.Arrays;

/**
 * The identity of a node: its 32-byte Ed25519 public key.
 *
 * <p>The text form is exactly 64 lowercase hexadecimal digits; {@link #parse(String)} accepts nothing else (no
 * prefix, no upper case, no whitespace), so one key has exactly one text form. Immutable and thread-safe; never
 * holds null.
 */
public final class PeerId implements Comparable<PeerId> {
    /** Length of a peer id: it is an Ed25519 public key. */
    public static final int LENGTH = Ed25519.PUBLIC_KEY_LENGTH;

    private final byte[] key;
    private final int hash;

    private PeerId(byte[] key) {
        this.key = key;
        this.hash = Arrays.hashCode(key);
    }

    /**
     * @param publicKey exactly 32 bytes, not null; copied
     * @throws IllegalArgumentException if the length is not 32
     */
    public static PeerId of(byte[] publicKey) {
        return new PeerId(Bytes.requireLength(publicKey, LENGTH, "PeerId"));
    }

    /**
     * Parses the text form strictly.
     *
     * @param text 64 lowercase hex digits, not null
     * @throws IllegalArgumentException naming what is wrong
     */
    public static PeerId parse(String text) {
        return new PeerId(Bytes.parseStrictHex(text, LENGTH, "PeerId"));
    }

    /** @return a copy of the 32 key bytes, never null */
    public byte[] toBytes() {
        return key.clone();
    }

    /** @return the first 10 hex digits, for logs */
    public String shortText() {
        return toString().substring(0, 10);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PeerId peer && Arrays.equals(key, peer.key);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public int compareTo(PeerId other) {
        return Arrays.compareUnsigned(key, other.key);
    }

    /** @return the strict text form: 64 lowercase hex digits */
    @Override
    public String toString() {
        return Bytes.hex(key);
    }
}
