package io.topictracker.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * The 32-byte identifier of a topic: {@code SHA-512(name)[0..32]}, as distributed-topic-tracker derives it.
 *
 * <p>The text form is 64 lowercase hex digits. Immutable and thread-safe.
 */
public final class TopicId {
    /** Length in bytes. */
    public static final int LENGTH = 32;

    private final byte[] id;
    private final int hash;

    private TopicId(byte[] id) {
        this.id = id;
        this.hash = Arrays.hashCode(id);
    }

    /**
     * Derives the id of a named topic.
     *
     * @param name the topic name, not null; hashed as UTF-8
     */
    public static TopicId fromName(String name) {
        if (name == null) {
            throw new NullPointerException("topic name must not be null");
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-512").digest(name.getBytes(StandardCharsets.UTF_8));
            return new TopicId(Arrays.copyOf(digest, LENGTH));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-512 is required by every Java platform", e);
        }
    }

    /** @param bytes exactly 32 bytes, not null; copied */
    public static TopicId of(byte[] bytes) {
        return new TopicId(Bytes.requireLength(bytes, LENGTH, "TopicId"));
    }

    /** Parses 64 lowercase hex digits strictly. */
    public static TopicId parse(String text) {
        return new TopicId(Bytes.parseStrictHex(text, LENGTH, "TopicId"));
    }

    /** @return a copy of the 32 bytes, never null */
    public byte[] toBytes() {
        return id.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TopicId topic && Arrays.equals(id, topic.id);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return Bytes.hex(id);
    }
}
