package io.topictracker.dht.mainline.krpc;

import io.topictracker.dht.mainline.routing.NodeInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A KRPC response's {@code r} dictionary, one type per kind of answer. A node reads a response as the type its query
 * expects ({@link Query#readResponse}); a node answering a query builds one and sends {@link #values()}.
 *
 * <p>Immutable by convention: arrays and lists are not copied. Thread-safe to read.
 */
public sealed interface Response permits Response.Pong, Response.Stored, Response.LookupResponse {
    /** Most nodes read from one response's compact {@code nodes} (BEP5 sends 8; some clients more). */
    int MAX_NODES_READ = 16;
    /** Most peers read from one {@code get_peers} response (BEP5 leaves it open; ours sends at most 50). */
    int MAX_PEERS_READ = 100;

    /** @return the responder's 20-byte node id, never null */
    byte[] id();

    /** @return the {@code r} dictionary to send, a new mutable map, never null */
    Map<String, Object> values();

    /**
     * An answer from a step of an iterative lookup: closer nodes and, for data lookups, a write token. Its nodes may
     * be of both families: IPv4 ones go in {@code nodes}, IPv6 ones in {@code nodes6} (BEP32).
     */
    sealed interface LookupResponse extends Response permits NodesFound, PeersFound, ItemFound {
        /** @return the closer nodes it named, IPv4 before IPv6, possibly empty, never null */
        List<NodeInfo> nodes();

        /** @return the write token it gave, or null */
        byte[] token();
    }

    /** The answer to a ping. */
    record Pong(byte[] id) implements Response {
        @Override
        public Map<String, Object> values() {
            return withId(id);
        }
    }

    /** The acknowledgement of an announce_peer or a put. */
    record Stored(byte[] id) implements Response {
        @Override
        public Map<String, Object> values() {
            return withId(id);
        }
    }

    /** The answer to find_node. */
    record NodesFound(byte[] id, List<NodeInfo> nodes) implements LookupResponse {
        @Override
        public byte[] token() {
            return null;
        }

        @Override
        public Map<String, Object> values() {
            Map<String, Object> r = withId(id);
            putNodes(r, nodes);
            return r;
        }
    }

    /**
     * The answer to get_peers.
     *
     * @param peers compact peer addresses, 6 bytes for IPv4 and 18 for IPv6 (BEP32), possibly empty, never null
     */
    record PeersFound(byte[] id, List<NodeInfo> nodes, byte[] token, List<byte[]> peers) implements LookupResponse {
        static PeersFound read(Map<String, Object> r) throws KrpcException {
            List<byte[]> peers = new ArrayList<>();
            if (r.get("values") instanceof List<?> values) {
                for (Object v : values) {
                    if (v instanceof byte[] compact && peers.size() < MAX_PEERS_READ) {
                        peers.add(compact);
                    }
                }
            }
            return new PeersFound(KrpcMessage.id20(r, "id"), KrpcMessage.nodes(r, MAX_NODES_READ),
                    KrpcMessage.bytes(r, "token"), peers);
        }

        @Override
        public Map<String, Object> values() {
            Map<String, Object> r = withId(id);
            putNodes(r, nodes);
            r.put("token", token);
            if (!peers.isEmpty()) {
                r.put("values", peers);
            }
            return r;
        }
    }

    /**
     * The answer to get: an immutable value ({@code key} null), a mutable item, only the stored {@code seq} (when the
     * getter's {@code seq} was not older), or nothing.
     *
     * @param value the {@code v} value (any bencode value), or null
     * @param key the 32-byte {@code k}, or null
     * @param signature the 64-byte {@code sig}, or null
     * @param seq the {@code seq}, or null
     */
    record ItemFound(byte[] id, List<NodeInfo> nodes, byte[] token, Object value, byte[] key, byte[] signature,
            Long seq) implements LookupResponse {
        static ItemFound read(Map<String, Object> r) throws KrpcException {
            return new ItemFound(KrpcMessage.id20(r, "id"), KrpcMessage.nodes(r, MAX_NODES_READ),
                    KrpcMessage.bytes(r, "token"), r.get("v"), KrpcMessage.bytes(r, "k"), KrpcMessage.bytes(r, "sig"),
                    KrpcMessage.integer(r, "seq"));
        }

        @Override
        public Map<String, Object> values() {
            Map<String, Object> r = withId(id);
            putNodes(r, nodes);
            r.put("token", token);
            if (value != null) {
                r.put("v", value);
            }
            if (key != null) {
                r.put("k", key);
            }
            if (signature != null) {
                r.put("sig", signature);
            }
            if (seq != null) {
                r.put("seq", seq);
            }
            return r;
        }
    }

    /**
     * Writes {@code nodes} (IPv4, BEP5) and {@code nodes6} (IPv6, BEP32). {@code nodes} is written even when empty
     * unless there are only IPv6 nodes, so an IPv4-only answer looks as it did before BEP32.
     */
    private static void putNodes(Map<String, Object> r, List<NodeInfo> nodes) {
        byte[] v4 = NodeInfo.encodeCompact(nodes);
        byte[] v6 = NodeInfo.encodeCompact6(nodes);
        if (v4.length > 0 || v6.length == 0) {
            r.put("nodes", v4);
        }
        if (v6.length > 0) {
            r.put("nodes6", v6);
        }
    }

    private static Map<String, Object> withId(byte[] id) {
        Map<String, Object> r = new TreeMap<>();
        r.put("id", id);
        return r;
    }
}
