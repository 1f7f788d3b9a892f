package io.topictracker.engine.records;

import static io.topictracker.engine.records.Fixtures.MINUTE;
import static io.topictracker.engine.records.Fixtures.SIGNING;
import static io.topictracker.engine.records.Fixtures.TOPIC;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.api.PeerAddress;
import io.topictracker.api.PeerId;
import io.topictracker.api.TopicId;
import io.topictracker.api.signing.SigningKeyPair;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordTest {
    private final SigningKeyPair publisher = SIGNING.generate();

    private Record record() {
        return Record.sign(TOPIC, MINUTE, publisher, Fixtures.worstCase());
    }

    private static RecordException.Reason rejection(byte[] bytes, TopicId topic, long minute) {
        return assertThrows(RecordException.class, () -> Record.decode(bytes, topic, minute, SIGNING)).reason();
    }

    @Test
    void roundTripKeepsEveryField() throws RecordException {
        Record record = record();
        Record decoded = Record.decode(record.encode(), TOPIC, MINUTE, SIGNING);
        assertEquals(record, decoded);
        assertEquals(record.content(), decoded.content());
        assertEquals(publisher.peerId(), decoded.publisher());
        assertEquals(MINUTE, decoded.unixMinute());
    }

    @Test
    void ipv4AndDnsAddressesRoundTrip() throws RecordException {
        RecordContent content = RecordContent.of(List.of(PeerAddress.parse("tcp://10.0.0.1:4000"),
                PeerAddress.parse("quic://[::1]:4001"), PeerAddress.parse("tcp://node.example.org:4002")));
        Record decoded = Record.decode(Record.sign(TOPIC, MINUTE, publisher, content).encode(), TOPIC, MINUTE, SIGNING);
        assertEquals(content, decoded.content());
    }

    @Test
    void wrongTopicIsRejected() {
        assertEquals(RecordException.Reason.WRONG_TOPIC, rejection(record().encode(), TopicId.fromName("other"), MINUTE));
    }

    @Test
    void wrongMinuteIsRejected() {
        assertEquals(RecordException.Reason.WRONG_MINUTE, rejection(record().encode(), TOPIC, MINUTE + 1));
    }

    @Test
    void badSignatureIsRejected() {
        byte[] bytes = record().encode();
        bytes[bytes.length - 1] ^= 1;
        assertEquals(RecordException.Reason.BAD_SIGNATURE, rejection(bytes, TOPIC, MINUTE));
    }

    @Test
    void alteredContentBreaksTheSignature() {
        byte[] bytes = record().encode();
        bytes[Record.FIXED_LENGTH - 64 + 3] ^= 1;
        assertEquals(RecordException.Reason.BAD_SIGNATURE, rejection(bytes, TOPIC, MINUTE));
    }

    @Test
    void truncatedInputIsRejected() {
        byte[] bytes = record().encode();
        assertEquals(RecordException.Reason.TRUNCATED, rejection(Arrays.copyOf(bytes, bytes.length - 1), TOPIC, MINUTE));
        assertEquals(RecordException.Reason.TRUNCATED, rejection(Arrays.copyOf(bytes, 20), TOPIC, MINUTE));
    }

    @Test
    void overLongInputIsRejected() {
        byte[] bytes = record().encode();
        assertEquals(RecordException.Reason.TOO_LONG, rejection(Arrays.copyOf(bytes, bytes.length + 1), TOPIC, MINUTE));
    }

    @Test
    void malformedSignedContentIsRejected() {
        // A publisher may sign garbage; the signature holds but the content check still refuses it.
        byte[] content = {1, 9}; // 9 own addresses announced: above the bound, and nothing follows
        byte[] bytes = SignedBytes.record(TOPIC, MINUTE, publisher, content);
        RecordException e = assertThrows(RecordException.class, () -> Record.decode(bytes, TOPIC, MINUTE, SIGNING));
        assertEquals(RecordException.Reason.MALFORMED_CONTENT, e.reason());
        assertTrue(e.getMessage().contains("own addresses"), e.getMessage());
    }

    @Test
    void unknownContentVersionIsRejected() {
        byte[] bytes = SignedBytes.record(TOPIC, MINUTE, publisher, new byte[] {4, 0, 0, 0});
        assertEquals(RecordException.Reason.UNSUPPORTED_VERSION, rejection(bytes, TOPIC, MINUTE));
    }

    @Test
    void contentWithoutConnectionRequestsIsVersionOneAndWithThemVersionTwo() throws RecordException {
        RecordContent plain = RecordContent.of(List.of(PeerAddress.parse("quic://203.0.113.7:4000")));
        assertEquals(1, ContentCodec.encode(plain)[0], "readable by nodes that know only version 1");
        PeerId wanted = SIGNING.generate().peerId();
        RecordContent asking = new RecordContent(plain.addresses(), List.of(), List.of(), List.of(wanted));
        byte[] encoded = ContentCodec.encode(asking);
        assertEquals(2, encoded[0]);
        assertEquals(ContentCodec.encode(plain).length + 1 + PeerId.LENGTH, encoded.length);
        assertEquals(asking, ContentCodec.decode(encoded));
        Record record = Record.sign(TOPIC, MINUTE, publisher, asking);
        assertEquals(List.of(wanted), Record.decode(record.encode(), TOPIC, MINUTE, SIGNING).content()
                .connectRequests());
    }

    @Test
    void contentThatSaysSinceWhenIsVersionThreeWithOrWithoutRequests() throws RecordException {
        RecordContent plain = RecordContent.of(List.of(PeerAddress.parse("quic://203.0.113.7:4000")));
        RecordContent since = new RecordContent(plain.addresses(), List.of(), List.of(), List.of(), 1_796_000_000_123L);
        byte[] encoded = ContentCodec.encode(since);
        assertEquals(3, encoded[0]);
        assertEquals(ContentCodec.encode(plain).length + 1 + Long.BYTES, encoded.length, "a zero request count, 8 bytes");
        assertEquals(since, ContentCodec.decode(encoded));
        PeerId wanted = SIGNING.generate().peerId();
        RecordContent both = new RecordContent(plain.addresses(), List.of(), List.of(), List.of(wanted), 42);
        assertEquals(3, ContentCodec.encode(both)[0]);
        Record record = Record.sign(TOPIC, MINUTE, publisher, both);
        RecordContent read = Record.decode(record.encode(), TOPIC, MINUTE, SIGNING).content();
        assertEquals(List.of(wanted), read.connectRequests());
        assertEquals(42, read.sinceMillis());
        assertEquals(RecordContent.SINCE_UNKNOWN, ContentCodec.decode(ContentCodec.encode(plain)).sinceMillis());
    }

    @Test
    void malformedSinceIsRejectedWithWhatWasWrong() {
        // version 3, no own addresses, peers, hashes or requests, then since
        assertMalformed(new byte[] {3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, "since 0 (must be at least 1)");
        assertMalformed(new byte[] {3, 0, 0, 0, 0, -128, 0, 0, 0, 0, 0, 0, 0}, "must be at least 1");
        assertMalformed(new byte[] {3, 0, 0, 0, 0, 0, 0, 0, 1}, "ends inside a field");
        assertMalformed(new byte[] {3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 7}, "1 trailing bytes");
    }

    @Test
    void malformedConnectionRequestsAreRejectedWithWhatWasWrong() {
        byte[] wanted = SIGNING.generate().peerId().toBytes();
        // version 2, no own addresses, peers or hashes, then the requests
        byte[] none = {2, 0, 0, 0, 0};
        byte[] three = concat(new byte[] {2, 0, 0, 0, 3}, wanted, wanted, wanted);
        byte[] twice = concat(new byte[] {2, 0, 0, 0, 2}, wanted, wanted);
        byte[] cut = concat(new byte[] {2, 0, 0, 0, 1}, Arrays.copyOf(wanted, 20));
        assertMalformed(none, "no connection requests");
        assertMalformed(three, "connection requests: 3 entries, at most 2");
        assertMalformed(twice, "asked to connect twice");
        assertMalformed(cut, "ends inside a field");
    }

    private static void assertMalformed(byte[] content, String expected) {
        RecordException e = assertThrows(RecordException.class, () -> ContentCodec.decode(content));
        assertEquals(RecordException.Reason.MALFORMED_CONTENT, e.reason());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /** Hand-built records, signed correctly, for contents the API cannot express. */
    static final class SignedBytes {
        static byte[] record(TopicId topic, long minute, SigningKeyPair key, byte[] content) {
            var out = java.nio.ByteBuffer.allocate(Record.FIXED_LENGTH + content.length);
            out.put(topic.toBytes()).putLong(minute).put(key.publicKey()).putShort((short) content.length).put(content);
            out.put(key.sign(Arrays.copyOf(out.array(), out.position())));
            return out.array();
        }
    }
}
