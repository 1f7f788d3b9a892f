package io.topictracker.signing.bc;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.api.signing.KeyVerifier;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The cached-key verifier is exactly as strict as verify. */
class KeyVerifierTest {
    private final BouncyCastleEd25519Provider provider = new BouncyCastleEd25519Provider();

    @Test
    void acceptsWhatVerifyAcceptsAndRejectsWhatItRejects() {
        var pair = provider.generate();
        byte[] message = "message".getBytes(StandardCharsets.UTF_8);
        byte[] signature = pair.sign(message);
        KeyVerifier verifier = provider.verifier(pair.publicKey());
        assertTrue(verifier.verify(message, signature));
        byte[] tampered = signature.clone();
        tampered[5] ^= 1;
        assertFalse(verifier.verify(message, tampered));
        assertFalse(verifier.verify("other".getBytes(StandardCharsets.UTF_8), signature));
        assertFalse(verifier.verify(message, new byte[63]));
        // S + L (non-canonical S) must be refused, as verify refuses it
        byte[] nonCanonical = signature.clone();
        nonCanonical[63] |= (byte) 0xf0;
        assertFalse(provider.verify(pair.publicKey(), message, nonCanonical));
        assertFalse(verifier.verify(message, nonCanonical));
    }

    @Test
    void smallOrderAndMalformedKeysAcceptNothing() {
        byte[] identity = HexFormat.of().parseHex("0100000000000000000000000000000000000000000000000000000000000000");
        byte[] signature = new byte[64];
        signature[0] = 1;
        assertFalse(provider.verifier(identity).verify("anything".getBytes(StandardCharsets.UTF_8), signature));
        assertFalse(provider.verifier(new byte[31]).verify(new byte[1], new byte[64]));
    }
}
