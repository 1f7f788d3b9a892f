package io.topictracker.dht.mainline.krpc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.topictracker.api.signing.SigningProvider;
import io.topictracker.dht.mainline.bencode.Bencode;
import io.topictracker.dht.mainline.bencode.BencodeLimits;
import io.topictracker.dht.mainline.node.QueryHandler;
import io.topictracker.dht.mainline.routing.NodeInfo;
import io.topictracker.dht.mainline.routing.RoutingTable;
import io.topictracker.dht.mainline.store.ItemStore;
import io.topictracker.dht.mainline.store.PeerStore;
import io.topictracker.dht.mainline.store.TokenIssuer;
import io.topictracker.signing.bc.BouncyCastleEd25519Provider;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Fuzzes what a node does with one datagram before any IO: {@link KrpcMessage#decode}, the transaction id salvage for
 * the 203 reply, and for a query the {@link QueryHandler} (BEP5 and BEP44 server side) over a small table and stores
 * that already hold a node, a peer and an item, then the encoding of the reply.
 *
 * <p>Allowed outcomes: a {@link KrpcException} with a BEP5/BEP44 error code, or a reply that bencodes and decodes
 * again. Decoded messages must re-encode to the same kind, transaction id, method and body. A query whose
 * {@code token} is the 5 bytes {@code valid} gets a token this node issued to the sender instead, so the fuzzer
 * reaches {@code announce_peer} and {@code put} past the token check.
 *
 * <p>Seeds: {@code src/test/resources/io/topictracker/dht/mainline/krpc/KrpcFuzzTestInputs/datagram/}.
 */
class KrpcFuzzTest {
    private static final SigningProvider SIGNING = new BouncyCastleEd25519Provider();
    private static final InetSocketAddress SENDER = new InetSocketAddress("127.0.0.2", 6881);
    private static final byte[] MAGIC_TOKEN = "valid".getBytes(StandardCharsets.US_ASCII);
    /** Every code a KrpcException may carry: BEP5's 201-204, BEP44's 205-207, 301 and 302. */
    private static final Set<Integer> ERROR_CODES = Set.of(201, 202, 203, 204, 205, 206, 207, 301, 302);
    private static final long NOW = 1_000_000L;

    @FuzzTest(maxDuration = "20s")
    void datagram(byte[] datagram) throws Exception {
        KrpcMessage message;
        try {
            message = KrpcMessage.decode(datagram, 0, datagram.length);
        } catch (KrpcException e) {
            assertEquals(KrpcException.PROTOCOL, e.code(), e.getMessage());
            byte[] tid = KrpcMessage.salvageTransactionId(datagram, 0, datagram.length);
            if (tid != null) {
                assertTrue(tid.length >= 1 && tid.length <= KrpcMessage.MAX_TRANSACTION_ID);
                assertDecodes(KrpcMessage.error(tid, e.code(), e.getMessage()).encode());
            }
            return;
        }
        byte[] reencoded = message.encode();
        if (reencoded.length <= BencodeLimits.KRPC.maxInputLength()) { // encode() adds our "v": a full datagram grows
            KrpcMessage again = KrpcMessage.decode(reencoded, 0, reencoded.length);
            assertEquals(message.kind(), again.kind());
            assertArrayEquals(message.transactionId(), again.transactionId());
            assertEquals(message.method(), again.method());
            assertArrayEquals(Bencode.encode(message.body()), Bencode.encode(again.body()));
        }
        if (message.kind() != KrpcMessage.Kind.QUERY) {
            return;
        }
        Fixture fixture = new Fixture();
        try {
            KrpcMessage query = fixture.withValidToken(message);
            KrpcMessage.id20(query.body(), "id"); // the socket checks the sender's id before the query
            Map<String, Object> r = fixture.handler.answer(Query.parse(query.method(), query.body()), SENDER, NOW)
                    .values();
            assertNotNull(r.get("id"));
            assertDecodes(KrpcMessage.response(message.transactionId(), r,
                    NodeInfo.encodeAddress(SENDER)).encode());
        } catch (KrpcException e) {
            assertTrue(ERROR_CODES.contains(e.code()), "unexpected error code " + e.code() + ": " + e.getMessage());
            assertDecodes(KrpcMessage.error(message.transactionId(), e.code(), e.getMessage()).encode());
        }
    }

    /** What we send must be a message we would accept. */
    private static void assertDecodes(byte[] datagram) throws Exception {
        assertTrue(datagram.length <= BencodeLimits.KRPC.maxInputLength(), "a reply of " + datagram.length + " bytes");
        KrpcMessage.decode(datagram, 0, datagram.length);
    }

    /** A node's server side in a known state: one node in the table, one peer, one immutable item. */
    private static final class Fixture {
        final TokenIssuer tokens = new TokenIssuer(NOW);
        final QueryHandler handler;

        Fixture() throws KrpcException {
            RoutingTable table = new RoutingTable(new byte[20], 8, 2);
            byte[] nodeId = new byte[20];
            Arrays.fill(nodeId, (byte) 0x11);
            table.seen(new NodeInfo(nodeId, new InetSocketAddress("127.0.0.3", 6881)), true, NOW);
            PeerStore peers = new PeerStore(10, 10, 10, 4);
            byte[] infoHash = new byte[20];
            Arrays.fill(infoHash, (byte) 0x22);
            peers.announce(infoHash, new InetSocketAddress("127.0.0.4", 6881), NOW);
            ItemStore items = new ItemStore(SIGNING, 10, 3);
            items.put(Query.PutItem.immutable("stored".getBytes(StandardCharsets.US_ASCII)), "127.0.0.5", NOW);
            handler = new QueryHandler(table, tokens, items, peers);
        }

        KrpcMessage withValidToken(KrpcMessage query) {
            if (!(query.body().get("token") instanceof byte[] token) || !Arrays.equals(token, MAGIC_TOKEN)) {
                return query;
            }
            Map<String, Object> args = new TreeMap<>(query.body());
            args.put("token", tokens.issue(SENDER.getAddress().getAddress(), NOW));
            return KrpcMessage.query(query.transactionId(), query.method(), args, query.readOnly());
        }
    }
}
