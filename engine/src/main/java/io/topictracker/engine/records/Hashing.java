package io.topictracker.engine.records;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/** SHA-512 helpers shared by the derivations. Stateless and thread-safe. */
final class Hashing {
    private Hashing() {}

    /** @return the first 32 bytes of SHA-512 over the concatenated parts */
    static byte[] sha512Prefix32(byte[]... parts) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-512");
            for (byte[] part : parts) {
                sha.update(part);
            }
            return Arrays.copyOf(sha.digest(), 32);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-512 is required by every Java platform", e);
        }
    }

    static byte[] u64le(long value) {
        byte[] out = new byte[8];
        for (int i = 0; i < 8; i++) {
            out[i] = (byte) (value >>> (8 * i));
        }
        return out;
    }

    static byte[] u64be(long value) {
        byte[] out = new byte[8];
        for (int i = 0; i < 8; i++) {
            out[7 - i] = (byte) (value >>> (8 * i));
        }
        return out;
    }
}
