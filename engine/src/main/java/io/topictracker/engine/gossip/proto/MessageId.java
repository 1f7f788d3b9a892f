package io.topictracker.engine.gossip.proto;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * The 32-byte id of a broadcast: {@code SHA-256("tt-gossip-id-v1" || author || seq (8 bytes, big-endian) ||
 * payload)}. Because author and the author's sequence number are hashed in, the same payload broadcast twice gets two
 * ids and is delivered twice (unlike iroh-gossip, whose id is the payload's hash). Immutable and thread-safe.
 */
public final class MessageId {
    /** Length in bytes. */
    public static final int LENGTH = 32;

    private final byte[] bytes;
    private final int hash;

    private MessageId(byte[] bytes) {
        this.bytes = bytes;
        this.hash = Arrays.hashCode(bytes);
    }

    /**
     * @param bytes exactly 32 bytes, not null; copied
     * @throws IllegalArgumentException on another length
     */
    public static MessageId of(byte[] bytes) {
        if (bytes.length != LENGTH) {
            throw new IllegalArgumentException("a message id is " + LENGTH + " bytes, got " + bytes.length);
        }
        return new MessageId(bytes.clone());
    }

    static MessageId wrap(byte[] bytes) {
        return new MessageId(bytes);
    }

    /** @return a copy of the bytes, never null */
    public byte[] toBytes() {
        return bytes.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof MessageId id && Arrays.equals(bytes, id.bytes);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return HexFormat.of().formatHex(bytes, 0, 5);
    }
}
