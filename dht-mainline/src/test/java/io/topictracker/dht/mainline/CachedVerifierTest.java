package io.topictracker.dht.mainline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.api.signing.SigningKeyPair;
import io.topictracker.api.signing.SigningProvider;
import io.topictracker.dht.mainline.store.CachedVerifier;
import io.topictracker.engine.signing.BouncyCastleEd25519Provider;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The signature verdict cache: same verdicts as the provider, each distinct triple verified once, bounded. */
class CachedVerifierTest {
    private static final SigningProvider SIGNING = new BouncyCastleEd25519Provider();
    private final SigningKeyPair key = SIGNING.generate();

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aTripleSeenAgainIsAnsweredFromTheCacheWithTheSameVerdict() {
        CachedVerifier verifier = new CachedVerifier(SIGNING, 16);
        byte[] message = bytes("3:seqi1e1:v5:hello");
        byte[] signature = key.sign(message);
        byte[] forged = signature.clone();
        forged[5] ^= 1;
        for (int i = 0; i < 3; i++) {
            assertTrue(verifier.verify(key.publicKey(), message, signature));
            assertFalse(verifier.verify(key.publicKey(), message, forged), "an invalid verdict is kept too");
            assertFalse(verifier.verify(key.publicKey(), bytes("3:seqi2e1:v5:hello"), signature),
                    "another message with the same signature is another triple");
        }
        assertEquals(3, verifier.verifications(), "three distinct triples, each verified once");
    }

    @Test
    void theLeastRecentlyUsedVerdictIsForgottenAtTheBound() {
        CachedVerifier verifier = new CachedVerifier(SIGNING, 2);
        byte[][] messages = {bytes("a"), bytes("b"), bytes("c")};
        for (byte[] m : messages) {
            assertTrue(verifier.verify(key.publicKey(), m, key.sign(m)));
        }
        assertTrue(verifier.verify(key.publicKey(), messages[2], key.sign(messages[2])));
        assertEquals(3, verifier.verifications(), "c is remembered");
        assertTrue(verifier.verify(key.publicKey(), messages[0], key.sign(messages[0])));
        assertEquals(4, verifier.verifications(), "a was evicted when c came, so it is verified again");
    }

    @Test
    void anExistingCacheIsReusedNotWrapped() {
        CachedVerifier verifier = new CachedVerifier(SIGNING, 2);
        assertSame(verifier, CachedVerifier.around(verifier, 10));
    }
}
