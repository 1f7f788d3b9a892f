package io.topictracker.engine.records;

import io.topictracker.api.dht.Bep44;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.modes.ChaCha20Poly1305;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * Seals records for the DHT and opens them: ChaCha20-Poly1305 (RFC 8439) under the minute's {@link SlotKeys#sealKey},
 * with the format version, topic and minute as associated data.
 *
 * <pre>
 * sealed = version:u8(=1) nonce:12 ciphertext(record) tag:16
 * aad    = "topic-tracker record v1" version topic:32 minute:u64be
 * </pre>
 *
 * <p>The nonce is random: many publishers share one key per minute, so no counter could be coordinated, and 96
 * random bits make a collision negligible at a few records per minute. Thread-safe (a cipher per call).
 */
public final class RecordSealer {
    /** Format version of the sealed value. */
    public static final int VERSION = 1;
    /** A sealed value never exceeds BEP44's raw value limit. */
    public static final int MAX_SEALED_LENGTH = Bep44.MAX_VALUE_LENGTH;
    private static final int NONCE_LENGTH = 12;
    private static final int TAG_LENGTH = 16;
    /** Bytes sealing adds to a record: version, nonce and tag. */
    public static final int OVERHEAD = 1 + NONCE_LENGTH + TAG_LENGTH;
    private static final byte[] AAD_LABEL = "topic-tracker record v1".getBytes(StandardCharsets.US_ASCII);

    private final SecureRandom random;

    /** @param random source of nonces, not null */
    public RecordSealer(SecureRandom random) {
        this.random = Objects.requireNonNull(random, "random");
    }

    /** Seals {@code record} into {@code slot}'s minute (normally the record's own topic and minute). */
    public byte[] seal(Record record, SlotKeys slot) {
        byte[] nonce = new byte[NONCE_LENGTH];
        random.nextBytes(nonce);
        return sealBytes(record.encode(), slot, nonce);
    }

    /**
     * Seals any plaintext under {@code slot}'s key; {@link #seal} with a record's bytes. Package-private so tests can
     * seal bytes that are not a valid record and check that {@link #open} refuses them after decrypting.
     *
     * @param plain not null; @param slot not null; @param nonce 12 bytes, not null
     */
    static byte[] sealBytes(byte[] plain, SlotKeys slot, byte[] nonce) {
        ChaCha20Poly1305 aead = new ChaCha20Poly1305();
        aead.init(true, new AEADParameters(new KeyParameter(slot.sealKey()), TAG_LENGTH * 8, nonce, aad(slot)));
        byte[] out = new byte[1 + NONCE_LENGTH + aead.getOutputSize(plain.length)];
        out[0] = VERSION;
        System.arraycopy(nonce, 0, out, 1, NONCE_LENGTH);
        int n = aead.processBytes(plain, 0, plain.length, out, 1 + NONCE_LENGTH);
        try {
            aead.doFinal(out, 1 + NONCE_LENGTH + n);
        } catch (InvalidCipherTextException e) {
            throw new IllegalStateException("encryption cannot fail authentication", e);
        }
        if (out.length > MAX_SEALED_LENGTH) {
            throw new IllegalStateException("sealed record is " + out.length + " bytes; RecordContent bounds it to "
                    + MAX_SEALED_LENGTH);
        }
        return out;
    }

    /**
     * Opens a value found in {@code slot} and verifies the record inside.
     *
     * @throws RecordException TRUNCATED, TOO_LONG, UNSUPPORTED_VERSION or DECRYPT_FAILED for the envelope, then
     *     any reason of {@link Record#decode}
     */
    public static Record open(byte[] sealed, SlotKeys slot, io.topictracker.api.signing.SigningProvider signing)
            throws RecordException {
        return Record.decode(decrypt(sealed, slot), slot.topic(), slot.unixMinute(), signing);
    }

    /** Same as {@link #open(byte[], SlotKeys, io.topictracker.api.signing.SigningProvider)}, through a cache. */
    public static Record open(byte[] sealed, SlotKeys slot, PublisherVerifiers verifiers) throws RecordException {
        return Record.decode(decrypt(sealed, slot), slot.topic(), slot.unixMinute(), verifiers);
    }

    private static byte[] decrypt(byte[] sealed, SlotKeys slot) throws RecordException {
        if (sealed.length < OVERHEAD + Record.FIXED_LENGTH) {
            throw new RecordException(RecordException.Reason.TRUNCATED, "sealed value is " + sealed.length
                    + " bytes, shorter than the smallest sealed record (" + (OVERHEAD + Record.FIXED_LENGTH) + ")");
        }
        if (sealed.length > MAX_SEALED_LENGTH) {
            throw new RecordException(RecordException.Reason.TOO_LONG, "sealed value is " + sealed.length
                    + " bytes, more than " + MAX_SEALED_LENGTH);
        }
        if (sealed[0] != VERSION) {
            throw new RecordException(RecordException.Reason.UNSUPPORTED_VERSION,
                    "sealed format version " + (sealed[0] & 0xff) + " is not supported (expected " + VERSION + ")");
        }
        byte[] nonce = Arrays.copyOfRange(sealed, 1, 1 + NONCE_LENGTH);
        ChaCha20Poly1305 aead = new ChaCha20Poly1305();
        aead.init(false, new AEADParameters(new KeyParameter(slot.sealKey()), TAG_LENGTH * 8, nonce, aad(slot)));
        int inLength = sealed.length - 1 - NONCE_LENGTH;
        byte[] plain = new byte[aead.getOutputSize(inLength)];
        try {
            int n = aead.processBytes(sealed, 1 + NONCE_LENGTH, inLength, plain, 0);
            aead.doFinal(plain, n);
        } catch (InvalidCipherTextException e) {
            throw new RecordException(RecordException.Reason.DECRYPT_FAILED,
                    "sealed value does not authenticate for topic " + slot.topic() + " minute " + slot.unixMinute()
                            + " (another secret, another slot, or tampered)");
        }
        return plain;
    }

    private static byte[] aad(SlotKeys slot) {
        return ByteBuffer.allocate(AAD_LABEL.length + 1 + 32 + 8).put(AAD_LABEL).put((byte) VERSION)
                .put(slot.topic().toBytes()).putLong(slot.unixMinute()).array();
    }
}
