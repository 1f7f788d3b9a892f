package io.topictracker.engine.records;

import static io.topictracker.engine.records.Fixtures.MINUTE;
import static io.topictracker.engine.records.Fixtures.SIGNING;
import static io.topictracker.engine.records.Fixtures.TOPIC;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Whatever bytes arrive, decoding ends in a record or a RecordException: never another exception. */
class MalformedInputTest {
    private final byte[] valid = Record.sign(TOPIC, MINUTE, SIGNING.generate(), Fixtures.worstCase()).encode();

    @Test
    void mutatedRecordsAreRejectedWithAReasonNeverACrash() {
        Random random = new Random(12345); // seeded: the same inputs every run
        Set<RecordException.Reason> seen = EnumSet.noneOf(RecordException.Reason.class);
        for (int i = 0; i < 500; i++) {
            // Half keep the length (a flip inside a whole record: a bad signature or content), half are cut or padded.
            int length = random.nextBoolean() ? valid.length : random.nextInt(valid.length + 20);
            byte[] bytes = Arrays.copyOf(valid, length);
            int flips = 1 + random.nextInt(3);
            for (int f = 0; f < flips && bytes.length > 0; f++) {
                bytes[random.nextInt(bytes.length)] ^= (byte) (1 + random.nextInt(255));
            }
            try {
                Record.decode(bytes, TOPIC, MINUTE, SIGNING);
                // a flip may land beyond the cut and leave the record intact
                assertTrue(Arrays.equals(bytes, valid), "only the untouched record decodes");
            } catch (RecordException e) {
                seen.add(e.reason());
                assertTrue(e.getMessage() != null && !e.getMessage().isBlank());
            }
        }
        assertTrue(seen.containsAll(EnumSet.of(RecordException.Reason.TRUNCATED, RecordException.Reason.BAD_SIGNATURE)),
                "reasons seen: " + seen);
    }

    @Test
    void randomBytesAreRejectedWithAReason() {
        Random random = new Random(54321);
        for (int i = 0; i < 300; i++) {
            byte[] bytes = new byte[random.nextInt(1200)];
            random.nextBytes(bytes);
            try {
                RecordSealer.open(bytes, Fixtures.keys("s").slot(MINUTE), SIGNING);
                throw new AssertionError("random bytes opened");
            } catch (RecordException e) {
                assertTrue(Set.of(RecordException.Reason.TRUNCATED, RecordException.Reason.TOO_LONG,
                        RecordException.Reason.UNSUPPORTED_VERSION, RecordException.Reason.DECRYPT_FAILED)
                        .contains(e.reason()), e.reason().toString());
            }
        }
        assertEquals(RecordException.Reason.TRUNCATED, reasonOf(new byte[0]));
    }

    private static RecordException.Reason reasonOf(byte[] bytes) {
        try {
            Record.decode(bytes, TOPIC, MINUTE, SIGNING);
            throw new AssertionError("decoded");
        } catch (RecordException e) {
            return e.reason();
        }
    }
}
