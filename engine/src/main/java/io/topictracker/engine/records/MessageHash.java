package io.topictracker.engine.records;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * The 32-byte hash of a recently received gossip message, as the Rust crate carries in records (its
 * {@code last_message_hashes}); records whose hashes overlap ours show the publisher is in our overlay. Immutable.
 */
public final class MessageHash {
    /** Length in bytes. */
    public static final int LENGTH = 32;

    private final byte[] hash;

    private MessageHash(byte[] hash) {
        this.hash = hash;
    }

    /** @param hash exactly 32 bytes, not null; copied */
    public static MessageHash of(byte[] hash) {
        if (hash == null || hash.length != LENGTH) {
            throw new IllegalArgumentException("a message hash must be " + LENGTH + " bytes, got "
                    + (hash == null ? "null" : hash.length));
        }
        return new MessageHash(hash.clone());
    }

    /** @return a copy of the bytes */
    public byte[] toBytes() {
        return hash.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof MessageHash m && Arrays.equals(hash, m.hash);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(hash);
    }

    @Override
    public String toString() {
        return HexFormat.of().formatHex(hash, 0, 5);
    }
}
