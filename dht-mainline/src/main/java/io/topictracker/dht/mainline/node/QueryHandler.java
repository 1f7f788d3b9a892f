package io.topictracker.dht.mainline.node;

import io.topictracker.dht.mainline.krpc.KrpcException;
import io.topictracker.dht.mainline.krpc.Query;
import io.topictracker.dht.mainline.krpc.Response;
import io.topictracker.dht.mainline.krpc.Want;
import io.topictracker.dht.mainline.routing.NodeInfo;
import io.topictracker.dht.mainline.routing.RoutingTable;
import io.topictracker.dht.mainline.store.ItemStore;
import io.topictracker.dht.mainline.store.PeerStore;
import io.topictracker.dht.mainline.store.StoredItem;
import io.topictracker.dht.mainline.store.TokenIssuer;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Answers incoming queries (the server side of BEP5 and BEP44): ping, find_node, get_peers, announce_peer, get and
 * put. Pure logic over the routing table and stores; the caller sends what it returns.
 *
 * <p>BEP32: a query's {@code want} picks the families of the nodes answered; without it, the family of the socket
 * the query came in on (which is the querier's family: a socket only hears its own). Nodes of the other family come
 * from the sibling node on the other socket, if {@link #otherFamily} linked one.
 *
 * <p>Not thread-safe: confine to the node's event loop.
 */
public final class QueryHandler {
    /** BEP5: the number of closest nodes returned. */
    static final int K = 8;
    /** Diagnostics: each BEP44 item stored and each get answered (lab timelines; debug only). */
    private static final org.slf4j.Logger SLOTS = org.slf4j.LoggerFactory.getLogger("io.topictracker.timeline.slots");

    private final Supplier<RoutingTable> table;
    private final TokenIssuer tokens;
    private final ItemStore items;
    private final PeerStore peers;
    /** The closest nodes of the other family's table (BEP32 {@code want}); none until linked. */
    private Function<byte[], List<NodeInfo>> otherFamily = target -> List.of();

    /** All arguments not null and confined to the same thread as this handler. */
    public QueryHandler(RoutingTable table, TokenIssuer tokens, ItemStore items, PeerStore peers) {
        this(() -> table, tokens, items, peers);
    }

    /** As above, reading the current table from {@code table} (the node replaces it when its id changes). */
    QueryHandler(Supplier<RoutingTable> table, TokenIssuer tokens, ItemStore items, PeerStore peers) {
        this.table = table;
        this.tokens = tokens;
        this.items = items;
        this.peers = peers;
    }

    /**
     * Links the table of the other address family, so queries that {@code want} its nodes get them (BEP32).
     *
     * @param closest gives up to {@link #K} closest nodes of the other family to a target, on this handler's
     *     thread; not null
     */
    void otherFamily(Function<byte[], List<NodeInfo>> closest) {
        this.otherFamily = closest;
    }

    /**
     * @param query a parsed query, not null
     * @param source who sent it, not null
     * @param now milliseconds
     * @return the response to answer with, never null
     * @throws KrpcException the error to answer with
     */
    public Response answer(Query<?> query, InetSocketAddress source, long now) throws KrpcException {
        byte[] id = table.get().ownId();
        byte[] ip = source.getAddress().getAddress();
        if (query instanceof Query.Ping) {
            return new Response.Pong(id);
        }
        if (query instanceof Query.FindNode find) {
            return new Response.NodesFound(id, closest(find.target(), find.want(), source));
        }
        if (query instanceof Query.GetPeers get) {
            return new Response.PeersFound(id, closest(get.infoHash(), get.want(), source), tokens.issue(ip, now),
                    peers.peers(get.infoHash(), now));
        }
        if (query instanceof Query.AnnouncePeer announce) {
            checkToken(announce.token(), ip, now);
            // BEP5: implied_port means "use the source port"
            int port = announce.impliedPort() ? source.getPort() : announce.port();
            peers.announce(announce.infoHash(), new InetSocketAddress(source.getAddress(), port), now);
            return new Response.Stored(id);
        }
        if (query instanceof Query.GetItem get) {
            return itemFound(id, get, tokens.issue(ip, now), source, now);
        }
        Query.PutItem put = (Query.PutItem) query; // the last of the sealed type's records
        checkToken(put.token(), ip, now);
        items.put(put, source.getAddress().getHostAddress(), now);
        if (SLOTS.isDebugEnabled() && put.mutable()) {
            SLOTS.debug("stored {} sig {} from {}", SlotLog.hex(io.topictracker.api.dht.Bep44.target(put.key(),
                    put.salt()), 4), SlotLog.hex(put.signature(), 4), source);
        }
        return new Response.Stored(id);
    }

    private Response.ItemFound itemFound(byte[] id, Query.GetItem get, byte[] token, InetSocketAddress source,
            long now) {
        List<NodeInfo> closest = closest(get.target(), get.want(), source);
        StoredItem item = items.get(get.target(), now);
        if (SLOTS.isDebugEnabled()) {
            SLOTS.debug("get {} from {}: {}", SlotLog.hex(get.target(), 4), source,
                    item == null || item.signature() == null ? "none" : "sig " + SlotLog.hex(item.signature(), 4));
        }
        if (item == null) {
            return new Response.ItemFound(id, closest, token, null, null, null, null);
        }
        if (!item.mutable()) {
            return new Response.ItemFound(id, closest, token, item.value(), null, null, null);
        }
        // BEP44: with seq given, v is returned only if the stored seq is greater
        if (get.seqAbove() == null || item.seq() > get.seqAbove()) {
            return new Response.ItemFound(id, closest, token, item.value(), item.publicKey(), item.signature(),
                    item.seq());
        }
        return new Response.ItemFound(id, closest, token, null, null, null, item.seq());
    }

    private void checkToken(byte[] token, byte[] ip, long now) throws KrpcException {
        if (!tokens.isValid(token, ip, now)) {
            throw new KrpcException(KrpcException.PROTOCOL, "invalid token");
        }
    }

    /** Up to K nodes of each family {@code want} (or the source's family) names: IPv4 first, then IPv6. */
    private List<NodeInfo> closest(byte[] target, Want want, InetSocketAddress source) {
        boolean ipv6Socket = source.getAddress() instanceof Inet6Address;
        Want families = Want.orSocketFamily(want, ipv6Socket);
        List<NodeInfo> nodes = new ArrayList<>(2 * K);
        if (families.n4()) {
            nodes.addAll(ipv6Socket ? otherFamily.apply(target) : ownClosest(target));
        }
        if (families.n6()) {
            nodes.addAll(ipv6Socket ? ownClosest(target) : otherFamily.apply(target));
        }
        return nodes;
    }

    /** @return up to K nodes of our own table closest to {@code target} */
    List<NodeInfo> ownClosest(byte[] target) {
        List<NodeInfo> nodes = table.get().closest(target, K);
        return nodes.size() > K ? nodes.subList(0, K) : nodes;
    }
}
