package io.topictracker.engine.records;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.topictracker.api.signing.SigningKeyPair;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Fuzzes what a node does with a value found in a topic's DHT slot: {@link RecordSealer#open} (ChaCha20-Poly1305,
 * then {@link Record#decode}'s length, topic, minute and signature checks, then the content). The first input byte
 * chooses how far in the fuzzed bytes start, since a fuzzer can neither forge the AEAD tag nor a signature:
 * <ol start="0">
 *   <li>the rest is the sealed value as found in the DHT;</li>
 *   <li>the rest is a record's plaintext, sealed here under the slot's key;</li>
 *   <li>the rest is a record's content, put in a record for the slot's topic and minute, signed by a publisher and
 *       sealed here.</li>
 * </ol>
 * Allowed outcomes: a record whose bytes are the plaintext, or {@link RecordException} with a reason.
 *
 * <p>Seeds: {@code src/test/resources/io/topictracker/engine/records/SealedRecordFuzzTestInputs/open/}.
 */
class SealedRecordFuzzTest {
    private static final SlotKeys SLOT = Fixtures.keys("fuzzed topic secret").slot(Fixtures.MINUTE);
    private static final SigningKeyPair PUBLISHER = Fixtures.SIGNING.fromSeed(new byte[32]);
    private static final byte[] NONCE = new byte[12];
    private static final int MAX_PLAIN = RecordSealer.MAX_SEALED_LENGTH - RecordSealer.OVERHEAD;

    @FuzzTest(maxDuration = "20s")
    void open(byte[] input) {
        if (input.length == 0) {
            return;
        }
        byte[] rest = Arrays.copyOfRange(input, 1, input.length);
        byte[] plain = null;
        byte[] sealed;
        switch (input[0] % 3) {
            case 0 -> sealed = rest;
            case 1 -> {
                plain = Arrays.copyOf(rest, Math.min(rest.length, MAX_PLAIN));
                sealed = RecordSealer.sealBytes(plain, SLOT, NONCE);
            }
            default -> {
                plain = signedRecord(Arrays.copyOf(rest, Math.min(rest.length, MAX_PLAIN - Record.FIXED_LENGTH)));
                sealed = RecordSealer.sealBytes(plain, SLOT, NONCE);
            }
        }
        try {
            Record record = RecordSealer.open(sealed, SLOT, Fixtures.SIGNING);
            if (plain != null) { // (a value given whole may be one sealed under this slot's key too: the seeds are)
                assertArrayEquals(plain, record.encode());
            }
            assertEquals(SLOT.topic(), record.topic());
            assertEquals(SLOT.unixMinute(), record.unixMinute());
        } catch (RecordException e) {
            assertNotNull(e.reason());
            assertNotNull(e.getMessage());
        }
    }

    /** A record as PROTOCOL.md lays it out, around any content bytes, with a valid signature. */
    private static byte[] signedRecord(byte[] content) {
        ByteBuffer out = ByteBuffer.allocate(Record.FIXED_LENGTH + content.length);
        out.put(SLOT.topic().toBytes()).putLong(SLOT.unixMinute()).put(PUBLISHER.publicKey())
                .putShort((short) content.length).put(content);
        byte[] signature = PUBLISHER.sign(Arrays.copyOf(out.array(), out.position()));
        out.put(signature);
        return out.array();
    }
}
