package io.topictracker.tck;

import java.math.BigInteger;
import java.util.HexFormat;
import java.util.List;

/**
 * The encodings of the eight points of small order on edwards25519 (orders 1, 2, 4 and 8: the torsion subgroup),
 * and the non-canonical encodings of the same points (sign bit set on x = 0, or y ≥ p). A key of small order lets
 * one signature verify for many messages, so strict verification refuses every one of them. The points' y values
 * are y = 1 (order 1), y = -1 (order 2), y = 0 (order 4, x = ±√-1) and two values for the four points of order 8;
 * {@link #orderDividesEight(byte[])} checks each by arithmetic, so the list need not be taken on trust.
 *
 * <p>Stateless; thread-safe.
 */
final class SmallOrderPoints {
    /** p = 2^255 - 19 (RFC 8032 §5.1). */
    private static final BigInteger P = BigInteger.TWO.pow(255).subtract(BigInteger.valueOf(19));
    /** d = -121665 / 121666 (RFC 8032 §5.1). */
    private static final BigInteger D = BigInteger.valueOf(-121665)
            .multiply(BigInteger.valueOf(121666).modInverse(P)).mod(P);
    /** √-1 = 2^((p-1)/4) (RFC 8032 §5.1.3 step 3). */
    private static final BigInteger SQRT_MINUS_ONE = BigInteger.TWO.modPow(P.subtract(BigInteger.ONE)
            .shiftRight(2), P);

    /** Canonical encodings of the eight small-order points. */
    static final List<byte[]> CANONICAL = hex(
            "0100000000000000000000000000000000000000000000000000000000000000", // (0, 1), order 1
            "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // (0, -1), order 2
            "0000000000000000000000000000000000000000000000000000000000000000", // (√-1, 0), order 4
            "0000000000000000000000000000000000000000000000000000000000000080", // (-√-1, 0), order 4
            "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a", // order 8
            "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa", // order 8, x negated
            "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05", // order 8
            "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85"); // order 8, x negated

    /** Non-canonical encodings of small-order points: x = 0 with the sign bit set, or y + p for small y. */
    static final List<byte[]> NON_CANONICAL = hex(
            "0100000000000000000000000000000000000000000000000000000000000080", // (0, 1) with "-0"
            "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", // (0, -1) with "-0"
            "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // y = p, that is y = 0
            "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", // y = p, x negated
            "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"); // y = p + 1, that is y = 1

    private SmallOrderPoints() {}

    /**
     * Decodes a canonical encoding (RFC 8032 §5.1.3) and multiplies the point by 8 with the affine twisted Edwards
     * addition law (complete on edwards25519, as d is not a square).
     *
     * @param encoding 32 bytes, not null
     * @return true if the encoding is a point P on the curve with [8]P the neutral element
     * @throws IllegalArgumentException if the encoding is not a point on the curve
     */
    static boolean orderDividesEight(byte[] encoding) {
        BigInteger[] point = decode(encoding);
        for (int i = 0; i < 3; i++) {
            point = add(point, point);
        }
        return point[0].signum() == 0 && point[1].equals(BigInteger.ONE);
    }

    private static BigInteger[] decode(byte[] encoding) {
        byte[] bigEndian = new byte[32];
        for (int i = 0; i < 32; i++) {
            bigEndian[i] = encoding[31 - i];
        }
        boolean xNegative = (bigEndian[0] & 0x80) != 0;
        bigEndian[0] &= 0x7f;
        BigInteger y = new BigInteger(1, bigEndian);
        if (y.compareTo(P) >= 0) {
            throw new IllegalArgumentException("y is not below p");
        }
        // x² = (y² - 1) / (d y² + 1), RFC 8032 §5.1.3 step 2
        BigInteger y2 = y.multiply(y).mod(P);
        BigInteger x2 = y2.subtract(BigInteger.ONE).multiply(D.multiply(y2).add(BigInteger.ONE).modInverse(P)).mod(P);
        BigInteger x = x2.modPow(P.add(BigInteger.valueOf(3)).shiftRight(3), P);
        if (!x.multiply(x).mod(P).equals(x2)) {
            x = x.multiply(SQRT_MINUS_ONE).mod(P);
        }
        if (!x.multiply(x).mod(P).equals(x2)) {
            throw new IllegalArgumentException("not a point on the curve");
        }
        if (x.testBit(0) != xNegative) {
            x = P.subtract(x).mod(P);
        }
        return new BigInteger[] {x, y};
    }

    /** The twisted Edwards addition law for a = -1 (RFC 8032 §5.1.4, affine form). */
    private static BigInteger[] add(BigInteger[] a, BigInteger[] b) {
        BigInteger product = D.multiply(a[0]).multiply(b[0]).multiply(a[1]).multiply(b[1]).mod(P);
        BigInteger x = a[0].multiply(b[1]).add(a[1].multiply(b[0]))
                .multiply(BigInteger.ONE.add(product).modInverse(P)).mod(P);
        BigInteger y = a[1].multiply(b[1]).add(a[0].multiply(b[0]))
                .multiply(BigInteger.ONE.subtract(product).mod(P).modInverse(P)).mod(P);
        return new BigInteger[] {x, y};
    }

    private static List<byte[]> hex(String... values) {
        return List.of(values).stream().map(HexFormat.of()::parseHex).toList();
    }
}
