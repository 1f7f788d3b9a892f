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
    private final boolean signedHere;

    private MutableItem(byte[] publicKey, byte[] salt, long seq, byte[] value, byte[] signature,
            boolean signedHere) {
        this.publicKey = publicKey;
        this.salt = salt;
        this.seq = seq;
        this.value = value;
        this.signature = signature;
        this.signedHere = signedHere;
    }

    /**
     * An item as received, signature not yet checked.
     *
     * @throws IllegalArgumentException naming the field whose size is wrong (key 32, salt ≤ 64, value ≤ 996,
     *     signature 64, seq ≥ 0)
     */
    public static MutableItem of(byte[] publicKey, byte[] salt, long seq, byte[] value, byte[] signature) {
        return checked(publicKey, salt, seq, value, signature, false);
    }

    private static MutableItem checked(byte[] publicKey, byte[] salt, long seq, byte[] value, byte[] signature,
            boolean signedHere) {
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
        return new MutableItem(publicKey.clone(), salt.clone(), seq, value.clone(), signature.clone(), signedHere);
    }

    /**
     * Signs {@code value} at {@code seq} under {@code salt} with {@code keyPair}.
     *
     * @return an item that is {@link #signedHere()}
     */
    public static MutableItem sign(SigningKeyPair keyPair, byte[] salt, long seq, byte[] value) {
        Bep44.checkKeyAndSalt(keyPair.publicKey(), salt);
        byte[] signature = keyPair.sign(Bep44.signable(salt, seq, value));
        return checked(keyPair.publicKey(), salt, seq, value, signature, true);
    }

    /** @return true if the signature is valid for the key over salt, seq and value */
    public boolean verify(SigningProvider signing) {
        return signing.verify(publicKey, Bep44.signable(salt, seq, value), signature);
    }

    /**
     * Whether this item's signature was computed in this process by {@link #sign}, not received or assembled with
     * {@link #of}. A DHT may then skip checking it before a put, as libtorrent and the Rust mainline crate do for the
     * items they sign: the storing nodes still check it (BEP44), so a bad signer's item is refused with 206 all the
     * same. Not part of {@link #equals}.
     *
     * @return true for an item made by {@link #sign}
     */
    public boolean signedHere() {
        return signedHere;
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
