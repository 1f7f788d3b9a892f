package io.topictracker.api.dht;

import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * A BEP44 mutable-item lookup: public key, salt, an optional lowest seq of interest and a timeout.
 * Immutable and thread-safe.
 */
public final class MutableQuery {
    private final byte[] publicKey;
    private final byte[] salt;
    private final OptionalLong minSeq;
    private final Duration timeout;

    private MutableQuery(byte[] publicKey, byte[] salt, OptionalLong minSeq, Duration timeout) {
        this.publicKey = publicKey;
        this.salt = salt;
        this.minSeq = minSeq;
        this.timeout = timeout;
    }

    /**
     * @param publicKey 32 bytes, not null; copied
     * @param salt 0–64 bytes, not null; copied
     * @param minSeq when present, the lowest seq wanted: items with a lower seq are not delivered (BEP44 get's
     *     {@code seq} argument, which asks for items above it, is this minus 1)
     * @param timeout the longest the lookup may take, positive, not null
     * @throws IllegalArgumentException for a wrong key length, an over-long salt or a non-positive timeout
     */
    public static MutableQuery of(byte[] publicKey, byte[] salt, OptionalLong minSeq, Duration timeout) {
        Bep44.checkKeyAndSalt(publicKey, salt);
        Objects.requireNonNull(minSeq, "minSeq");
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
        return new MutableQuery(publicKey.clone(), salt.clone(), minSeq, timeout);
    }

    /** @return a copy of the 32-byte public key */
    public byte[] publicKey() {
        return publicKey.clone();
    }

    /** @return a copy of the salt, possibly empty */
    public byte[] salt() {
        return salt.clone();
    }

    /** @return the lowest seq of interest, never null */
    public OptionalLong minSeq() {
        return minSeq;
    }

    /** @return the timeout, never null */
    public Duration timeout() {
        return timeout;
    }

    /** @return the 20-byte BEP44 target, SHA-1(public key || salt) */
    public byte[] target() {
        return Bep44.target(publicKey, salt);
    }

    @Override
    public String toString() {
        return "MutableQuery[key=" + Bep44.hexPrefix(publicKey) + ", salt=" + salt.length + " bytes, minSeq=" + minSeq
                + ", timeout=" + timeout + "]";
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof MutableQuery q && Arrays.equals(publicKey, q.publicKey) && Arrays.equals(salt, q.salt)
                && minSeq.equals(q.minSeq) && timeout.equals(q.timeout);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(publicKey), Arrays.hashCode(salt), minSeq, timeout);
    }
}
