package io.topictracker.dht.mainline.routing;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.Random;

/** The XOR metric on 160-bit ids (BEP5 "Routing Table"). Stateless and thread-safe. */
public final class NodeIds {
    /** Length of a node id, info-hash or BEP44 target. */
    public static final int LENGTH = 20;

    private NodeIds() {}

    /** @return the number of leading bits {@code a} and {@code b} share, 0 to 160 */
    public static int commonPrefix(byte[] a, byte[] b) {
        for (int i = 0; i < LENGTH; i++) {
            int x = (a[i] ^ b[i]) & 0xff;
            if (x != 0) {
                return i * 8 + Integer.numberOfLeadingZeros(x) - 24;
            }
        }
        return LENGTH * 8;
    }

    /** @return negative if {@code a} is closer to {@code target} than {@code b}, 0 if equally close */
    public static int compareDistance(byte[] target, byte[] a, byte[] b) {
        for (int i = 0; i < LENGTH; i++) {
            int da = (a[i] ^ target[i]) & 0xff;
            int db = (b[i] ^ target[i]) & 0xff;
            if (da != db) {
                return Integer.compare(da, db);
            }
        }
        return 0;
    }

    /** @return orders nodes by XOR distance to {@code target}, closest first */
    public static Comparator<NodeInfo> byDistanceTo(byte[] target) {
        return (a, b) -> compareDistance(target, a.id(), b.id());
    }

    /** @return a random id sharing exactly {@code prefix} leading bits with {@code base} (prefix ≤ 159) */
    public static byte[] randomWithPrefix(byte[] base, int prefix, Random random) {
        byte[] id = new byte[LENGTH];
        random.nextBytes(id);
        for (int bit = 0; bit <= prefix && bit < LENGTH * 8; bit++) {
            int byteIndex = bit / 8;
            int mask = 0x80 >>> (bit % 8);
            boolean baseBit = (base[byteIndex] & mask) != 0;
            boolean wanted = bit < prefix ? baseBit : !baseBit;
            id[byteIndex] = (byte) (wanted ? id[byteIndex] | mask : id[byteIndex] & ~mask);
        }
        return id;
    }

    /** @return SHA-1 of {@code data} */
    public static byte[] sha1(byte[]... data) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            for (byte[] d : data) {
                sha1.update(d);
            }
            return sha1.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required by every Java platform", e);
        }
    }
}
