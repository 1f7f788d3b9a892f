package io.topictracker.dht.mainline.store;

/**
 * A BEP44 item held by this node. For an immutable item {@code publicKey}, {@code signature} are null and
 * {@code seq} is -1. Immutable by convention; arrays are not copied.
 *
 * @param value the decoded {@code v} (any bencode value), never null
 * @param publicKey 32 bytes or null
 * @param salt possibly empty, never null
 * @param seq the sequence number, or -1 for an immutable item
 * @param signature 64 bytes or null
 * @param sourceIp who stored it, for the per-IP bound
 * @param storedAt when, in milliseconds
 */
public record StoredItem(Object value, byte[] publicKey, byte[] salt, long seq, byte[] signature, String sourceIp,
        long storedAt) {
    /** @return true for a mutable item */
    public boolean mutable() {
        return publicKey != null;
    }
}
