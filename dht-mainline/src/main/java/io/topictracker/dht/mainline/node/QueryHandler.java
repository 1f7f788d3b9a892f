package io.topictracker.dht.mainline.node;

import io.topictracker.dht.mainline.krpc.KrpcException;
import io.topictracker.dht.mainline.krpc.KrpcMessage;
import io.topictracker.dht.mainline.routing.NodeInfo;
import io.topictracker.dht.mainline.routing.RoutingTable;
import io.topictracker.dht.mainline.store.ItemStore;
import io.topictracker.dht.mainline.store.PeerStore;
import io.topictracker.dht.mainline.store.StoredItem;
import io.topictracker.dht.mainline.store.TokenIssuer;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.TreeMap;

/**
 * Answers incoming queries (the server side of BEP5 and BEP44): ping, find_node, get_peers, announce_peer, get and
 * put. Pure logic over the routing table and stores; the caller sends what it returns.
 *
 * <p>Not thread-safe: confine to the node's event loop.
 */
public final class QueryHandler {
    /** BEP5: the number of closest nodes returned. */
    static final int K = 8;

    private final RoutingTable table;
    private final TokenIssuer tokens;
    private final ItemStore items;
    private final PeerStore peers;

    /** All arguments not null and confined to the same thread as this handler. */
    public QueryHandler(RoutingTable table, TokenIssuer tokens, ItemStore items, PeerStore peers) {
        this.table = table;
        this.tokens = tokens;
        this.items = items;
        this.peers = peers;
    }

    /**
     * @param query a decoded query, not null
     * @param source who sent it, not null
     * @param now milliseconds
     * @return the {@code r} dictionary to answer with, never null
     * @throws KrpcException the error to answer with
     */
    public Map<String, Object> handle(KrpcMessage query, InetSocketAddress source, long now) throws KrpcException {
        Map<String, Object> a = query.body();
        KrpcMessage.id20(a, "id");
        Map<String, Object> r = new TreeMap<>();
        r.put("id", table.ownId());
        byte[] ip = source.getAddress().getAddress();
        switch (query.method()) {
            case "ping" -> { }
            case "find_node" -> r.put("nodes", closest(KrpcMessage.id20(a, "target")));
            case "get_peers" -> {
                byte[] infoHash = KrpcMessage.id20(a, "info_hash");
                r.put("token", tokens.issue(ip, now));
                r.put("nodes", closest(infoHash));
                var values = peers.peers(infoHash, now);
                if (!values.isEmpty()) {
                    r.put("values", values);
                }
            }
            case "announce_peer" -> {
                byte[] infoHash = KrpcMessage.id20(a, "info_hash");
                checkToken(a, ip, now);
                Long implied = KrpcMessage.integer(a, "implied_port");
                Long port = KrpcMessage.integer(a, "port");
                int peerPort;
                if (implied != null && implied != 0) {
                    peerPort = source.getPort(); // BEP5: implied_port means "use the source port"
                } else if (port != null && port > 0 && port <= 65535) {
                    peerPort = port.intValue();
                } else {
                    throw new KrpcException(KrpcException.PROTOCOL, "missing or bad port");
                }
                peers.announce(infoHash, new InetSocketAddress(source.getAddress(), peerPort), now);
            }
            case "get" -> {
                byte[] target = KrpcMessage.id20(a, "target");
                r.put("token", tokens.issue(ip, now));
                r.put("nodes", closest(target));
                StoredItem item = items.get(target, now);
                Long seq = KrpcMessage.integer(a, "seq");
                if (item != null && (!item.mutable() || seq == null || item.seq() > seq)) {
                    // BEP44: with seq given, v is returned only if the stored seq is greater
                    r.put("v", item.value());
                    if (item.mutable()) {
                        r.put("k", item.publicKey());
                        r.put("sig", item.signature());
                        r.put("seq", item.seq());
                    }
                } else if (item != null && item.mutable()) {
                    r.put("seq", item.seq());
                }
            }
            case "put" -> {
                checkToken(a, ip, now);
                items.put(a, source.getAddress().getHostAddress(), now);
            }
            default -> throw new KrpcException(KrpcException.METHOD_UNKNOWN, "method unknown");
        }
        return r;
    }

    private void checkToken(Map<String, Object> a, byte[] ip, long now) throws KrpcException {
        if (!tokens.isValid(KrpcMessage.bytes(a, "token"), ip, now)) {
            throw new KrpcException(KrpcException.PROTOCOL, "invalid token");
        }
    }

    private byte[] closest(byte[] target) {
        var nodes = table.closest(target, K);
        return NodeInfo.encodeCompact(nodes.size() > K ? nodes.subList(0, K) : nodes);
    }
}
