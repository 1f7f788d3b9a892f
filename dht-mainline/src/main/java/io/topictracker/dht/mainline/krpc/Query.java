package io.topictracker.dht.mainline.krpc;

import io.topictracker.api.dht.Bep44;
import java.util.Map;
import java.util.TreeMap;

/**
 * A KRPC query, one record per method (BEP5: ping, find_node, get_peers, announce_peer; BEP44: get, put), without
 * the sender's {@code id}, which the socket adds and checks. {@code R} is the response the method is answered with,
 * so a query and the reader of its response cannot disagree on the method.
 *
 * <p>Immutable by convention: arrays are not copied, callers must not change them. Thread-safe to read.
 *
 * @param <R> the response type
 */
public sealed interface Query<R extends Response> permits LookupQuery, Query.Ping, Query.AnnouncePeer, Query.PutItem {

    /** @return the KRPC method name ({@code q}), never null */
    String method();

    /** @return the {@code a} dictionary without {@code id}, a new mutable map, never null */
    Map<String, Object> arguments();

    /**
     * Reads the {@code r} dictionary of a response to this query.
     *
     * @param values the response's {@code r}, not null
     * @throws KrpcException 203 when {@code id} or a field the method needs is missing or malformed
     */
    R readResponse(Map<String, Object> values) throws KrpcException;

    /**
     * Reads an incoming query's method and arguments.
     *
     * @param method the {@code q} value, not null
     * @param args the {@code a} dictionary, not null
     * @return the typed query, never null
     * @throws KrpcException 204 for an unknown method; 203 (206 for a bad signature field) for malformed arguments
     */
    static Query<?> parse(String method, Map<String, Object> args) throws KrpcException {
        return switch (method) {
            case "ping" -> new Ping();
            case "find_node" -> new FindNode(KrpcMessage.id20(args, "target"), Want.parse(args.get("want")));
            case "get_peers" -> new GetPeers(KrpcMessage.id20(args, "info_hash"), Want.parse(args.get("want")));
            case "announce_peer" -> AnnouncePeer.parse(args);
            case "get" -> new GetItem(KrpcMessage.id20(args, "target"), KrpcMessage.integer(args, "seq"),
                    Want.parse(args.get("want")));
            case "put" -> PutItem.parse(args);
            default -> throw new KrpcException(KrpcException.METHOD_UNKNOWN, "method unknown");
        };
    }

    /** BEP5 {@code ping}: is the node alive. */
    record Ping() implements Query<Response.Pong> {
        @Override
        public String method() {
            return "ping";
        }

        @Override
        public Map<String, Object> arguments() {
            return new TreeMap<>();
        }

        @Override
        public Response.Pong readResponse(Map<String, Object> values) throws KrpcException {
            return new Response.Pong(KrpcMessage.id20(values, "id"));
        }
    }

    /**
     * BEP5 {@code find_node}: the nodes closest to {@code target}.
     *
     * @param want BEP32: the families wanted back, or null for the socket's own
     */
    record FindNode(byte[] target, Want want) implements LookupQuery<Response.NodesFound> {
        /** A find_node without {@code want}. */
        public FindNode(byte[] target) {
            this(target, null);
        }

        @Override
        public String method() {
            return "find_node";
        }

        @Override
        public Map<String, Object> arguments() {
            Map<String, Object> a = new TreeMap<>();
            a.put("target", target);
            putWant(a, want);
            return a;
        }

        @Override
        public Response.NodesFound readResponse(Map<String, Object> values) throws KrpcException {
            return new Response.NodesFound(KrpcMessage.id20(values, "id"),
                    KrpcMessage.nodes(values, Response.MAX_NODES_READ));
        }
    }

    /**
     * BEP5 {@code get_peers}: the peers announced for {@code infoHash}, and a token to announce.
     *
     * @param want BEP32: the families of nodes wanted back, or null for the socket's own
     */
    record GetPeers(byte[] infoHash, Want want) implements LookupQuery<Response.PeersFound> {
        /** A get_peers without {@code want}. */
        public GetPeers(byte[] infoHash) {
            this(infoHash, null);
        }

        @Override
        public byte[] target() {
            return infoHash;
        }

        @Override
        public String method() {
            return "get_peers";
        }

        @Override
        public Map<String, Object> arguments() {
            Map<String, Object> a = new TreeMap<>();
            a.put("info_hash", infoHash);
            putWant(a, want);
            return a;
        }

        @Override
        public Response.PeersFound readResponse(Map<String, Object> values) throws KrpcException {
            return Response.PeersFound.read(values);
        }
    }

    /**
     * BEP5 {@code announce_peer}: we are a peer of {@code infoHash} at {@code port}, or at the port the datagram
     * came from when {@code impliedPort}.
     *
     * @param token the token a {@code get_peers} gave, or null (refused as invalid)
     */
    record AnnouncePeer(byte[] infoHash, int port, boolean impliedPort, byte[] token)
            implements Query<Response.Stored> {
        static AnnouncePeer parse(Map<String, Object> args) throws KrpcException {
            byte[] infoHash = KrpcMessage.id20(args, "info_hash");
            Long implied = KrpcMessage.integer(args, "implied_port");
            Long port = KrpcMessage.integer(args, "port");
            boolean useSourcePort = implied != null && implied != 0;
            if (!useSourcePort && (port == null || port <= 0 || port > 65535)) {
                throw new KrpcException(KrpcException.PROTOCOL, "missing or bad port");
            }
            return new AnnouncePeer(infoHash, useSourcePort ? 0 : port.intValue(), useSourcePort,
                    KrpcMessage.bytes(args, "token"));
        }

        @Override
        public String method() {
            return "announce_peer";
        }

        @Override
        public Map<String, Object> arguments() {
            Map<String, Object> a = new TreeMap<>();
            a.put("info_hash", infoHash);
            // BEP5: with implied_port the port is ignored, but some nodes still require it
            a.put("port", (long) (impliedPort ? 1 : port));
            if (impliedPort) {
                a.put("implied_port", 1L);
            }
            if (token != null) {
                a.put("token", token);
            }
            return a;
        }

        @Override
        public Response.Stored readResponse(Map<String, Object> values) throws KrpcException {
            return new Response.Stored(KrpcMessage.id20(values, "id"));
        }

        /** @return this announcement carrying {@code newToken} */
        public AnnouncePeer withToken(byte[] newToken) {
            return new AnnouncePeer(infoHash, port, impliedPort, newToken);
        }
    }

