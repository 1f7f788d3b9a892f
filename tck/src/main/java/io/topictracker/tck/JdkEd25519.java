package io.topictracker.tck;

import io.topictracker.api.signing.KeyVerifier;
import io.topictracker.api.signing.SigningKeyPair;
import io.topictracker.api.signing.SigningProvider;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.SignatureException;
import java.security.interfaces.EdECPublicKey;
import java.security.spec.EdECPoint;
import java.security.spec.EdECPublicKeySpec;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.NamedParameterSpec;

/**
 * Ed25519 on the JDK's own implementation (SunEC, JEP 339), so the TCK needs no library to sign test items. SunEC
 * checks S &lt; L and canonical encodings itself, but accepts public keys of small order (the identity key "signs"
 * every message). Strict, this class refuses those keys first ({@link SmallOrderPoints}), which is what
 * {@link SigningProvider} asks for; lax, it does not, which only {@code SigningContractBitesTest} wants, to show the
 * strict cases of {@link SigningContract} bite.
 *
 * <p>Stateless and thread-safe. Slower than a production provider (the small-order check is {@link BigInteger}
 * arithmetic), which does not matter in tests.
 */
final class JdkEd25519 implements SigningProvider {
    private final boolean strict;

    /** @param strict whether keys of small order (and encodings that are not points) are refused */
    JdkEd25519(boolean strict) {
        this.strict = strict;
    }

    @Override
    public String id() {
        return strict ? "tck-jdk-ed25519" : "tck-jdk-ed25519-lax";
    }

    @Override
    public SigningKeyPair generate() {
        byte[] seed = new byte[SEED_LENGTH];
        new SecureRandom().nextBytes(seed);
        return fromSeed(seed);
    }

    @Override
    public SigningKeyPair fromSeed(byte[] seed32) {
        if (seed32.length != SEED_LENGTH) {
            throw new IllegalArgumentException("seed must be " + SEED_LENGTH + " bytes, got " + seed32.length);
        }
        byte[] seed = seed32.clone();
        KeyPair pair;
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
            // SunEC draws the 32-byte private key (RFC 8032's seed) from the random source: hand it the seed.
            generator.initialize(NamedParameterSpec.ED25519, new SecureRandom() {
                private static final long serialVersionUID = 1L;

                @Override
                public void nextBytes(byte[] bytes) {
                    System.arraycopy(seed, 0, bytes, 0, bytes.length);
                }
            });
            pair = generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no Ed25519", e);
        }
        byte[] publicKey = encode(((EdECPublicKey) pair.getPublic()).getPoint());
        return new SigningKeyPair() {
            @Override
            public byte[] publicKey() {
                return publicKey.clone();
            }

            @Override
            public byte[] seed() {
                return seed.clone();
            }

            @Override
            public byte[] sign(byte[] message) {
                try {
                    Signature signature = Signature.getInstance("Ed25519");
                    signature.initSign(pair.getPrivate());
                    signature.update(message);
                    return signature.sign();
                } catch (GeneralSecurityException e) {
                    throw new IllegalStateException("Ed25519 signing failed", e);
                }
            }
        };
    }

    @Override
    public boolean verify(byte[] publicKey, byte[] message, byte[] signature) {
        return verifier(publicKey).verify(message, signature);
    }

    /** Decodes and checks the key once; the verifier then runs the JDK's verification per message. */
    @Override
    public KeyVerifier verifier(byte[] publicKey) {
        PublicKey key = acceptableKey(publicKey);
        if (key == null) {
            return (message, signature) -> false;
        }
        return (message, signature) -> {
            if (signature.length != SIGNATURE_LENGTH) {
                return false;
            }
            try {
                Signature verifier = Signature.getInstance("Ed25519");
                verifier.initVerify(key);
                verifier.update(message);
                return verifier.verify(signature);
            } catch (SignatureException | InvalidKeyException e) {
                return false;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("the JDK has no Ed25519", e);
            }
        };
    }

    /** @return the JDK's key for an acceptable encoding, or null for one this provider refuses */
    private PublicKey acceptableKey(byte[] publicKey) {
        if (publicKey.length != PUBLIC_KEY_LENGTH) {
            return null;
        }
        try {
            if (strict && SmallOrderPoints.orderDividesEight(publicKey)) {
                return null;
            }
            return decode(publicKey);
        } catch (IllegalArgumentException | InvalidKeySpecException e) {
            return null; // not a canonical encoding of a point on the curve
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no Ed25519", e);
        }
    }

    /** RFC 8032 §5.1.2: y little-endian, the sign of x in the top bit. */
    private static byte[] encode(EdECPoint point) {
        byte[] bigEndian = point.getY().toByteArray();
        byte[] result = new byte[PUBLIC_KEY_LENGTH];
        for (int i = 0; i < bigEndian.length && i < PUBLIC_KEY_LENGTH; i++) {
            result[i] = bigEndian[bigEndian.length - 1 - i];
        }
        if (point.isXOdd()) {
            result[PUBLIC_KEY_LENGTH - 1] |= (byte) 0x80;
        }
        return result;
    }

    private static PublicKey decode(byte[] encoded) throws GeneralSecurityException {
        byte[] littleEndian = encoded.clone();
        boolean xOdd = (littleEndian[PUBLIC_KEY_LENGTH - 1] & 0x80) != 0;
        littleEndian[PUBLIC_KEY_LENGTH - 1] &= 0x7f;
        byte[] bigEndian = new byte[PUBLIC_KEY_LENGTH];
        for (int i = 0; i < PUBLIC_KEY_LENGTH; i++) {
            bigEndian[i] = littleEndian[PUBLIC_KEY_LENGTH - 1 - i];
        }
        EdECPoint point = new EdECPoint(xOdd, new BigInteger(1, bigEndian));
        return KeyFactory.getInstance("Ed25519").generatePublic(
                new EdECPublicKeySpec(NamedParameterSpec.ED25519, point));
    }
}
