package io.topictracker.dht.mainline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.api.ConfigTable;
import io.topictracker.api.dht.DhtContext;
import io.topictracker.api.dht.MutableItem;
import io.topictracker.api.dht.MutableQuery;
import io.topictracker.api.signing.SigningProvider;
import io.topictracker.dht.mainline.krpc.KrpcError;
import io.topictracker.dht.mainline.krpc.Query;
import io.topictracker.dht.mainline.krpc.Response;
import io.topictracker.dht.mainline.krpc.Want;
import io.topictracker.dht.mainline.node.DhtNode;
import io.topictracker.dht.mainline.node.QueryFailure;
import io.topictracker.dht.mainline.node.ReplyHandler;
import io.topictracker.dht.mainline.routing.NodeInfo;
import io.topictracker.signing.bc.BouncyCastleEd25519Provider;
import io.topictracker.tck.Await;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * BEP32 between our own nodes on 127.0.0.1 and ::1: dual-stack nodes run one routing table per family, an IPv6-only
 * and an IPv4-only node meet through them, items and peers cross over, and {@code want} asks for the other family.
 */
class DualStackDhtTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final SigningProvider SIGNING = new BouncyCastleEd25519Provider();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final List<MainlineDht> started = new ArrayList<>();

    @AfterEach
    void closeAll() {
        started.forEach(MainlineDht::close);
        scheduler.shutdownNow();
    }

    private MainlineDht start(Map<String, Object> binds, List<String> bootstrap) {
        Map<String, Object> values = new java.util.HashMap<>(binds);
        values.put("port", 0L);
        values.put("bootstrap", bootstrap);
        MainlineDht dht = (MainlineDht) new MainlineDhtProvider().create(new DhtContext(
                ConfigTable.of("dht.mainline", values), SIGNING, Clock.systemUTC(), scheduler));
        started.add(dht);
        Await.result(dht.start(), WAIT);
        return dht;
    }

    private MainlineDht dualStack(List<String> bootstrap) {
        return start(Map.of("bind_addresses", List.of("127.0.0.1", "::1")), bootstrap);
    }

    private static List<String> bootstrapOf(MainlineDht dht) {
        return dht.localAddresses().stream().map(a -> a.getAddress() instanceof Inet6Address
                ? "[::1]:" + a.getPort() : "127.0.0.1:" + a.getPort()).toList();
    }

    private static boolean hasBothFamilies(List<InetSocketAddress> addresses) {
        return addresses.stream().anyMatch(a -> a.getAddress() instanceof Inet4Address)
                && addresses.stream().anyMatch(a -> a.getAddress() instanceof Inet6Address);
    }

    @Test
    void ipv6OnlyAndIpv4OnlyNodesShareItemsAndPeersThroughDualStackNodes() {
        MainlineDht hub = dualStack(List.of());
        assertEquals(2, hub.localAddresses().size(), "one socket per family: " + hub.localAddresses());
        assertTrue(hasBothFamilies(hub.localAddresses()), hub.localAddresses().toString());
        assertArrayEquals(hub.nodes().get(0).id(), hub.nodes().get(1).id(), "one id in both tables (BEP32)");
        List<MainlineDht> dual = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            dual.add(dualStack(bootstrapOf(hub)));
        }
        MainlineDht v6Only = start(Map.of("bind_address", "::1"), List.of(bootstrapOf(hub).get(1)));
        MainlineDht v4Only = start(Map.of("bind_address", "127.0.0.1"), List.of(bootstrapOf(hub).get(0)));
        assertTrue(v6Only.localAddress().getAddress() instanceof Inet6Address);
        Await.until(WAIT, "the hub's tables hold both families", () ->
                hasBothFamilies(Await.result(hub.routingTableAddresses(), WAIT)));
        assertTrue(Await.result(v6Only.routingTableAddresses(), WAIT).stream()
                .allMatch(a -> a.getAddress() instanceof Inet6Address), "an IPv6 node's table is IPv6 only");

        // put by the IPv6-only node: stored over IPv6; the IPv4-only node finds it through the dual-stack ones,
        // which stored it on their IPv6 tables' side and, as every put, on themselves
        MutableItem item = MutableItem.sign(SIGNING.generate(), bytes("bep32"), 1, bytes("over IPv6"));
        assertTrue(Await.result(v6Only.putMutable(item), WAIT).acknowledged() > 0);
        List<MutableItem> got = new CopyOnWriteArrayList<>();
        Await.result(dual.get(2).getMutable(query(item), got::add), WAIT);
        assertEquals(List.of(item), got, "a dual-stack node gets what an IPv6-only node put");

        // and back: put by the IPv4-only node (its lookup finds only IPv4 nodes), got by the IPv6-only one
        MutableItem back = MutableItem.sign(SIGNING.generate(), bytes("bep32"), 1, bytes("over IPv4"));
        assertTrue(Await.result(v4Only.putMutable(back), WAIT).acknowledged() > 0);
        MutableItem relayed = MutableItem.sign(SIGNING.generate(), bytes("bep32"), 2, bytes("dual put"));
        // a dual-stack put stores on both families' closest nodes
        assertTrue(Await.result(dual.get(0).putMutable(relayed), WAIT).acknowledged() >= 2);
        List<MutableItem> viaV6 = new CopyOnWriteArrayList<>();
        List<MutableItem> viaV4 = new CopyOnWriteArrayList<>();
        Await.result(v6Only.getMutable(query(relayed), viaV6::add), WAIT);
        Await.result(v4Only.getMutable(query(relayed), viaV4::add), WAIT);
        assertEquals(List.of(relayed), viaV6, "the IPv6-only node gets a dual-stack node's put");
        assertEquals(List.of(relayed), viaV4, "and so does the IPv4-only node");

        // BEP32 peers: announced over IPv6 (18-byte compact values), found by a dual-stack node
        byte[] infoHash = new byte[20];
        infoHash[0] = 32;
        assertTrue(Await.result(v6Only.announcePeer(infoHash, 4242), WAIT).acknowledged() > 0);
        List<InetSocketAddress> peers = Await.result(dual.get(1).getPeers(infoHash, Duration.ofSeconds(5)), WAIT);
        assertTrue(peers.contains(new InetSocketAddress("::1", 4242)), "the IPv6 peer: " + peers);
    }

    @Test
    void wantN6OverIpv4IsAnsweredFromTheIpv6Table() {
        MainlineDht hub = dualStack(List.of());
        MainlineDht other = dualStack(bootstrapOf(hub));
        Await.until(WAIT, "the hub knows the other node on both families", () ->
                hasBothFamilies(Await.result(hub.routingTableAddresses(), WAIT)));
        DhtNode ipv4Node = other.nodes().get(0);
        InetSocketAddress hubV4 = hub.localAddresses().get(0);
        assertTrue(hubV4.getAddress() instanceof Inet4Address);

        List<NodeInfo> plain = findNode(ipv4Node, hubV4, null);
        assertTrue(!plain.isEmpty() && plain.stream().noneMatch(NodeInfo::isIpv6), "no want: IPv4 only " + plain);
        List<NodeInfo> wanted = findNode(ipv4Node, hubV4, new Want(false, true));
        assertTrue(!wanted.isEmpty() && wanted.stream().allMatch(NodeInfo::isIpv6), "want n6: nodes6 " + wanted);
        assertTrue(wanted.stream().anyMatch(n -> n.address().equals(other.localAddresses().get(1))),
                "the other node's IPv6 socket, learnt by the hub's IPv6 node: " + wanted);
        assertTrue(hasBothFamilies(findNode(ipv4Node, hubV4, Want.BOTH).stream().map(NodeInfo::address).toList()));
    }

    @Test
    void aDualStackNodeBootstrappedOverIpv4FillsItsIpv6TableThroughWant() {
        MainlineDht hub = dualStack(List.of());
        MainlineDht other = dualStack(bootstrapOf(hub));
        Await.until(WAIT, "the hub knows the other node on both families", () ->
                hasBothFamilies(Await.result(hub.routingTableAddresses(), WAIT)));
        // bootstrapped through the hub's IPv4 socket only: its IPv6 node has no bootstrap node of its own
        MainlineDht late = dualStack(List.of(bootstrapOf(hub).get(0)));
        Await.until(WAIT, "the IPv6 table filled from nodes6 answers to the IPv4 side's want", () ->
                Await.result(late.routingTableAddresses(), WAIT).stream()
                        .anyMatch(a -> a.getAddress() instanceof Inet6Address));
        assertTrue(Await.result(late.routingTableAddresses(), WAIT).stream()
                .filter(a -> a.getAddress() instanceof Inet6Address)
                .allMatch(a -> a.equals(hub.localAddresses().get(1)) || a.equals(other.localAddresses().get(1))),
                "only nodes that answered a ping: " + Await.result(late.routingTableAddresses(), WAIT));
    }

    private static List<NodeInfo> findNode(DhtNode from, InetSocketAddress to, Want want) {
        CompletableFuture<List<NodeInfo>> nodes = new CompletableFuture<>();
        from.query(to, new Query.FindNode(new byte[20], want), new ReplyHandler<>() {
            @Override
            public void onResponse(Response.NodesFound response) {
                nodes.complete(response.nodes());
            }

            @Override
            public void onError(KrpcError error) {
                nodes.completeExceptionally(new AssertionError(error.toString()));
            }

            @Override
            public void onFailure(QueryFailure failure) {
                nodes.completeExceptionally(new AssertionError(failure.toString()));
            }
        });
        return Await.result(nodes, WAIT);
    }

    private static MutableQuery query(MutableItem item) {
        return MutableQuery.of(item.publicKey(), item.salt(), java.util.OptionalLong.empty(), Duration.ofSeconds(5));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
