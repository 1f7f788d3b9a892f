package io.topictracker.tck;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.api.PeerId;
import io.topictracker.api.signing.KeyVerifier;
import io.topictracker.api.signing.SigningKeyPair;
import io.topictracker.api.signing.SigningProvider;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The contract every {@link SigningProvider} meets: RFC 8032 Ed25519 (§7.1 vectors), strict verification (a
 * signature has one encoding and a key is not of small order, so a signature cannot be replayed for other messages
 * or keys), and seeds that round-trip. A provider's test extends this class and implements {@link #provider()}.
 *
 * <p>Each test asks for a fresh provider; tests do not share state and may run in any order.
 */
public abstract class SigningContract {
    private static final HexFormat HEX = HexFormat.of();
    /** The order of the Ed25519 base point (RFC 8032 §5.1). */
    private static final BigInteger L = BigInteger.TWO.pow(252)
            .add(new BigInteger("27742317777372353535851937790883648493"));
    /** The identity point (0, 1), of order 1. */
    private static final byte[] IDENTITY = HEX.parseHex(
            "0100000000000000000000000000000000000000000000000000000000000000");
    /** The point (0, -1), of order 2: y = p - 1. */
    private static final byte[] ORDER_TWO = HEX.parseHex(
            "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");

    private SigningProvider provider;

    /**
     * @return a new instance of the provider under test, never null
     */
    protected abstract SigningProvider provider();

    @BeforeEach
    final void createProvider() {
        provider = provider();
    }

    @Test
    void theIdIsNonBlankAndTheProviderIsAvailable() {
        assertFalse(provider.id().isBlank(), "id must not be blank");
        assertTrue(provider.availability().isAvailable(), provider.availability().toString());
    }

    @TestFactory
    Stream<DynamicTest> rfc8032Vectors() {
        return Rfc8032Vectors.ALL.stream().map(v -> DynamicTest.dynamicTest(v.name(), () -> {
            SigningKeyPair pair = provider.fromSeed(v.seed());
            assertArrayEquals(v.publicKey(), pair.publicKey(), v.name() + ": public key");
            assertArrayEquals(v.signature(), pair.sign(v.message()), v.name() + ": signature");
            assertTrue(provider.verify(v.publicKey(), v.message(), v.signature()), v.name() + ": verify");
        }));
    }

    @Test
    void signingIsDeterministic() {
        SigningKeyPair pair = provider.generate();
        byte[] message = bytes("same message, same signature (RFC 8032 §5.1.6)");

        assertArrayEquals(pair.sign(message), pair.sign(message));
    }

    @Test
    void aTamperedMessageOrSignatureIsRejected() {
        Rfc8032Vectors.Vector v = Rfc8032Vectors.ALL.get(2);
        byte[] message = v.message().clone();
        message[0] ^= 1;
        assertFalse(provider.verify(v.publicKey(), message, v.signature()));

        for (int index : new int[] {0, 31, 32, 63}) {
            byte[] signature = v.signature().clone();
            signature[index] ^= 1;
            assertFalse(provider.verify(v.publicKey(), v.message(), signature), "bit flipped in byte " + index);
        }
        assertFalse(provider.verify(Rfc8032Vectors.ALL.get(1).publicKey(), v.message(), v.signature()),
                "another key");
    }

    @Test
    void aNonCanonicalScalarIsRejected() {
        // RFC 8032 §5.1.7 step 1: S must be below L. S + L verifies in a lax implementation (the group equation
        // only sees S mod L), which would give every signature a second valid encoding.
        Rfc8032Vectors.Vector v = Rfc8032Vectors.ALL.get(0);
        byte[] signature = v.signature().clone();
        byte[] s = Arrays.copyOfRange(signature, 32, 64);
        byte[] sPlusL = littleEndian(fromLittleEndian(s).add(L));
        System.arraycopy(sPlusL, 0, signature, 32, 32);

        assertFalse(provider.verify(v.publicKey(), v.message(), signature), "S + L");

        byte[] highBits = v.signature().clone();
        highBits[63] |= (byte) 0xe0;
        assertFalse(provider.verify(v.publicKey(), v.message(), highBits), "S with the top three bits set");
    }

    @Test
    void theIdentityKeyWithATrivialSignatureIsRejected() {
        // A = identity, R = identity, S = 0 satisfies [S]B = R + [k]A for every message: a lax verifier accepts
        // this "signature" on anything.
        byte[] signature = concat(IDENTITY, new byte[32]);
        for (String text : List.of("", "anything", "pay mallory")) {
            assertFalse(provider.verify(IDENTITY, bytes(text), signature), "identity key, message '" + text + "'");
        }
    }

