package io.topictracker.dht.mainline.bencode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes the bencode decoder with the limits a KRPC datagram gets. The only outcomes allowed are a value that
 * re-encodes to exactly the input (strictness: one encoding per value, which BEP44 signatures rely on) or a
 * {@link BencodeException} whose offset lies inside the input; anything else (another exception, a stack overflow,
 * an allocation the input did not pay for) is a finding.
 *
 * <p>Seeds: {@code src/test/resources/io/topictracker/dht/mainline/bencode/BencodeFuzzTestInputs/decode/}.
 */
class BencodeFuzzTest {
    @FuzzTest(maxDuration = "20s")
    void decode(byte[] input) {
        try {
            Object value = Bencode.decode(input, BencodeLimits.KRPC);
            assertArrayEquals(input, Bencode.encode(value), "a decoded value re-encodes to its input");
        } catch (BencodeException e) {
            assertTrue(e.offset() >= 0 && e.offset() <= input.length, e.getMessage());
        }
    }
}
