package io.topictracker.engine.topic;

import io.topictracker.engine.records.MessageHash;
import io.topictracker.engine.records.RecordContent;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The hashes of the last {@link RecordContent#MAX_MESSAGE_HASHES} messages of a topic, newest first, as the Rust
 * crate keeps {@code last_message_hashes} for its records. A message's hash is SHA-512(payload)[0..32]. Thread-safe.
 */
public final class MessageHashes {
    private final ArrayDeque<MessageHash> last = new ArrayDeque<>();

    /** Records a message (received or broadcast by us). @param payload not null */
    public void add(byte[] payload) {
        MessageHash hash = hash(payload);
        synchronized (last) {
            last.remove(hash);
            last.addFirst(hash);
            while (last.size() > RecordContent.MAX_MESSAGE_HASHES) {
                last.removeLast();
            }
        }
    }

    /** @return newest first, a snapshot; never null */
    public List<MessageHash> snapshot() {
        synchronized (last) {
            return new ArrayList<>(last);
        }
    }

    /** @return the hash of a payload, never null */
    public static MessageHash hash(byte[] payload) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-512").digest(payload);
            return MessageHash.of(Arrays.copyOf(digest, MessageHash.LENGTH));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-512 is required of every JDK", e);
        }
    }
}
