package io.topictracker.dht.mainline.krpc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.dht.mainline.bencode.Bencode;
import io.topictracker.dht.mainline.bencode.BencodeLimits;
import io.topictracker.dht.mainline.node.Bep42;
import io.topictracker.dht.mainline.routing.NodeInfo;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** BEP32 in the KRPC codec: nodes6, want, 18-byte peers and ip, and BEP42's IPv6 mask. No network. */
class Bep32CodecTest {
    private static final byte[] ID = filled(1);

    private static byte[] filled(int b) {
        byte[] id = new byte[20];
        Arrays.fill(id, (byte) b);
        return id;
    }

    private static NodeInfo node(int b, String ip, int port) {
        return new NodeInfo(filled(b), new InetSocketAddress(ip, port));
    }

    /** Encodes {@code r} as a datagram and reads it back as the peer receiving it does. */
    private static Map<String, Object> overTheWire(Map<String, Object> r) throws KrpcException {
        byte[] datagram = KrpcMessage.response(new byte[] {0, 1}, r, null).encode();
        return KrpcMessage.decode(datagram, 0, datagram.length).body();
    }

    @Test
    void nodesOfBothFamiliesRoundTripInNodesAndNodes6() throws KrpcException {
        List<NodeInfo> nodes = List.of(node(2, "198.51.100.7", 6881), node(3, "2001:db8::7", 6882),
                node(4, "203.0.113.9", 1), node(5, "2001:db8:1:2:3:4:5:6", 65535));
        Map<String, Object> sent = new Response.NodesFound(ID, nodes).values();
        assertEquals(2 * NodeInfo.COMPACT_LENGTH, ((byte[]) sent.get("nodes")).length);
        assertEquals(2 * NodeInfo.COMPACT_LENGTH_V6, ((byte[]) sent.get("nodes6")).length);
        Response.NodesFound read = new Query.FindNode(ID).readResponse(overTheWire(sent));
        // IPv4 first, then IPv6
        assertEquals(List.of(nodes.get(0), nodes.get(2), nodes.get(1), nodes.get(3)), read.nodes());
    }

    @Test
    void anIpv6OnlyAnswerCarriesNoEmptyNodes() {
        Map<String, Object> sent = new Response.NodesFound(ID, List.of(node(3, "::1", 7))).values();
        assertFalse(sent.containsKey("nodes"));
        assertEquals(NodeInfo.COMPACT_LENGTH_V6, ((byte[]) sent.get("nodes6")).length);
        // and an IPv4-only or empty one looks as before BEP32
        assertTrue(new Response.NodesFound(ID, List.of()).values().containsKey("nodes"));
        assertFalse(new Response.NodesFound(ID, List.of()).values().containsKey("nodes6"));
    }

    @Test
    void nodes6OfPartialEntriesIsRefusedNamingTheLength() {
        for (int length : new int[] {1, 37, 39, 2 * 38 + 20}) {
            Map<String, Object> r = new TreeMap<>();
            r.put("id", ID);
            r.put("nodes6", new byte[length]);
            KrpcException e = assertThrows(KrpcException.class, () -> new Query.FindNode(ID).readResponse(r));
            assertEquals(KrpcException.PROTOCOL, e.code());
            assertTrue(e.getMessage().contains("38-byte") && e.getMessage().contains(length + " bytes"),
                    e.getMessage());
        }
        Map<String, Object> notAString = new TreeMap<>(Map.of("id", ID, "nodes6", 5L));
        assertThrows(KrpcException.class, () -> new Query.GetPeers(ID).readResponse(notAString));
    }

    @Test
    void anIpv4MappedAddressInNodes6IsSkipped() throws Exception {
        byte[] entry = new byte[38];
        System.arraycopy(filled(9), 0, entry, 0, 20);
        entry[20 + 10] = (byte) 0xff;
        entry[20 + 11] = (byte) 0xff;
        entry[20 + 12] = (byte) 198; // ::ffff:198.51.100.1 belongs in nodes, not nodes6
        entry[20 + 13] = 51;
        entry[20 + 14] = 100;
        entry[20 + 15] = 1;
        entry[37] = 1;
        Map<String, Object> r = new TreeMap<>(Map.of("id", ID, "nodes6", entry));
        assertEquals(List.of(), new Query.FindNode(ID).readResponse(r).nodes());
    }

    @Test
    void wantRoundTripsInEveryLookupQuery() throws KrpcException {
        for (Want want : new Want[] {Want.BOTH, new Want(false, true), new Want(true, false), null}) {
            assertEquals(want, reparse(new Query.FindNode(ID, want)).want());
            assertEquals(want, reparse(new Query.GetPeers(ID, want)).want());
            assertEquals(want, reparse(new Query.GetItem(ID, 3L, want)).want());
        }
        assertFalse(new Query.FindNode(ID).arguments().containsKey("want"));
    }

