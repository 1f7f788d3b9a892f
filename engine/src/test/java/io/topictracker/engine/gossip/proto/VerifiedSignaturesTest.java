package io.topictracker.engine.gossip.proto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.api.PeerId;
import io.topictracker.api.signing.SigningKeyPair;
import io.topictracker.api.signing.SigningProvider;
import io.topictracker.signing.bc.BouncyCastleEd25519Provider;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Nodes of one process share verifications that came out valid, and nothing else. */
class VerifiedSignaturesTest {
    private final BouncyCastleEd25519Provider ed25519 = new BouncyCastleEd25519Provider();
    private final SigningKeyPair author = ed25519.fromSeed(Harness.filled(32, 7));
    private final SigningKeyPair forger = ed25519.fromSeed(Harness.filled(32, 8));
    private final byte[] payload = "shared".getBytes(StandardCharsets.UTF_8);

    /** The real provider, counting the verifications it runs. */
    private static final class CountingVerifier implements SigningProvider {
        final AtomicInteger runs = new AtomicInteger();
        private final BouncyCastleEd25519Provider real = new BouncyCastleEd25519Provider();

        @Override
        public String id() {
            return real.id();
        }

        @Override
        public SigningKeyPair generate() {
            return real.generate();
        }

        @Override
        public SigningKeyPair fromSeed(byte[] seed32) {
            return real.fromSeed(seed32);
        }

        @Override
        public boolean verify(byte[] publicKey, byte[] message, byte[] signature) {
            runs.incrementAndGet();
            return real.verify(publicKey, message, signature);
        }
    }

    @Test
    void withSeveralNodesOpenAValidSignatureIsVerifiedOnceAndForgeriesEveryTime() {
        CountingVerifier verifier = new CountingVerifier();
        BroadcastAuth signer = BroadcastAuth.ed25519(Harness.TOPIC, author, ed25519);
        BroadcastAuth first = BroadcastAuth.ed25519(Harness.TOPIC, ed25519.fromSeed(Harness.filled(32, 9)), verifier);
        BroadcastAuth second = BroadcastAuth.ed25519(Harness.TOPIC, ed25519.fromSeed(Harness.filled(32, 10)), verifier);
        long seq = System.nanoTime(); // unlike any entry another test of this JVM left
        byte[] signature = signer.sign(seq, payload);
        PeerId id = author.peerId();
        try (VerifiedSignatures.Registration a = VerifiedSignatures.register();
                VerifiedSignatures.Registration b = VerifiedSignatures.register()) {
            assertTrue(VerifiedSignatures.shared());
            assertTrue(first.verify(id, seq, payload, signature));
            assertTrue(second.verify(id, seq, payload, signature));
            assertEquals(1, verifier.runs.get(), "the second node found the first node's result");

            // the same signature over other bytes, or another key's signature claiming the author: verified, refused
            byte[] altered = "SHARED".getBytes(StandardCharsets.UTF_8);
            assertFalse(first.verify(id, seq, altered, signature));
            assertFalse(second.verify(id, seq + 1, payload, signature));
            byte[] forged = BroadcastAuth.ed25519(Harness.TOPIC, forger, ed25519).sign(seq, payload);
            assertFalse(first.verify(id, seq, payload, forged));
            assertFalse(second.verify(id, seq, payload, forged));
            assertEquals(5, verifier.runs.get(), "an invalid result is never remembered");
        }
    }

    @Test
    void withOneNodeNothingIsRememberedAndEveryCallVerifies() {
        CountingVerifier verifier = new CountingVerifier();
        BroadcastAuth signer = BroadcastAuth.ed25519(Harness.TOPIC, author, ed25519);
        BroadcastAuth receiver = BroadcastAuth.ed25519(Harness.TOPIC, forger, verifier);
        long seq = System.nanoTime();
        byte[] signature = signer.sign(seq, payload);
        assertEquals(0, VerifiedSignatures.openNodes(), "a node of an earlier test was not closed");
        try (VerifiedSignatures.Registration only = VerifiedSignatures.register()) {
            int before = VerifiedSignatures.size();
            assertTrue(receiver.verify(author.peerId(), seq, payload, signature));
            assertTrue(receiver.verify(author.peerId(), seq, payload, signature));
            assertEquals(2, verifier.runs.get());
            assertEquals(before, VerifiedSignatures.size());
        }
    }

    @Test
    void registrationsCloseOnceEach() {
        int before = VerifiedSignatures.openNodes();
        VerifiedSignatures.Registration a = VerifiedSignatures.register();
        VerifiedSignatures.Registration b = VerifiedSignatures.register();
        assertEquals(before + 2, VerifiedSignatures.openNodes());
        b.close();
        b.close();
        assertEquals(before + 1, VerifiedSignatures.openNodes());
        a.close();
        assertEquals(before, VerifiedSignatures.openNodes());
    }
}
