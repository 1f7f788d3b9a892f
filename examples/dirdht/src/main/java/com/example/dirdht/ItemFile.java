package com.example.dirdht;

import io.topictracker.api.dht.Bep44;
import io.topictracker.api.dht.MutableItem;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The file format of one stored item, named {@code <target as 40 hex digits>.item}: seq (8 bytes, big-endian),
 * public key (32), signature (64), salt length (1), salt, value (the rest). Pure: no IO. Stateless.
 */
final class ItemFile {
    /** The longest file a valid item makes; a longer one is not read. */
    static final int MAX_LENGTH = 8 + Bep44.KEY_LENGTH + Bep44.SIGNATURE_LENGTH + 1 + Bep44.MAX_SALT_LENGTH
            + Bep44.MAX_VALUE_LENGTH;
    private static final String SUFFIX = ".item";

    private ItemFile() {}

    /** @return the file name for a BEP44 target, e.g. {@code 3f...a1.item}; never null */
    static String name(byte[] target) {
        return HexFormat.of().formatHex(target) + SUFFIX;
    }

    /** @return the item's bytes in this format, never null */
    static byte[] encode(MutableItem item) {
        byte[] salt = item.salt();
        byte[] value = item.value();
        return ByteBuffer.allocate(8 + Bep44.KEY_LENGTH + Bep44.SIGNATURE_LENGTH + 1 + salt.length + value.length)
                .putLong(item.seq()).put(item.publicKey()).put(item.signature()).put((byte) salt.length).put(salt)
                .put(value).array();
    }

    /**
     * @param bytes a file's content, not null
     * @param target the target its name says it holds, not null
     * @return the item, or empty if the bytes are not one (too short or long, a bad length) or it belongs to another
     *     target; the signature is not checked here
     */
    static Optional<MutableItem> decode(byte[] bytes, byte[] target) {
        int fixed = 8 + Bep44.KEY_LENGTH + Bep44.SIGNATURE_LENGTH + 1;
        if (bytes.length < fixed || bytes.length > MAX_LENGTH) {
            return Optional.empty();
        }
        ByteBuffer in = ByteBuffer.wrap(bytes);
        long seq = in.getLong();
        byte[] key = new byte[Bep44.KEY_LENGTH];
        in.get(key);
        byte[] signature = new byte[Bep44.SIGNATURE_LENGTH];
        in.get(signature);
        int saltLength = Byte.toUnsignedInt(in.get());
        if (saltLength > Bep44.MAX_SALT_LENGTH || saltLength > in.remaining()) {
            return Optional.empty();
        }
        byte[] salt = new byte[saltLength];
        in.get(salt);
        byte[] value = new byte[in.remaining()];
        in.get(value);
        MutableItem item;
        try {
            item = MutableItem.of(key, salt, seq, value, signature);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        return java.util.Arrays.equals(item.target(), target) ? Optional.of(item) : Optional.empty();
    }
}
