package io.topictracker.engine.signing;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class QuickSigningTest {
    @Test
    void identityKeyWithTrivialSignatureIsRejected() {
        var p = new BouncyCastleEd25519Provider();
        byte[] identity = HexFormat.of().parseHex("0100000000000000000000000000000000000000000000000000000000000000");
        byte[] sig = new byte[64];
        sig[0] = 1;
        assertFalse(p.verify(identity, "anything".getBytes(), sig));
        var kp = p.generate();
        assertTrue(p.verify(kp.publicKey(), "m".getBytes(), kp.sign("m".getBytes())));
    }
}
