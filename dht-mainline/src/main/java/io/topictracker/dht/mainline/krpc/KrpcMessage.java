package io.topictracker.dht.mainline.krpc;

import io.topictracker.dht.mainline.bencode.Bencode;
import io.topictracker.dht.mainline.bencode.BencodeException;
import io.topictracker.dht.mainline.bencode.BencodeLimits;
import io.topictracker.dht.mainline.routing.NodeInfo;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One KRPC message (BEP5): a query ({@code y=q}, method and arguments), a response ({@code y=r}, values) or an
 * error ({@code y=e}, code and message). Also carries the optional top-level {@code ip} (BEP42, the requester's
 * address as the responder sees it), {@code ro} (BEP43 read-only) and {@code v} (client version).
 *
 * <p>Immutable by convention: the maps and arrays are not copied, callers must not change them. Thread-safe to read.
 *
 * @param kind which of the three it is, never null
 * @param transactionId the {@code t} value, never null
 * @param method the query method ({@code q}), null unless a query
 * @param body the query arguments {@code a} or the response values {@code r}; empty for errors; never null
 * @param errorCode the error code, 0 unless an error
 * @param errorMessage the error message, null unless an error
 * @param ip the compact address in {@code ip}, or null
 * @param readOnly true if {@code ro=1} (BEP43)
 */
