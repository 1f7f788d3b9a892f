package io.topictracker.tck;

import io.topictracker.api.signing.SigningKeyPair;
import io.topictracker.api.signing.SigningProvider;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
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
import java.security.spec.NamedParameterSpec;

/**
 * Ed25519 on the JDK's SunEC, whose verification is correct but not strict: it accepts small-order public keys
 * (the identity key "signs" every message). Exists only so the TCK's own test can show the strict cases catch it.
 * Stateless and thread-safe.
 */
final class JdkLaxSigningProvider implements SigningProvider {
    @Override
    public String id() {
        return "jdk-lax";
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
            throw new IllegalArgumentException("seed must be 32 bytes");
        }
        byte[] seed = seed32.clone();
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
            // SunEC draws the 32-byte private key from the random source; hand it the seed.
            generator.initialize(NamedParameterSpec.ED25519, new SecureRandom() {
                @Override
                public void nextBytes(byte[] bytes) {
                    System.arraycopy(seed, 0, bytes, 0, bytes.length);
                }
            });
            KeyPair pair = generator.generateKeyPair();
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
                        throw new IllegalStateException(e);
                    }
                }
            };
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public boolean verify(byte[] publicKey, byte[] message, byte[] signature) {
        if (publicKey.length != PUBLIC_KEY_LENGTH || signature.length != SIGNATURE_LENGTH) {
            return false;
        }
        try {
            Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify(decode(publicKey));
            verifier.update(message);
            return verifier.verify(signature);
        } catch (SignatureException | java.security.InvalidKeyException
                | java.security.spec.InvalidKeySpecException e) {
            return false;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** RFC 8032 §5.1.2: y little-endian, the sign of x in the top bit. */
    private static byte[] encode(EdECPoint point) {
        byte[] bigEndian = point.getY().toByteArray();
        byte[] result = new byte[32];
        for (int i = 0; i < bigEndian.length && i < 32; i++) {
            result[i] = bigEndian[bigEndian.length - 1 - i];
        }
        if (point.isXOdd()) {
            result[31] |= (byte) 0x80;
        }
        return result;
    }

    private static PublicKey decode(byte[] encoded) throws GeneralSecurityException {
        byte[] littleEndian = encoded.clone();
        boolean xOdd = (littleEndian[31] & 0x80) != 0;
        littleEndian[31] &= 0x7f;
        byte[] bigEndian = new byte[32];
        for (int i = 0; i < 32; i++) {
            bigEndian[i] = littleEndian[31 - i];
        }
        EdECPoint point = new EdECPoint(xOdd, new BigInteger(1, bigEndian));
        return KeyFactory.getInstance("Ed25519").generatePublic(
                new EdECPublicKeySpec(NamedParameterSpec.ED25519, point));
    }
}