    /**
     * BEP44 {@code get}: the item stored at {@code target}, and a token to put.
     *
     * @param seqAbove BEP44 {@code seq}: return {@code v} only if the stored seq is greater; null for any
     * @param want BEP32: the families of nodes wanted back, or null for the socket's own
     */
    record GetItem(byte[] target, Long seqAbove, Want want) implements LookupQuery<Response.ItemFound> {
        /** A get without {@code want}. */
        public GetItem(byte[] target, Long seqAbove) {
            this(target, seqAbove, null);
        }

        @Override
        public String method() {
            return "get";
        }

        @Override
        public Map<String, Object> arguments() {
            Map<String, Object> a = new TreeMap<>();
            a.put("target", target);
            if (seqAbove != null) {
                a.put("seq", seqAbove);
            }
            putWant(a, want);
            return a;
        }

        @Override
        public Response.ItemFound readResponse(Map<String, Object> values) throws KrpcException {
            return Response.ItemFound.read(values);
        }
    }

    /**
     * BEP44 {@code put} of an immutable item ({@code key} null) or a mutable one. The structural rules are checked
     * when an incoming put is parsed; the store checks sizes, the signature and the sequence rules.
     *
     * @param value the {@code v} value, any bencode value, never null
     * @param key 32 bytes, or null for an immutable item
     * @param salt possibly empty, never null
     * @param seq the sequence number, or -1 for an immutable item
     * @param signature 64 bytes, or null for an immutable item
     * @param cas the compare-and-swap seq, or null for none
     * @param token the token a {@code get} gave, or null (refused as invalid)
     */
    record PutItem(Object value, byte[] key, byte[] salt, long seq, byte[] signature, Long cas, byte[] token)
            implements Query<Response.Stored> {
        static PutItem parse(Map<String, Object> args) throws KrpcException {
            Object v = args.get("v");
            if (v == null) {
                throw new KrpcException(KrpcException.PROTOCOL, "put without v");
            }
            byte[] token = KrpcMessage.bytes(args, "token");
            Object k = args.get("k");
            if (k == null) {
                return new PutItem(v, null, new byte[0], -1, null, null, token);
            }
            if (!(k instanceof byte[] key) || key.length != Bep44.KEY_LENGTH) {
                throw new KrpcException(KrpcException.PROTOCOL, "k must be a 32-byte key");
            }
            Object saltValue = args.get("salt");
            if (saltValue != null && !(saltValue instanceof byte[])) {
                throw new KrpcException(KrpcException.PROTOCOL, "salt must be a byte string");
            }
            byte[] salt = saltValue == null ? new byte[0] : (byte[]) saltValue;
            if (!(args.get("seq") instanceof Long seq) || seq < 0) {
                throw new KrpcException(KrpcException.PROTOCOL, "seq must be a non-negative integer");
            }
            if (!(args.get("sig") instanceof byte[] sig) || sig.length != Bep44.SIGNATURE_LENGTH) {
                throw new KrpcException(KrpcException.INVALID_SIGNATURE, "invalid signature");
            }
            Object casValue = args.get("cas");
            if (casValue != null && !(casValue instanceof Long)) {
                throw new KrpcException(KrpcException.PROTOCOL, "cas must be an integer");
            }
            return new PutItem(v, key, salt, seq, sig, (Long) casValue, token);
        }

        /** @return an immutable item's put */
        public static PutItem immutable(Object value) {
            return new PutItem(value, null, new byte[0], -1, null, null, null);
        }

        /** @return whether this is a mutable item's put */
        public boolean mutable() {
            return key != null;
        }

        @Override
        public String method() {
            return "put";
        }

        @Override
        public Map<String, Object> arguments() {
            Map<String, Object> a = new TreeMap<>();
            a.put("v", value);
            if (key != null) {
                a.put("k", key);
                if (salt.length > 0) {
                    a.put("salt", salt);
                }
                a.put("seq", seq);
                a.put("sig", signature);
            }
            if (cas != null) {
                a.put("cas", cas);
            }
            if (token != null) {
                a.put("token", token);
            }
            return a;
        }

        @Override
        public Response.Stored readResponse(Map<String, Object> values) throws KrpcException {
            return new Response.Stored(KrpcMessage.id20(values, "id"));
        }

        /** @return this put carrying {@code newToken} */
        public PutItem withToken(byte[] newToken) {
            return new PutItem(value, key, salt, seq, signature, cas, newToken);
        }
    }

    private static void putWant(Map<String, Object> arguments, Want want) {
        if (want != null) {
            arguments.put("want", want.encode());
        }
    }
}
