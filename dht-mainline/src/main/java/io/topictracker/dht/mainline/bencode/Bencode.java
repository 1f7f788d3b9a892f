package io.topictracker.dht.mainline.bencode;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A strict, bounded bencode codec (BEP3 "bencoding").
 *
 * <p>Decoded values are {@code byte[]} (byte strings), {@link Long} (integers), {@link List} and
 * {@link SortedMap}{@code <String, Object>} (dictionaries; keys are byte strings read as ISO-8859-1, so one char is
 * one byte and {@link String#compareTo} is the unsigned byte order bencode requires).
 *
 * <p>Strict means exactly one encoding per value is accepted: dictionary keys strictly ascending (so no
 * duplicates), integers without leading zeros or {@code -0}, string lengths without leading zeros, nothing after
 * the top-level value. Strictness matters because BEP44 signatures cover re-encoded values: what we decode and
 * re-encode must be byte-identical. Bounded means {@link BencodeLimits} caps input length, depth and element counts,
 * and a string's declared length is checked against the remaining input before anything is allocated.
 *
 * <p>Stateless and thread-safe.
 */
public final class Bencode {
    private Bencode() {}

    /** Decodes exactly one value filling {@code data}. */
    public static Object decode(byte[] data, BencodeLimits limits) throws BencodeException {
        return decode(data, 0, data.length, limits);
    }

    /** Decodes exactly one value filling {@code data[offset, offset+length)}. */
    public static Object decode(byte[] data, int offset, int length, BencodeLimits limits) throws BencodeException {
        if (length > limits.maxInputLength()) {
            throw new BencodeException(0, "input of " + length + " bytes exceeds the limit of "
                    + limits.maxInputLength());
        }
        if (length == 0) {
            throw new BencodeException(0, "empty input");
        }
        Decoder decoder = new Decoder(data, offset, offset + length, limits);
        Object value = decoder.value(0);
        if (decoder.pos != decoder.end) {
            throw new BencodeException(decoder.pos - offset, "trailing bytes after the value");
        }
        return value;
    }

    /**
     * Encodes a value: {@code byte[]}, {@link String} (as UTF-8), {@link Long}/{@link Integer}, {@link List},
     * {@link Map} with {@link String} keys (written in sorted order).
     *
     * @throws IllegalArgumentException for any other type
     */
    public static byte[] encode(Object value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64);
        encode(out, value);
        return out.toByteArray();
    }

    /** Encodes {@code value} onto {@code out}; see {@link #encode(Object)}. */
    public static void encode(ByteArrayOutputStream out, Object value) {
        if (value instanceof byte[] bytes) {
            writeAscii(out, Integer.toString(bytes.length));
            out.write(':');
            out.writeBytes(bytes);
        } else if (value instanceof String text) {
            encode(out, text.getBytes(StandardCharsets.UTF_8));
        } else if (value instanceof Long || value instanceof Integer) {
            out.write('i');
            writeAscii(out, value.toString());
            out.write('e');
        } else if (value instanceof List<?> list) {
            out.write('l');
            for (Object item : list) {
                encode(out, item);
            }
            out.write('e');
        } else if (value instanceof Map<?, ?> map) {
            out.write('d');
            // a map already sorted by String's natural order (every message we build is a TreeMap) is written as it
            // is; any other is sorted into a copy first
            Map<?, ?> sorted = map instanceof SortedMap<?, ?> ordered && ordered.comparator() == null
                    ? map : sortedCopy(map);
            for (Map.Entry<?, ?> entry : sorted.entrySet()) {
                if (!(entry.getKey() instanceof String key)) {
                    throw new IllegalArgumentException("dictionary keys must be strings, got " + entry.getKey());
                }
                encode(out, key.getBytes(StandardCharsets.ISO_8859_1));
                encode(out, entry.getValue());
            }
            out.write('e');
        } else {
            throw new IllegalArgumentException("cannot bencode " + (value == null ? "null" : value.getClass()));
        }
    }

    private static TreeMap<String, Object> sortedCopy(Map<?, ?> map) {
        TreeMap<String, Object> sorted = new TreeMap<>();
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            if (!(entry.getKey() instanceof String key)) {
                throw new IllegalArgumentException("dictionary keys must be strings, got " + entry.getKey());
            }
            sorted.put(key, entry.getValue());
        }
        return sorted;
    }

    private static void writeAscii(ByteArrayOutputStream out, String text) {
        out.writeBytes(text.getBytes(StandardCharsets.US_ASCII));
    }

    /** One decoding pass; not thread-safe, used once. */
    private static final class Decoder {
        private final byte[] data;
        private final int start;
        private final int end;
        private final BencodeLimits limits;
        private int pos;
        private int elements;

        Decoder(byte[] data, int start, int end, BencodeLimits limits) {
            this.data = data;
            this.start = start;
            this.end = end;
            this.limits = limits;
            this.pos = start;
        }

        Object value(int depth) throws BencodeException {
            if (++elements > limits.maxElements()) {
                throw error("more than " + limits.maxElements() + " values");
            }
            if (pos >= end) {
                throw error("truncated input");
            }
            byte b = data[pos];
            if (b == 'i') {
                pos++;
                return integer('e');
            }
            if (b >= '0' && b <= '9') {
                return string();
            }
            if (b == 'l' || b == 'd') {
                if (depth + 1 > limits.maxDepth()) {
                    throw error("nesting deeper than " + limits.maxDepth());
                }
                pos++;
                return b == 'l' ? list(depth + 1) : dictionary(depth + 1);
            }
            throw error("unexpected byte 0x" + Integer.toHexString(b & 0xff));
        }

        private List<Object> list(int depth) throws BencodeException {
            List<Object> list = new ArrayList<>();
            while (true) {
                if (pos >= end) {
                    throw error("unterminated list");
                }
                if (data[pos] == 'e') {
                    pos++;
                    return list;
                }
                if (list.size() >= limits.maxListLength()) {
                    throw error("list longer than " + limits.maxListLength());
                }
                list.add(value(depth));
            }
        }

        private SortedMap<String, Object> dictionary(int depth) throws BencodeException {
            TreeMap<String, Object> map = new TreeMap<>();
            String previous = null;
            while (true) {
                if (pos >= end) {
                    throw error("unterminated dictionary");
                }
                if (data[pos] == 'e') {
                    pos++;
                    return map;
                }
                if (map.size() >= limits.maxListLength()) {
                    throw error("dictionary larger than " + limits.maxListLength());
                }
                if (data[pos] < '0' || data[pos] > '9') {
                    throw error("dictionary key is not a byte string");
                }
                int keyAt = pos;
                if (++elements > limits.maxElements()) {
                    throw error("more than " + limits.maxElements() + " values");
                }
                String key = new String(string(), StandardCharsets.ISO_8859_1);
                if (previous != null && key.compareTo(previous) <= 0) {
                    pos = keyAt;
                    throw error(key.equals(previous) ? "duplicate dictionary key" : "dictionary keys not sorted");
                }
                previous = key;
                map.put(key, value(depth));
            }
        }

        private byte[] string() throws BencodeException {
            long length = digits(':', false);
            if (length > end - pos) {
                throw error("string length " + length + " exceeds the " + (end - pos) + " bytes left");
            }
            byte[] bytes = new byte[(int) length];
            System.arraycopy(data, pos, bytes, 0, bytes.length);
            pos += bytes.length;
            return bytes;
        }

        private Long integer(char terminator) throws BencodeException {
            return digits(terminator, true);
        }

        /**
         * Reads canonical decimal digits up to {@code terminator}, consuming it. Every long is accepted, from
         * {@link Long#MIN_VALUE} to {@link Long#MAX_VALUE} (BEP44's {@code seq} is a 64-bit integer), and nothing
         * beyond.
         */
        private long digits(char terminator, boolean signed) throws BencodeException {
            int first = pos;
            boolean negative = false;
            if (signed && pos < end && data[pos] == '-') {
                negative = true;
                pos++;
            }
            int digitsAt = pos;
            // Accumulated as a negative number, whose range includes the magnitude of Long.MIN_VALUE.
            long value = 0;
            while (pos < end && data[pos] != terminator) {
                byte d = data[pos];
                if (d < '0' || d > '9') {
                    throw error("expected a digit, got 0x" + Integer.toHexString(d & 0xff));
                }
                if (pos - digitsAt >= 19) {
                    throw error("number too long"); // no long has more than 19 digits
                }
                int digit = d - '0';
                if (value < (Long.MIN_VALUE + digit) / 10) {
                    throw error("number out of the 64-bit range");
                }
                value = value * 10 - digit;
                pos++;
            }
            if (pos >= end) {
                pos = first;
                throw error("unterminated number");
            }
            int count = pos - digitsAt;
            if (count == 0) {
                throw error("empty number");
            }
            if (count > 1 && data[digitsAt] == '0') {
                throw error("leading zero in a number");
            }
            if (negative && value == 0) {
                throw error("negative zero");
            }
            if (!negative && value == Long.MIN_VALUE) {
                throw error("number out of the 64-bit range");
            }
            pos++;
            return negative ? value : -value;
        }

        private BencodeException error(String problem) {
            return new BencodeException(pos - start, problem);
        }
    }
}
