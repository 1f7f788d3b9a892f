package io.topictracker.engine.records;

import static io.topictracker.engine.records.Fixtures.MINUTE;
import static io.topictracker.engine.records.Fixtures.SIGNING;
import static io.topictracker.engine.records.Fixtures.TOPIC;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class PublisherVerifiersTest {
    @Test
    void cachedVerificationRejectsWhatPlainVerificationRejects() throws RecordException {
        PublisherVerifiers verifiers = new PublisherVerifiers(SIGNING, 2);
        SlotKeys slot = Fixtures.keys("secret").slot(MINUTE);
        byte[] sealed = new RecordSealer(new SecureRandom())
                .seal(Record.sign(TOPIC, MINUTE, SIGNING.generate(), Fixtures.worstCase()), slot);
        Record viaCache = RecordSealer.open(sealed, slot, verifiers);
        assertEquals(RecordSealer.open(sealed, slot, SIGNING), viaCache);
        assertEquals(viaCache, RecordSealer.open(sealed, slot, verifiers), "a second open uses the cached key");
        assertEquals(1, verifiers.size());

        byte[] bytes = viaCache.encode();
        bytes[bytes.length - 1] ^= 1;
        assertEquals(RecordException.Reason.BAD_SIGNATURE,
                assertThrows(RecordException.class, () -> Record.decode(bytes, TOPIC, MINUTE, verifiers)).reason());
    }

    @Test
    void theCacheIsBounded() {
        PublisherVerifiers verifiers = new PublisherVerifiers(SIGNING, 2);
        for (int i = 0; i < 5; i++) {
            var pair = SIGNING.generate();
            verifiers.verify(pair.publicKey(), new byte[] {1}, pair.sign(new byte[] {1}));
        }
        assertEquals(2, verifiers.size());
        assertThrows(IllegalArgumentException.class, () -> new PublisherVerifiers(SIGNING, 0));
    }
}
