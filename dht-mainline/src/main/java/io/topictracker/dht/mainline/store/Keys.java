package io.topictracker.dht.mainline.store;

import java.nio.charset.StandardCharsets;

/** Byte arrays as map keys: ISO-8859-1 maps each byte to one char, so equal bytes give equal strings. Stateless. */
public final class Keys {
    private Keys() {}

    /** @return a string holding exactly these bytes */
    public static String of(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }
}