public record KrpcMessage(Kind kind, byte[] transactionId, String method, Map<String, Object> body, int errorCode,
        String errorMessage, byte[] ip, boolean readOnly) {

    /** The three KRPC message types. */
    public enum Kind { QUERY, RESPONSE, ERROR }

    /** Longest transaction id accepted; libtorrent sends 2 bytes, others 4 or 8. */
    public static final int MAX_TRANSACTION_ID = 16;

    /** Our client version {@code v}: "TT" and version 0.1 (BEP20-style two letters and two bytes). */
    static final byte[] VERSION = {'T', 'T', 0, 1};

    /** @return a query */
    public static KrpcMessage query(byte[] tid, String method, Map<String, Object> args, boolean readOnly) {
        return new KrpcMessage(Kind.QUERY, tid, method, args, 0, null, null, readOnly);
    }

    /** @return a response, with the requester's compact address in {@code ip} when known */
    public static KrpcMessage response(byte[] tid, Map<String, Object> values, byte[] ip) {
        return new KrpcMessage(Kind.RESPONSE, tid, null, values, 0, null, ip, false);
    }

    /** @return an error */
    public static KrpcMessage error(byte[] tid, int code, String message) {
        return new KrpcMessage(Kind.ERROR, tid, null, Map.of(), code, message, null, false);
    }

    /** @return the bencoded datagram */
    public byte[] encode() {
        Map<String, Object> top = new TreeMap<>();
        top.put("t", transactionId);
        top.put("v", VERSION);
        switch (kind) {
            case QUERY -> {
                top.put("y", "q");
                // as decode reads it: one byte per char (a String would be written as UTF-8, so a method name with
                // a byte over 0x7f, which a remote may send us, would not survive a round trip)
                top.put("q", method.getBytes(StandardCharsets.ISO_8859_1));
                top.put("a", body);
                if (readOnly) {
                    top.put("ro", 1L);
                }
            }
            case RESPONSE -> {
                top.put("y", "r");
                top.put("r", body);
            }
            case ERROR -> {
                top.put("y", "e");
                top.put("e", List.of((long) errorCode, errorMessage));
            }
        }
        if (ip != null) {
            top.put("ip", ip);
        }
        return Bencode.encode(top);
    }

    /**
     * Parses a datagram.
     *
     * @throws KrpcException code 203 for anything that is not a well-formed KRPC message
     */
    public static KrpcMessage decode(byte[] datagram, int offset, int length) throws KrpcException {
        Object decoded;
        try {
            decoded = Bencode.decode(datagram, offset, length, BencodeLimits.KRPC);
        } catch (BencodeException e) {
            throw new KrpcException(KrpcException.PROTOCOL, "malformed bencode: " + e.getMessage());
        }
        if (!(decoded instanceof Map<?, ?> raw)) {
            throw new KrpcException(KrpcException.PROTOCOL, "message is not a dictionary");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> top = (Map<String, Object>) raw;
        byte[] tid = bytes(top, "t");
        if (tid == null || tid.length == 0 || tid.length > MAX_TRANSACTION_ID) {
            throw new KrpcException(KrpcException.PROTOCOL, "missing or bad transaction id");
        }
        byte[] y = bytes(top, "y");
        if (y == null || y.length != 1) {
            throw new KrpcException(KrpcException.PROTOCOL, "missing or bad y");
        }
        byte[] ip = bytes(top, "ip");
        if (ip != null && ip.length != 6 && ip.length != 18) {
            ip = null; // a malformed optional field is ignored, not fatal
        }
        switch (y[0]) {
            case 'q' -> {
                byte[] q = bytes(top, "q");
                Map<String, Object> args = dict(top, "a");
                if (q == null || args == null) {
                    throw new KrpcException(KrpcException.PROTOCOL, "query without q or a");
                }
                boolean ro = top.get("ro") instanceof Long flag && flag == 1L;
                return new KrpcMessage(Kind.QUERY, tid, new String(q, StandardCharsets.ISO_8859_1), args, 0, null,
                        ip, ro);
            }
            case 'r' -> {
                Map<String, Object> values = dict(top, "r");
                if (values == null) {
                    throw new KrpcException(KrpcException.PROTOCOL, "response without r");
                }
                return new KrpcMessage(Kind.RESPONSE, tid, null, values, 0, null, ip, false);
            }
            case 'e' -> {
                if (!(top.get("e") instanceof List<?> e) || e.size() < 2 || !(e.get(0) instanceof Long code)
                        || !(e.get(1) instanceof byte[] message)) {
                    throw new KrpcException(KrpcException.PROTOCOL, "error without [code, message]");
                }
                return new KrpcMessage(Kind.ERROR, tid, null, Map.of(), (int) Math.max(0, Math.min(code, 999)),
                        new String(message, StandardCharsets.UTF_8), ip, false);
            }
            default -> throw new KrpcException(KrpcException.PROTOCOL, "unknown y");
        }
    }

    /**
     * Finds the transaction id in a datagram that failed to parse, so the error 203 can be addressed (BEP5 asks
     * for an error reply to malformed queries). Looks for the top-level key {@code 1:t} followed by a short byte
     * string; returns null when none can be read, in which case the datagram is ignored.
     */
    public static byte[] salvageTransactionId(byte[] datagram, int offset, int length) {
        int end = offset + Math.min(length, BencodeLimits.KRPC.maxInputLength());
        for (int i = offset; i + 4 < end; i++) {
            if (datagram[i] == '1' && datagram[i + 1] == ':' && datagram[i + 2] == 't') {
                int p = i + 3;
                int len = 0;
                int digits = 0;
                while (p < end && datagram[p] >= '0' && datagram[p] <= '9' && digits < 3) {
                    len = len * 10 + (datagram[p] - '0');
                    p++;
                    digits++;
                }
                if (digits > 0 && p < end && datagram[p] == ':' && len > 0 && len <= MAX_TRANSACTION_ID
                        && p + 1 + len <= end) {
                    byte[] tid = new byte[len];
                    System.arraycopy(datagram, p + 1, tid, 0, len);
                    return tid;
                }
            }
        }
        return null;
    }

    /** @return the byte string at {@code key}, or null if absent or of another type */
    public static byte[] bytes(Map<String, Object> map, String key) {
        return map.get(key) instanceof byte[] b ? b : null;
    }

    /** @return the integer at {@code key}, or null if absent or of another type */
    public static Long integer(Map<String, Object> map, String key) {
        return map.get(key) instanceof Long l ? l : null;
    }

    /** @return the dictionary at {@code key}, or null if absent or of another type */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> dict(Map<String, Object> map, String key) {
        return map.get(key) instanceof Map<?, ?> m ? (Map<String, Object>) m : null;
    }

    /**
     * Reads the closer nodes of a response: up to {@code max} IPv4 nodes of {@code nodes} (BEP5) followed by up to
     * {@code max} IPv6 nodes of {@code nodes6} (BEP32). A missing entry reads as none; so does a {@code nodes} of
     * another type, and its trailing partial entry is skipped (older clients are lenient there too).
     *
     * @throws KrpcException 203 when {@code nodes6} is not a byte string of whole 38-byte entries
     */
    public static List<NodeInfo> nodes(Map<String, Object> map, int max) throws KrpcException {
        byte[] compact = bytes(map, "nodes");
        List<NodeInfo> v4 = compact == null ? List.of() : NodeInfo.decodeCompact(compact, max);
        Object nodes6 = map.get("nodes6");
        if (nodes6 == null) {
            return v4;
        }
        if (!(nodes6 instanceof byte[] compact6) || compact6.length % NodeInfo.COMPACT_LENGTH_V6 != 0) {
            throw new KrpcException(KrpcException.PROTOCOL, "nodes6 must be whole 38-byte entries (BEP32), got "
                    + (nodes6 instanceof byte[] b ? b.length + " bytes" : "a non-string"));
        }
        List<NodeInfo> v6 = NodeInfo.decodeCompact6(compact6, max);
        if (v4.isEmpty()) {
            return v6;
        }
        List<NodeInfo> all = new java.util.ArrayList<>(v4);
        all.addAll(v6);
        return all;
    }

    /** @return the 20-byte id at {@code key} ({@code id}, {@code target}, {@code info_hash}) or throws 203 */
    public static byte[] id20(Map<String, Object> map, String key) throws KrpcException {
        byte[] id = bytes(map, key);
        if (id == null || id.length != 20) {
            throw new KrpcException(KrpcException.PROTOCOL, "missing or bad " + key);
        }
        return id;
    }
}
