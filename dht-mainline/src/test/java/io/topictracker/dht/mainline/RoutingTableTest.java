package io.topictracker.dht.mainline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.dht.mainline.node.DhtNode;
import io.topictracker.dht.mainline.routing.NodeIds;
import io.topictracker.dht.mainline.routing.NodeInfo;
import io.topictracker.dht.mainline.routing.RoutingTable;
import io.topictracker.dht.mainline.routing.RoutingTable.Outcome;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RoutingTableTest {
    private final Random random = new Random(1);
    private final byte[] own = new byte[20];
    private int port = 1000;

    private NodeInfo node(byte[] id) {
        return new NodeInfo(id, new InetSocketAddress("127.0.0.1", port++));
    }

    private NodeInfo nodeWithPrefix(int prefix) {
        return node(NodeIds.randomWithPrefix(own, prefix, random));
    }

    @Test
    void farBucketHoldsKAndCachesTheRest() {
        RoutingTable table = new RoutingTable(own, 8, 2);
        List<NodeInfo> far = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            NodeInfo n = nodeWithPrefix(0);
            far.add(n);
            Outcome outcome = table.seen(n, true, 0);
            assertEquals(i < 8 ? Outcome.ADDED : Outcome.CACHED, outcome, "node " + i);
        }
        assertEquals(8, table.size());
        assertEquals(4, table.replacementCount());
        // after two failures a node is replaced by the most recently cached one
        table.failed(far.get(0));
        assertTrue(table.contains(far.get(0)));
        table.failed(far.get(0));
        assertFalse(table.contains(far.get(0)));
        assertTrue(table.contains(far.get(11)));
        assertEquals(8, table.size());
    }

    /**
     * Unverified ids (BEP42) are admitted like any other, but a verified node that answered us displaces one from a
     * full bucket, and a bad node's place goes to a verified replacement first (libtorrent's
     * dht_prefer_verified_node_ids); a verified node that only queried us, or an unverified one, is cached.
     */
    @Test
    void verifiedIdsArePreferredInAFullBucketAndAmongReplacements() {
        RoutingTable table = new RoutingTable(own, 8, 2);
        List<NodeInfo> unverified = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            NodeInfo n = nodeWithPrefix(0);
            unverified.add(n);
            assertEquals(Outcome.ADDED, table.seen(n, true, false, i), "unverified ids are admitted");
        }
        assertEquals(Outcome.CACHED, table.seen(nodeWithPrefix(0), true, false, 10), "another unverified one waits");
        NodeInfo onlyQueried = nodeWithPrefix(0);
        assertEquals(Outcome.CACHED, table.seen(onlyQueried, false, true, 11), "a query alone proves no address");
        assertFalse(table.contains(onlyQueried));

        NodeInfo verified = nodeWithPrefix(0);
        assertEquals(Outcome.ADDED, table.seen(verified, true, true, 12));
        assertTrue(table.contains(verified));
        assertFalse(table.contains(unverified.get(0)), "the unverified node heard from longest ago made way");
        assertEquals(8, table.size());
        assertEquals(3, table.replacementCount(), "the displaced node waits as a replacement");

        // the most recent replacement is the displaced unverified node, yet the verified one takes a bad node's place
        table.failed(unverified.get(1));
        table.failed(unverified.get(1));
        assertFalse(table.contains(unverified.get(1)));
        assertTrue(table.contains(onlyQueried), "the verified replacement is promoted first");
        assertFalse(table.contains(unverified.get(0)));
        assertEquals(8, table.size());

        // once every node of the bucket is verified, nobody is displaced any more
        for (int i = 2; i < 8; i++) {
            assertEquals(Outcome.ADDED, table.seen(nodeWithPrefix(0), true, true, 20 + i));
            assertFalse(table.contains(unverified.get(i)));
        }
        assertEquals(Outcome.CACHED, table.seen(nodeWithPrefix(0), true, true, 30), "nothing left to displace");
        assertEquals(8, table.size());
    }

    @Test
    void bucketContainingOwnIdSplits() {
        RoutingTable table = new RoutingTable(own, 8, 2);
        for (int prefix = 0; prefix < 6; prefix++) {
            for (int i = 0; i < 8; i++) {
                assertEquals(Outcome.ADDED, table.seen(nodeWithPrefix(prefix), true, 0));
            }
        }
        assertEquals(48, table.size());
        assertTrue(table.bucketCount() >= 6, "buckets: " + table.bucketCount());
    }

    @Test
    void closestIsSortedByXorDistance() {
        RoutingTable table = new RoutingTable(own, 8, 2);
        for (int i = 0; i < 200; i++) {
            byte[] id = new byte[20];
            random.nextBytes(id);
            table.seen(node(id), true, 0);
        }
        byte[] target = new byte[20];
        random.nextBytes(target);
        List<NodeInfo> closest = table.closest(target, 8);
        assertEquals(8, closest.size());
        for (int i = 1; i < closest.size(); i++) {
            assertTrue(NodeIds.compareDistance(target, closest.get(i - 1).id(), closest.get(i).id()) < 0);
        }
        for (NodeInfo other : table.nodes()) {
            if (!closest.contains(other)) {
                assertTrue(NodeIds.compareDistance(target, closest.get(7).id(), other.id()) < 0);
            }
        }
    }

    @Test
    void rejectsOwnIdAndIdAtAnotherAddress() {
        RoutingTable table = new RoutingTable(own, 8, 2);
        assertEquals(Outcome.REJECTED, table.seen(node(own.clone()), true, 0));
        NodeInfo n = nodeWithPrefix(3);
        table.seen(n, true, 0);
        assertEquals(Outcome.REJECTED, table.seen(node(n.id()), true, 0));
        assertEquals(Outcome.UPDATED, table.seen(n, false, 5));
    }

    @Test
    void staleBucketsYieldRefreshTargetsInTheirRange() {
        RoutingTable table = new RoutingTable(own, 8, 2);
        for (int i = 0; i < 20; i++) {
            table.seen(nodeWithPrefix(i % 4), true, 0);
        }
        List<byte[]> targets = table.refreshTargets(RoutingTable.QUESTIONABLE_AFTER_MILLIS + 1,
                RoutingTable.QUESTIONABLE_AFTER_MILLIS, random);
        assertEquals(table.bucketCount(), targets.size());
        assertEquals(0, NodeIds.commonPrefix(own, targets.get(0)));
        assertTrue(table.refreshTargets(RoutingTable.QUESTIONABLE_AFTER_MILLIS + 2,
                RoutingTable.QUESTIONABLE_AFTER_MILLIS, random).isEmpty());
    }

    @Test
    void questionableNodeIsOfferedForPing() {
        RoutingTable table = new RoutingTable(own, 8, 2);
        NodeInfo old = nodeWithPrefix(0);
        table.seen(old, true, 0);
        long later = RoutingTable.QUESTIONABLE_AFTER_MILLIS + 10;
        table.seen(nodeWithPrefix(0), true, later);
        assertEquals(old, table.questionableNear(old.id(), later));
    }

    @Test
    void closestMatchesARankingOfTheWholeTableWithFailingNodesLast() {
        for (int round = 0; round < 20; round++) {
            RoutingTable table = new RoutingTable(own, 8, 2);
            List<NodeInfo> present = new ArrayList<>();
            List<NodeInfo> failing = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                // ids of every prefix length up to 12 shared bits, so the table has many split buckets
                NodeInfo n = nodeWithPrefix(random.nextInt(13));
                table.seen(n, true, 0);
            }
            for (NodeInfo n : table.nodes()) {
                if (random.nextInt(4) == 0) {
                    table.failed(n); // one failure of two allowed: still present, but not healthy
                    failing.add(n);
                } else {
                    present.add(n);
                }
            }
            for (int t = 0; t < 50; t++) {
                byte[] target = t % 2 == 0 ? DhtNode.randomTarget(random)
                        : NodeIds.randomWithPrefix(own, random.nextInt(16), random);
                for (int count : new int[] {1, 8, 16, 200}) {
                    List<NodeInfo> expected = new ArrayList<>(present);
                    expected.sort(NodeIds.byDistanceTo(target));
                    expected = new ArrayList<>(expected.subList(0, Math.min(count, expected.size())));
                    List<NodeInfo> fillers = new ArrayList<>(failing);
                    fillers.sort(NodeIds.byDistanceTo(target));
                    expected.addAll(fillers.subList(0, Math.min(fillers.size(), count - expected.size())));
                    expected.sort(NodeIds.byDistanceTo(target));
                    assertEquals(expected, table.closest(target, count), "round " + round + ", count " + count);
                }
            }
        }
    }
}