    @Test
    void anOrderTwoKeyIsRejectedEvenWhereTheGroupEquationHolds() {
        // With A of order 2, R = identity and S = 0, the equation [S]B = R + [k]A holds whenever k is even, so a
        // cofactorless lax verifier accepts these messages. A strict verifier rejects the key itself.
        byte[] signature = concat(IDENTITY, new byte[32]);
        List<byte[]> laxAccepts = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            byte[] message = bytes("message " + i);
            BigInteger k = fromLittleEndian(sha512(IDENTITY, ORDER_TWO, message)).mod(L);
            if (!k.testBit(0)) {
                laxAccepts.add(message);
            }
        }
        assertFalse(laxAccepts.isEmpty(), "some messages must make the equation hold");
        for (byte[] message : laxAccepts) {
            assertFalse(provider.verify(ORDER_TWO, message, signature), new String(message, StandardCharsets.UTF_8));
        }
    }

    @Test
    void everySmallOrderKeyAndEveryNonCanonicalEncodingOfOneIsRefusedByVerifyAndByItsKeyVerifier() {
        // R = identity, S = 0 satisfies [S]B = R + [k]A whenever [k]A is the identity, for 1 in ord(A) messages
        byte[] signature = concat(IDENTITY, new byte[32]);
        List<byte[]> keys = new ArrayList<>(SmallOrderPoints.CANONICAL);
        keys.addAll(SmallOrderPoints.NON_CANONICAL);
        for (byte[] key : keys) {
            KeyVerifier verifier = provider.verifier(key);
            for (int i = 0; i < 16; i++) {
                byte[] message = bytes("message " + i);
                assertFalse(provider.verify(key, message, signature), HEX.formatHex(key) + ", message " + i);
                assertFalse(verifier.verify(message, signature), "verifier of " + HEX.formatHex(key) + ", message "
                        + i);
            }
        }
    }

    @Test
    void aKeyVerifierAcceptsExactlyWhatVerifyAccepts() {
        for (Rfc8032Vectors.Vector v : Rfc8032Vectors.ALL) {
            KeyVerifier verifier = provider.verifier(v.publicKey());
            assertTrue(verifier.verify(v.message(), v.signature()), v.name());
            assertTrue(verifier.verify(v.message(), v.signature()), v.name() + ", verified again");
            byte[] tampered = v.signature().clone();
            tampered[5] ^= 1;
            assertFalse(verifier.verify(v.message(), tampered), v.name() + ", tampered signature");
            byte[] otherMessage = concat(v.message(), new byte[] {1});
            assertFalse(verifier.verify(otherMessage, v.signature()), v.name() + ", another message");
        }
        assertFalse(provider.verifier(Arrays.copyOf(Rfc8032Vectors.ALL.get(0).publicKey(), 31))
                .verify(Rfc8032Vectors.ALL.get(0).message(), Rfc8032Vectors.ALL.get(0).signature()), "a 31-byte key");
    }

    @Test
    void aNonCanonicalKeyEncodingIsRejected() {
        // y = p encodes the same point as y = 0, but RFC 8032 §5.1.3 step 1 requires y < p.
        byte[] yEqualsP = HEX.parseHex("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");
        assertFalse(provider.verify(yEqualsP, bytes("m"), concat(IDENTITY, new byte[32])));
    }

    @Test
    void wrongLengthsAreInvalidNotExceptions() {
        SigningKeyPair pair = provider.generate();
        byte[] message = bytes("lengths");
        byte[] signature = pair.sign(message);
        byte[] key = pair.publicKey();

        assertFalse(provider.verify(Arrays.copyOf(key, 31), message, signature));
        assertFalse(provider.verify(Arrays.copyOf(key, 33), message, signature));
        assertFalse(provider.verify(key, message, Arrays.copyOf(signature, 63)));
        assertFalse(provider.verify(key, message, Arrays.copyOf(signature, 65)));
        assertFalse(provider.verify(new byte[0], message, new byte[0]));
        assertTrue(provider.verify(key, message, signature));
    }

    @Test
    void aSeedRoundTripsToTheSameKeyPair() {
        SigningKeyPair original = provider.generate();
        byte[] seed = original.seed();
        SigningKeyPair restored = provider.fromSeed(seed);

        assertEquals(SigningProvider.SEED_LENGTH, seed.length);
        assertArrayEquals(seed, restored.seed());
        assertArrayEquals(original.publicKey(), restored.publicKey());
        assertEquals(original.peerId(), restored.peerId());
        byte[] message = bytes("round trip");
        assertTrue(provider.verify(original.peerId(), message, restored.sign(message)));
    }

    @Test
    void keysCopyTheirInputsAndOutputs() {
        byte[] seed = Rfc8032Vectors.ALL.get(0).seed().clone();
        SigningKeyPair pair = provider.fromSeed(seed);
        seed[0] ^= 1;
        pair.seed()[0] ^= 1;
        pair.publicKey()[0] ^= 1;

        assertArrayEquals(Rfc8032Vectors.ALL.get(0).seed(), pair.seed());
        assertArrayEquals(Rfc8032Vectors.ALL.get(0).publicKey(), pair.publicKey());
    }

    @Test
    void aSeedOfTheWrongLengthIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> provider.fromSeed(new byte[31]));
        assertThrows(IllegalArgumentException.class, () -> provider.fromSeed(new byte[33]));
    }

    @Test
    void generatedKeysAreDistinct() {
        SigningKeyPair a = provider.generate();
        SigningKeyPair b = provider.generate();

        assertNotEquals(a.peerId(), b.peerId());
        assertFalse(Arrays.equals(a.seed(), b.seed()));
        byte[] message = bytes("generated");
        assertTrue(provider.verify(a.publicKey(), message, a.sign(message)));
        assertFalse(provider.verify(b.publicKey(), message, a.sign(message)));
        assertEquals(a.peerId(), PeerId.of(a.publicKey()));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] result = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, result, a.length, b.length);
        return result;
    }

    private static BigInteger fromLittleEndian(byte[] value) {
        byte[] bigEndian = new byte[value.length];
        for (int i = 0; i < value.length; i++) {
            bigEndian[i] = value[value.length - 1 - i];
        }
        return new BigInteger(1, bigEndian);
    }

    private static byte[] littleEndian(BigInteger value) {
        byte[] result = new byte[32];
        byte[] bigEndian = value.toByteArray();
        for (int i = 0; i < bigEndian.length && i < 33; i++) {
            int target = bigEndian.length - 1 - i;
            if (i < 32) {
                result[i] = bigEndian[target];
            }
        }
        return result;
    }

    private static byte[] sha512(byte[]... parts) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-512");
            for (byte[] part : parts) {
                digest.update(part);
            }
            return digest.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-512 is required by every Java platform", e);
        }
    }
}
