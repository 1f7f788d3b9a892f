package io.topictracker.api.dht;

import io.topictracker.api.signing.SigningKeyPair;
import io.topictracker.api.signing.SigningProvider;
import java.util.Arrays;
import java.util.Objects;

/**
 * A signed BEP44 mutable item: public key, salt, seq, value and the Ed25519 signature over
 * {@link Bep44#signable(byte[], long, byte[])}.
 *
 * <p>Construction checks sizes only; {@link #verify(SigningProvider)} checks the signature. Immutable and
 * thread-safe; accessors return copies.
 */
public final class MutableItem {
    private final byte[] publicKey;
    private final byte[] salt;
    private final long seq;
    private final byte[] value;
    private final byte[] signature;

    private MutableItem(byte[] publicKey, byte[] salt, long seq, byte[] value, byte[] signature) {
        this.publicKey = publicKey;
        this.salt = salt;
        this.seq = seq;
        this.value = value;
        this.signature = signature;
    }

    /**
     * An item as received, signature not yet checked.
     *
     * @throws IllegalArgumentException naming the field whose size is wrong (key 32, salt ≤ 64, value ≤ 996,
     *     signature 64, seq ≥ 0)
     */
    public static MutableItem of(byte[] publicKey, byte[] salt, long seq, byte[] value, byte[] signature) {
        Bep44.checkKeyAndSalt(publicKey, salt);
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(signature, "signature");
        if (seq < 0) {
            throw new IllegalArgumentException("seq must be at least 0, got " + seq);
        }
        if (value.length > Bep44.MAX_VALUE_LENGTH) {
            throw new IllegalArgumentException("value must be at most " + Bep44.MAX_VALUE_LENGTH
                    + " bytes (1000 bencoded, BEP44), got " + value.length);
        }
        if (signature.length != Bep44.SIGNATURE_LENGTH) {
            throw new IllegalArgumentException(
                    "signature must be " + Bep44.SIGNATURE_LENGTH + " bytes, got " + signature.length);
        }
        return new MutableItem(publicKey.clone(), salt.clone(), seq, value.clone(), signature.clone());
    }

    /** Signs {@code value} at {@code seq} under {@code salt} with {@code keyPair}. */
    public static MutableItem sign(SigningKeyPair keyPair, byte[] salt, long seq, byte[] value) {
        Bep44.checkKeyAndSalt(keyPair.publicKey(), salt);
        byte[] signature = keyPair.sign(Bep44.signable(salt, seq, value));
        return of(keyPair.publicKey(), salt, seq, value, signature);
    }

    /** @return true if the signature is valid for the key over salt, seq and value */
    public boolean verify(SigningProvider signing) {
        return signing.verify(publicKey, Bep44.signable(salt, seq, value), signature);
    }

    /** @return a copy of the 32-byte public key */
    public byte[] publicKey() {
        return publicKey.clone();
    }

    /** @return a copy of the salt, possibly empty */
    public byte[] salt() {
        return salt.clone();
    }

    /** @return the sequence number, at least 0 */
    public long seq() {
        return seq;
    }

    /** @return a copy of the raw value */
    public byte[] value() {
        return value.clone();
    }

    /** @return a copy of the 64-byte signature */
    public byte[] signature() {
        return signature.clone();
    }

    /** @return the 20-byte BEP44 target */
    public byte[] target() {
        return Bep44.target(publicKey, salt);
    }

    /** Equal when every field is equal: two writers' values for one slot are different items. */
    @Override
    public boolean equals(Object other) {
        return other instanceof MutableItem item && seq == item.seq && Arrays.equals(publicKey, item.publicKey)
                && Arrays.equals(salt, item.salt) && Arrays.equals(value, item.value)
                && Arrays.equals(signature, item.signature);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(publicKey), Arrays.hashCode(salt), seq, Arrays.hashCode(value),
                Arrays.hashCode(signature));
    }

    @Override
    public String toString() {
        return "MutableItem[key=" + Bep44.hexPrefix(publicKey) + ", seq=" + seq + ", value=" + value.length + " bytes]";
    }
}
