package io.topictracker.engine.records;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes the record content decoder ({@link ContentCodec#decode}, PROTOCOL.md §2.1's content formats 1 and 2), which reads what a
 * topic member signed and sealed: it must return content or throw {@link RecordException} MALFORMED_CONTENT or
 * UNSUPPORTED_VERSION. Content it returns keeps {@link RecordContent}'s bounds and encodes to bytes that decode to
 * an equal value (IP hosts are canonical after decoding, so a second round changes nothing).
 *
 * <p>Seeds: {@code src/test/resources/io/topictracker/engine/records/ContentCodecFuzzTestInputs/decode/}.
 */
class ContentCodecFuzzTest {
    @FuzzTest(maxDuration = "20s")
    void decode(byte[] body) throws Exception {
        RecordContent content;
        try {
            content = ContentCodec.decode(body);
        } catch (RecordException e) {
            assertTrue(e.reason() == RecordException.Reason.MALFORMED_CONTENT
                    || e.reason() == RecordException.Reason.UNSUPPORTED_VERSION, e.reason() + ": " + e.getMessage());
            assertNotNull(e.getMessage());
            return;
        }
        byte[] encoded = ContentCodec.encode(content);
        assertEquals(content.encodedLength(), encoded.length);
        assertTrue(encoded.length <= RecordContent.MAX_ENCODED_LENGTH, "content of " + encoded.length + " bytes");
        assertEquals(content, ContentCodec.decode(encoded), "decoded content round-trips");
    }
}
