package io.topictracker.lab;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Just enough of a bencode reader (BEP3 "bencoding") to check a KRPC reply in a test: strings become byte[], integers
 * Long, lists List, dictionaries Map with String keys. Fails with IllegalArgumentException on anything malformed or
 * trailing. Stateless apart from the position of one decode; not thread-safe.
 */
final class Bencode {
    private final byte[] in;
    private int at;

    private Bencode(byte[] in) {
        this.in = in;
    }

    /** @return the one value {@code data} holds; never null */
    static Object decode(byte[] data) {
        Bencode reader = new Bencode(data);
        Object value = reader.value(0);
        if (reader.at != data.length) {
            throw new IllegalArgumentException("trailing bytes at " + reader.at);
        }
        return value;
    }

    private Object value(int depth) {
        if (depth > 32 || at >= in.length) {
            throw new IllegalArgumentException("truncated or too deep at " + at);
        }
        byte b = in[at];
        if (b == 'i') {
            at++;
            return Long.parseLong(new String(until('e'), StandardCharsets.US_ASCII));
        }
        if (b == 'l') {
            at++;
            List<Object> list = new ArrayList<>();
            while (peek() != 'e') {
                list.add(value(depth + 1));
            }
            at++;
            return list;
        }
        if (b == 'd') {
            at++;
            Map<String, Object> map = new LinkedHashMap<>();
            while (peek() != 'e') {
                map.put(new String(string(), StandardCharsets.UTF_8), value(depth + 1));
            }
            at++;
            return map;
        }
        return string();
    }

    private byte[] string() {
        int length = Integer.parseInt(new String(until(':'), StandardCharsets.US_ASCII));
        if (length < 0 || length > in.length - at) {
            throw new IllegalArgumentException("bad string length " + length + " at " + at);
        }
        byte[] s = Arrays.copyOfRange(in, at, at + length);
        at += length;
        return s;
    }

    private byte[] until(char end) {
        int start = at;
        while (at < in.length && in[at] != end) {
            at++;
        }
        if (at >= in.length) {
            throw new IllegalArgumentException("no '" + end + "' after " + start);
        }
        return Arrays.copyOfRange(in, start, at++);
    }

    private byte peek() {
        if (at >= in.length) {
            throw new IllegalArgumentException("truncated at " + at);
        }
        return in[at];
    }
}
