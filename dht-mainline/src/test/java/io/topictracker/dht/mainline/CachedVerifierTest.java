package io.topictracker.dht.mainline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.api.signing.KeyVerifier;
import io.topictracker.api.signing.SigningKeyPair;
import io.topictracker.api.signing.SigningProvider;
import io.topictracker.dht.mainline.store.CachedVerifier;
import io.topictracker.signing.bc.BouncyCastleEd25519Provider;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The signature verdict cache: same verdicts as the provider, each distinct triple verified once, each key validated
 * once while remembered, bounded.
 */
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

    @Test
    void aKeySeenAgainWithNewMessagesIsValidatedOnceAndJudgedAsStrictly() {
        AtomicInteger keysValidated = new AtomicInteger();
        AtomicInteger fullVerifications = new AtomicInteger();
        SigningProvider counting = new CountingProvider(keysValidated, fullVerifications);
        CachedVerifier verifier = new CachedVerifier(counting, 64);
        SigningKeyPair other = SIGNING.generate();
        for (int seq = 1; seq <= 5; seq++) {
            byte[] message = bytes("3:seqi" + seq + "e1:v5:hello");
            byte[] forged = key.sign(message);
            forged[40] ^= 1;
            assertTrue(verifier.verify(key.publicKey(), message, key.sign(message)), "seq " + seq);
            assertFalse(verifier.verify(key.publicKey(), message, forged), "seq " + seq + ", forged");
            assertFalse(verifier.verify(other.publicKey(), message, key.sign(message)), "seq " + seq + ", other key");
        }
        assertEquals(2, keysValidated.get(), "two distinct keys, each validated once");
        assertEquals(2, verifier.keysValidated());
        assertEquals(0, fullVerifications.get(), "no verification validates the key again");
        assertEquals(15, verifier.verifications(), "fifteen distinct triples");
    }

    @Test
    void aSmallOrderKeyStaysRefusedThroughTheKeyCache() {
        CachedVerifier verifier = new CachedVerifier(SIGNING, 64);
        byte[] identity = new byte[32];
        identity[0] = 1; // the encoding of the neutral point, a small-order key that strict verification refuses
        byte[] signature = new byte[64];
        signature[0] = 1; // R = the neutral point, S = 0: "valid" for the neutral key under lax rules
        for (int i = 0; i < 2; i++) {
            assertFalse(verifier.verify(identity, bytes("m" + i), signature));
        }
    }

    /** The real provider, counting key validations ({@code verifier}) and full verifications ({@code verify}). */
    private static final class CountingProvider implements SigningProvider {
        private final AtomicInteger keysValidated;
        private final AtomicInteger fullVerifications;

        CountingProvider(AtomicInteger keysValidated, AtomicInteger fullVerifications) {
            this.keysValidated = keysValidated;
            this.fullVerifications = fullVerifications;
        }

        @Override
        public boolean verify(byte[] publicKey, byte[] message, byte[] signature) {
            fullVerifications.incrementAndGet();
            return SIGNING.verify(publicKey, message, signature);
        }

        @Override
        public KeyVerifier verifier(byte[] publicKey) {
            keysValidated.incrementAndGet();
            return SIGNING.verifier(publicKey);
        }

        @Override
        public SigningKeyPair generate() {
            return SIGNING.generate();
        }

        @Override
        public SigningKeyPair fromSeed(byte[] seed32) {
            return SIGNING.fromSeed(seed32);
        }

        @Override
        public String id() {
            return SIGNING.id();
        }
    }
}