    @SuppressWarnings("unchecked")
    private static <Q extends Query<?>> Q reparse(Q query) throws KrpcException {
        Map<String, Object> a = query.arguments();
        a.put("id", ID);
        byte[] datagram = KrpcMessage.query(new byte[] {1}, query.method(), a, false).encode();
        KrpcMessage read = KrpcMessage.decode(datagram, 0, datagram.length);
        return (Q) Query.parse(read.method(), read.body());
    }

    @Test
    void wantReadsN4AndN6IgnoresOtherNamesAndRefusesOtherTypes() throws KrpcException {
        assertEquals(new Want(false, true), parseWant(List.of(bytes("n6"), bytes("n9"))));
        assertEquals(new Want(false, false), parseWant(List.of()));
        assertNull(Want.parse(null));
        for (Object bad : new Object[] {bytes("n4"), 4L, List.of(4L), List.of(bytes("n4"), Map.of()),
                List.of(bytes("a"), bytes("b"), bytes("c"), bytes("d"), bytes("e"), bytes("f"), bytes("g"),
                        bytes("h"), bytes("i"))}) {
            KrpcException e = assertThrows(KrpcException.class, () -> Want.parse(bad));
            assertEquals(KrpcException.PROTOCOL, e.code());
            assertTrue(e.getMessage().contains("want"), e.getMessage());
        }
        // without want, a node answers with its socket's family (BEP32)
        assertEquals(new Want(true, false), Want.orSocketFamily(null, false));
        assertEquals(new Want(false, true), Want.orSocketFamily(null, true));
        assertEquals(Want.BOTH, Want.orSocketFamily(Want.BOTH, false));
    }

    private static Want parseWant(Object value) throws KrpcException {
        return Want.parse(value);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void ipv6PeersAndTheIpFieldAre18Bytes() throws KrpcException {
        InetSocketAddress v6 = new InetSocketAddress("2001:db8::42", 51413);
        InetSocketAddress v4 = new InetSocketAddress("198.51.100.42", 51413);
        byte[] compact6 = NodeInfo.encodeAddress(v6);
        assertEquals(NodeInfo.ADDRESS_LENGTH_V6, compact6.length);
        assertEquals(NodeInfo.ADDRESS_LENGTH, NodeInfo.encodeAddress(v4).length);
        Map<String, Object> sent = new Response.PeersFound(ID, List.of(), new byte[] {7},
                List.of(compact6, NodeInfo.encodeAddress(v4))).values();
        Response.PeersFound read = new Query.GetPeers(ID).readResponse(overTheWire(sent));
        assertEquals(List.of(v6, v4), read.peers().stream().map(NodeInfo::decodeAddress).toList());

        byte[] datagram = KrpcMessage.response(new byte[] {0, 1}, sent, compact6).encode();
        assertArrayEquals(compact6, KrpcMessage.decode(datagram, 0, datagram.length).ip());
        assertNull(NodeInfo.decodeAddress(new byte[7]), "neither 6 nor 18 bytes");
        byte[] mapped = NodeInfo.encodeAddress(v4);
        byte[] mapped18 = new byte[18];
        mapped18[10] = (byte) 0xff;
        mapped18[11] = (byte) 0xff;
        System.arraycopy(mapped, 0, mapped18, 12, 6);
        assertNull(NodeInfo.decodeAddress(mapped18), "an IPv4-mapped address is not an IPv6 peer");
    }

    @Test
    void bep42OverIpv6MasksTheSlash64() throws Exception {
        Random random = new Random(32);
        for (int i = 0; i < 50; i++) {
            byte[] id = Bep42.idFor(InetAddress.getByName("2001:db8:1:2::1"), random);
            assertTrue(Bep42.isValid(id, InetAddress.getByName("2001:db8:1:2::1")));
            // only the first 64 bits count: any interface id in the same /64 matches
            assertTrue(Bep42.isValid(id, InetAddress.getByName("2001:db8:1:2:ffff:ffff:ffff:ffff")));
            // 0x0103070f1f3f7fff keeps the low bits of each byte: 2001:db8:1:3:: differs in a kept bit
            assertFalse(Bep42.isValid(id, InetAddress.getByName("2001:db8:1:3::1")));
        }
        // and ignores masked-out bits: 0x20 & 0x01 = 0, so 2001:: and 2101:: (0x21 & 0x01 = 1) differ, 2201:: not
        byte[] id = Bep42.idFor(InetAddress.getByName("2001:db8::1"), new Random(1));
        assertTrue(Bep42.isValid(id, InetAddress.getByName("2201:db8::1")));
        // unique local (fc00::/7) and link-local addresses are exempt, as BEP42's local IPv4 ranges
        assertTrue(Bep42.isValid(filled(0), InetAddress.getByName("fd00::1")));
        assertTrue(Bep42.isValid(filled(0), InetAddress.getByName("fe80::1")));
        assertTrue(Bep42.isValid(filled(0), InetAddress.getByName("::1")));
    }
}
