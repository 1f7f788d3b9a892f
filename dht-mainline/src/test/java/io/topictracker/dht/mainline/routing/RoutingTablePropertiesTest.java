package io.topictracker.dht.mainline.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * The routing table's invariants (BEP5 "Routing Table") over generated sequences of nodes heard from and queries they
 * failed, with small buckets so that splits, full buckets and replacement caches all happen: after every step no
 * bucket holds more than k nodes, our own id is never held, an id is held at most once and keeps its first address,
 * {@code closest} returns the requested number of distinct held nodes ordered by XOR distance, and while no node has
 * failed they are exactly the closest ones. Fixed seeds: the same sequences every run.
 */
class RoutingTablePropertiesTest {
    /** One step: node {@code index} of the run's pool was heard from (or, if {@code failed}, failed a query). */
    private record Step(int index, boolean failed, boolean responded, boolean moved, int target) {}

    /** A run: our id's seed, the bucket size, how many failures remove a node, the steps. */
    private record Run(long seed, int k, int maxFailures, List<Step> steps) {}

    @Test
    void invariantsHoldAfterEveryStep() {
        qt().withFixedSeed(20260403L).withExamples(200).forAll(runs(true))
                .checkAssert(RoutingTablePropertiesTest::check);
    }

    @Test
    void withoutFailuresClosestIsExactlyTheNearestNodes() {
        qt().withFixedSeed(20260404L).withExamples(200).forAll(runs(false))
                .checkAssert(RoutingTablePropertiesTest::check);
    }

    private static void check(Run run) {
        Random random = new Random(run.seed);
        byte[] own = new byte[NodeIds.LENGTH];
        random.nextBytes(own);
        // ids sharing 0..~40 leading bits with ours, so that the deep buckets (the ones that split) fill up too
        List<byte[]> ids = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            ids.add(i == 63 ? own.clone() : NodeIds.randomWithPrefix(own, random.nextInt(i % 4 == 0 ? 40 : 8), random));
        }
        RoutingTable table = new RoutingTable(own, run.k, run.maxFailures);
        Map<String, InetSocketAddress> firstAddress = new HashMap<>();
        boolean anyFailure = false;
        long now = 0;
        for (Step step : run.steps) {
            now += 1000;
            byte[] id = ids.get(step.index % ids.size());
            InetSocketAddress address = new InetSocketAddress("127.0.0." + (1 + step.index % 200),
                    step.moved ? 7000 : 6881);
            NodeInfo node = new NodeInfo(id, address);
            if (step.failed) {
                table.failed(node);
                anyFailure = true;
            } else {
                boolean held = table.nodes().stream().anyMatch(n -> Arrays.equals(n.id(), id));
                RoutingTable.Outcome outcome = table.seen(node, step.responded, now);
                if (Arrays.equals(id, own)) {
                    assertEquals(RoutingTable.Outcome.REJECTED, outcome, "our own id");
                } else if (outcome == RoutingTable.Outcome.ADDED || outcome == RoutingTable.Outcome.UPDATED) {
                    assertTrue(table.contains(node), outcome + " but not held");
                } else if (outcome == RoutingTable.Outcome.CACHED) {
                    assertFalse(table.contains(node), "cached but held");
                }
                if (held && !table.contains(node)) {
                    assertEquals(RoutingTable.Outcome.REJECTED, outcome, "an id held at another address stays there");
                }
            }
            checkTable(table, own, run.k, firstAddress);
            byte[] target = ids.get(step.target % ids.size());
            checkClosest(table, target, 1 + step.target % 12, !anyFailure);
        }
    }

    private static void checkTable(RoutingTable table, byte[] own, int k, Map<String, InetSocketAddress> firstAddress) {
        List<NodeInfo> nodes = table.nodes();
        assertEquals(table.size(), nodes.size());
        assertTrue(table.bucketCount() >= 1 && table.bucketCount() <= NodeIds.LENGTH * 8);
        Set<String> seen = new HashSet<>();
        int[] perBucket = new int[table.bucketCount()];
        for (NodeInfo node : nodes) {
            String id = Arrays.toString(node.id());
            assertTrue(seen.add(id), "an id held twice");
            assertFalse(Arrays.equals(own, node.id()), "our own id is held");
            // BEP5: bucket i holds ids sharing exactly i bits with ours; the last one holds all that share more
            perBucket[Math.min(NodeIds.commonPrefix(own, node.id()), table.bucketCount() - 1)]++;
        }
        for (int count : perBucket) {
            assertTrue(count <= k, "a bucket of " + count + " nodes, k = " + k);
        }
    }

    private static void checkClosest(RoutingTable table, byte[] target, int count, boolean exact) {
        List<NodeInfo> closest = table.closest(target, count);
        List<NodeInfo> all = new ArrayList<>(table.nodes());
        assertEquals(Math.min(count, all.size()), closest.size());
        assertEquals(closest.size(), new HashSet<>(closest).size(), "distinct");
        assertTrue(all.containsAll(closest));
        for (int i = 1; i < closest.size(); i++) {
            assertTrue(NodeIds.compareDistance(target, closest.get(i - 1).id(), closest.get(i).id()) <= 0,
                    "ordered by distance");
        }
        if (exact) {
            all.sort(NodeIds.byDistanceTo(target));
            assertEquals(all.subList(0, closest.size()), closest, "the nearest nodes");
        }
    }

    private static Gen<Run> runs(boolean withFailures) {
        Gen<Step> step = integers().between(0, 1000).zip(booleans().all(), booleans().all(),
                integers().between(0, 1000), (index, responded, moved, target) -> new Step(index,
                        withFailures && index % 5 == 0, responded, moved && index % 7 == 0, target));
        return random -> {
            int length = integers().between(0, 200).generate(random);
            List<Step> steps = new ArrayList<>();
            for (int i = 0; i < length; i++) {
                steps.add(step.generate(random));
            }
            return new Run(longs().all().generate(random), integers().between(1, 4).generate(random),
                    integers().between(1, 3).generate(random), steps);
        };
    }
}
