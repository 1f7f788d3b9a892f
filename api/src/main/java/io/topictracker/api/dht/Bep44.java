package io.topictracker.api.dht;

import io.topictracker.api.Ed25519;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The rules of BEP44 mutable items that every provider shares: sizes, the signed byte string and the target.
 * Stateless and thread-safe.
 */
public final class Bep44 {
    /** Public key length: BEP44 keys are Ed25519 keys ({@link Ed25519#PUBLIC_KEY_LENGTH}). */
    public static final int KEY_LENGTH = Ed25519.PUBLIC_KEY_LENGTH;
    /** Signature length: BEP44 signs with Ed25519 ({@link Ed25519#SIGNATURE_LENGTH}). */
    public static final int SIGNATURE_LENGTH = Ed25519.SIGNATURE_LENGTH;
    /** BEP44: "the salt ... must not exceed 64 bytes". */
    public static final int MAX_SALT_LENGTH = 64;
    /** BEP44: the bencoded {@code v} must not exceed 1000 bytes. */
    public static final int MAX_ENCODED_VALUE_LENGTH = 1000;
    /**
     * The longest raw value: it is stored as a bencoded byte string ({@code "996:" + 996 bytes} is 1000 bytes), so
     * the encoded form stays within {@link #MAX_ENCODED_VALUE_LENGTH}, as libtorrent checks it.
     */
    public static final int MAX_VALUE_LENGTH = 996;

    private Bep44() {}

    /**
     * The bytes an item's signature covers (BEP44): {@code 4:salt<len>:<salt>} when the salt is non-empty, then
     * {@code 3:seqi<seq>e1:v<len>:<value>}, the value being a bencoded byte string.
     *
     * @param salt 0–64 bytes, not null
     * @param seq the sequence number, at least 0
     * @param value the raw value, not null
     */
    public static byte[] signable(byte[] salt, long seq, byte[] value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(value.length + salt.length + 40);
        if (salt.length > 0) {
            out.writeBytes(("4:salt" + salt.length + ":").getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(salt);
        }
        out.writeBytes(("3:seqi" + seq + "e1:v" + value.length + ":").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(value);
        return out.toByteArray();
    }

    /** @return the 20-byte target SHA-1(public key || salt) (BEP44) */
    public static byte[] target(byte[] publicKey, byte[] salt) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            sha1.update(publicKey);
            sha1.update(salt);
            return sha1.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required by every Java platform", e);
        }
    }

    /** @return the length of {@code value} once bencoded as a byte string */
    public static int encodedValueLength(byte[] value) {
        return Integer.toString(value.length).length() + 1 + value.length;
    }

    static void checkKeyAndSalt(byte[] publicKey, byte[] salt) {
        if (publicKey == null || publicKey.length != KEY_LENGTH) {
            throw new IllegalArgumentException("public key must be " + KEY_LENGTH + " bytes, got "
                    + (publicKey == null ? "null" : publicKey.length));
        }
        if (salt == null) {
            throw new NullPointerException("salt must not be null (use an empty array)");
        }
        if (salt.length > MAX_SALT_LENGTH) {
            throw new IllegalArgumentException(
                    "salt must be at most " + MAX_SALT_LENGTH + " bytes (BEP44), got " + salt.length);
        }
    }

    static String hexPrefix(byte[] bytes) {
        return HexFormat.of().formatHex(bytes, 0, Math.min(bytes.length, 5));
    }
}
