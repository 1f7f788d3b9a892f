package io.topictracker.engine.records;

import io.topictracker.api.PeerId;
import io.topictracker.api.TopicId;
import io.topictracker.api.signing.SigningKeyPair;
import io.topictracker.api.signing.SigningProvider;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * A discovery record, as in the Rust crate: topic, unix minute, publisher key, content, and the publisher's Ed25519
 * signature over every byte before it.
 *
 * <pre>
 * record = topic:32 minute:u64be publisher:32 clen:u16be content{clen} signature:64
 * </pre>
 *
 * <p>Instances are only made by {@link #sign} (which signs) or {@link #decode} (which verifies), so a Record in hand
 * is always correctly signed. Immutable and thread-safe; nothing is null.
 */
public final class Record {
    /** The bytes of a record besides its content: topic, minute, publisher, content length and signature. */
    public static final int FIXED_LENGTH = 32 + 8 + 32 + 2 + 64;
    private static final int SIGNATURE_LENGTH = 64;

    private final TopicId topic;
    private final long unixMinute;
    private final PeerId publisher;
    private final RecordContent content;
    private final byte[] encoded;

    private Record(TopicId topic, long unixMinute, PeerId publisher, RecordContent content, byte[] encoded) {
        this.topic = topic;
        this.unixMinute = unixMinute;
        this.publisher = publisher;
        this.content = content;
        this.encoded = encoded;
    }

    /**
     * Builds and signs a record.
     *
     * @param topic not null; @param unixMinute the minute it is for; @param publisher signs, not null;
     * @param content not null
     */
    public static Record sign(TopicId topic, long unixMinute, SigningKeyPair publisher, RecordContent content) {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(publisher, "publisher");
        byte[] body = ContentCodec.encode(Objects.requireNonNull(content, "content"));
        ByteBuffer out = ByteBuffer.allocate(FIXED_LENGTH + body.length);
        out.put(topic.toBytes()).putLong(unixMinute).put(publisher.publicKey()).putShort((short) body.length).put(body);
        byte[] signature = publisher.sign(Arrays.copyOf(out.array(), out.position()));
        out.put(signature);
        return new Record(topic, unixMinute, publisher.peerId(), content, out.array());
    }

    /**
     * Parses and strictly verifies a record found in the slot of {@code expectedTopic} at {@code expectedMinute}.
     * Checks run cheapest first: length, topic, minute, signature, then content.
     *
     * @throws RecordException with the reason of the first check that fails
     */
    public static Record decode(byte[] bytes, TopicId expectedTopic, long expectedMinute, SigningProvider signing)
            throws RecordException {
        return decode(bytes, expectedTopic, expectedMinute, signing::verify);
    }

    /** Same as {@link #decode(byte[], TopicId, long, SigningProvider)}, verifying through a verifier cache. */
    public static Record decode(byte[] bytes, TopicId expectedTopic, long expectedMinute, PublisherVerifiers verifiers)
            throws RecordException {
        return decode(bytes, expectedTopic, expectedMinute, verifiers::verify);
    }

    /** How a signature is checked: {@code (publicKey, message, signature) -> valid}. */
    @FunctionalInterface
    interface SignatureCheck {
        boolean verify(byte[] publicKey, byte[] message, byte[] signature);
    }

    static Record decode(byte[] bytes, TopicId expectedTopic, long expectedMinute, SignatureCheck signing)
            throws RecordException {
        if (bytes.length < FIXED_LENGTH) {
            throw new RecordException(RecordException.Reason.TRUNCATED,
                    "record is " + bytes.length + " bytes, shorter than the " + FIXED_LENGTH + " of its fixed fields");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes);
        byte[] topicBytes = new byte[TopicId.LENGTH];
        in.get(topicBytes);
        long minute = in.getLong();
        byte[] key = new byte[PeerId.LENGTH];
        in.get(key);
        int contentLength = in.getShort() & 0xffff;
        int expectedLength = FIXED_LENGTH + contentLength;
        if (bytes.length < expectedLength) {
            throw new RecordException(RecordException.Reason.TRUNCATED, "record is " + bytes.length
                    + " bytes, its content length says " + expectedLength);
        }
        if (bytes.length > expectedLength) {
            throw new RecordException(RecordException.Reason.TOO_LONG, "record is " + bytes.length
                    + " bytes, its content length says " + expectedLength);
        }
        TopicId topic = TopicId.of(topicBytes);
        if (!topic.equals(expectedTopic)) {
            throw new RecordException(RecordException.Reason.WRONG_TOPIC,
                    "record is for topic " + topic + ", found in the slot of " + expectedTopic);
        }
        if (minute != expectedMinute) {
            throw new RecordException(RecordException.Reason.WRONG_MINUTE,
                    "record is for minute " + minute + ", found in the slot of minute " + expectedMinute);
        }
        int signedLength = bytes.length - SIGNATURE_LENGTH;
        byte[] signed = Arrays.copyOf(bytes, signedLength);
        byte[] signature = Arrays.copyOfRange(bytes, signedLength, bytes.length);
        if (!signing.verify(key, signed, signature)) {
            throw new RecordException(RecordException.Reason.BAD_SIGNATURE,
                    "signature of publisher " + PeerId.of(key).shortText() + " does not verify");
        }
        byte[] body = Arrays.copyOfRange(bytes, FIXED_LENGTH - SIGNATURE_LENGTH, signedLength);
        RecordContent content = ContentCodec.decode(body);
        return new Record(topic, minute, PeerId.of(key), content, bytes.clone());
    }

    /** @return a copy of the encoded, signed bytes */
    public byte[] encode() {
        return encoded.clone();
    }

    /** @return the encoded length */
    public int encodedLength() {
        return encoded.length;
    }

    /** @return the topic, never null */
    public TopicId topic() {
        return topic;
    }

    /** @return the unix minute */
    public long unixMinute() {
        return unixMinute;
    }

    /** @return the publisher's key, never null */
    public PeerId publisher() {
        return publisher;
    }

    /** @return the content, never null */
    public RecordContent content() {
        return content;
    }

    /** Equal when the signed bytes are equal. */
    @Override
    public boolean equals(Object other) {
        return other instanceof Record r && Arrays.equals(encoded, r.encoded);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(encoded);
    }

    @Override
    public String toString() {
        return "Record[" + publisher.shortText() + " minute=" + unixMinute + " " + content + "]";
    }
}
