package io.topictracker.dht.mainline.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.topictracker.dht.mainline.krpc.KrpcException;
import io.topictracker.dht.mainline.krpc.Query;
import io.topictracker.dht.mainline.krpc.Response;
import io.topictracker.dht.mainline.krpc.Want;
import io.topictracker.dht.mainline.routing.NodeInfo;
import io.topictracker.dht.mainline.routing.RoutingTable;
import io.topictracker.dht.mainline.store.ItemStore;
import io.topictracker.dht.mainline.store.PeerStore;
import io.topictracker.dht.mainline.store.TokenIssuer;
import io.topictracker.signing.bc.BouncyCastleEd25519Provider;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * BEP32 {@code want} on the server side: which families' nodes a find_node, get_peers or get is answered with, from
 * this node's table and its sibling's on the other family's socket.
 */
class QueryHandlerWantTest {
    private final NodeInfo v4Node = new NodeInfo(id(2), new InetSocketAddress("198.51.100.2", 6881));
    private final NodeInfo v6Node = new NodeInfo(id(3), new InetSocketAddress("2001:db8::3", 6881));
    private final InetSocketAddress v4Querier = new InetSocketAddress("198.51.100.9", 4000);
    private final InetSocketAddress v6Querier = new InetSocketAddress("2001:db8::9", 4000);
    private final QueryHandler v4Handler = handler(v4Node);
    private final QueryHandler v6Handler = handler(v6Node);

    QueryHandlerWantTest() {
        v4Handler.otherFamily(v6Handler::ownClosest);
        v6Handler.otherFamily(v4Handler::ownClosest);
    }

    private static byte[] id(int b) {
        byte[] id = new byte[20];
        id[0] = (byte) b;
        return id;
    }

    private static QueryHandler handler(NodeInfo known) {
        RoutingTable table = new RoutingTable(id(1), 8, 2);
        table.seen(known, true, 0);
        return new QueryHandler(table, new TokenIssuer(0), new ItemStore(new BouncyCastleEd25519Provider(), 10, 10),
                new PeerStore(10, 10, 10, 4));
    }

    private List<NodeInfo> found(QueryHandler handler, Query<?> query, InetSocketAddress from) throws KrpcException {
        return ((Response.LookupResponse) handler.answer(query, from, 0)).nodes();
    }

    @Test
    void withoutWantTheSocketsOwnFamilyIsAnswered() throws KrpcException {
        assertEquals(List.of(v4Node), found(v4Handler, new Query.FindNode(id(5)), v4Querier));
        assertEquals(List.of(v6Node), found(v6Handler, new Query.FindNode(id(5)), v6Querier));
    }

    @Test
    void wantPicksTheFamiliesFromBothTables() throws KrpcException {
        assertEquals(List.of(v4Node, v6Node), found(v4Handler, new Query.FindNode(id(5), Want.BOTH), v4Querier));
        assertEquals(List.of(v6Node), found(v4Handler, new Query.GetPeers(id(5), new Want(false, true)), v4Querier));
        assertEquals(List.of(v4Node), found(v6Handler, new Query.GetItem(id(5), null, new Want(true, false)),
                v6Querier));
        assertEquals(List.of(), found(v6Handler, new Query.FindNode(id(5), new Want(false, false)), v6Querier));
    }

    @Test
    void aNodeWithoutSiblingAnswersNothingForTheOtherFamily() throws KrpcException {
        QueryHandler alone = handler(v4Node);
        assertEquals(List.of(v4Node), found(alone, new Query.FindNode(id(5), Want.BOTH), v4Querier));
    }
}
