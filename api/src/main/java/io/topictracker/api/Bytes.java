package io.topictracker.api;

import java.util.HexFormat;

/** Small helpers for fixed-size byte values. Stateless and thread-safe. */
final class Bytes {
    private static final HexFormat HEX = HexFormat.of();

    private Bytes() {}

    static byte[] requireLength(byte[] value, int length, String what) {
        if (value == null) {
            throw new NullPointerException(what + " must not be null");
        }
        if (value.length != length) {
            throw new IllegalArgumentException(what + " must be " + length + " bytes, got " + value.length);
        }
        return value.clone();
    }

    /** Parses exactly {@code 2 * length} lowercase hex digits; anything else is rejected with a reason. */
    static byte[] parseStrictHex(String text, int length, String what) {
        if (text == null) {
            throw new NullPointerException(what + " text must not be null");
        }
        if (text.length() != 2 * length) {
            throw new IllegalArgumentException(
                    what + " must be " + (2 * length) + " lowercase hex digits, got " + text.length() + " characters");
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean digit = c >= '0' && c <= '9';
            boolean lower = c >= 'a' && c <= 'f';
            if (!digit && !lower) {
                throw new IllegalArgumentException(
                        what + " must be lowercase hex; character " + i + " is '" + c + "'");
            }
        }
        return HEX.parseHex(text);
    }

    static String hex(byte[] value) {
        return HEX.formatHex(value);
    }
}
