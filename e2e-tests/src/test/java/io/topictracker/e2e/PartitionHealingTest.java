package io.topictracker.e2e;

import static io.topictracker.e2e.Swarm.SECRET;
import static io.topictracker.e2e.Swarm.TOPIC;
import static io.topictracker.e2e.Swarm.WAIT;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.api.PeerId;
import io.topictracker.engine.JoinRequest;
import io.topictracker.engine.Node;
import io.topictracker.engine.Topic;
import io.topictracker.tck.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * A swarm cut in two by a DHT partition and a transport partition at once: during the cut the halves are two
 * overlays; once it lifts, the merge workers (BubbleMerge, MessageOverlapMerge) join them again.
 */
class PartitionHealingTest {
    private static final List<String> LEFT = List.of("l0", "l1", "l2");
    private static final List<String> RIGHT = List.of("r0", "r1", "r2");

    @Test
    void aSwarmCutByADhtAndATransportPartitionIsJoinedAgainByTheMergeWorkersOnceItLifts() {
        TransportPartition cut = new TransportPartition();
        try (Swarm swarm = new Swarm().with(PartitionableTransportProvider.registry(cut, "tcp"), "inmemory")) {
            List<Node> nodes = new ArrayList<>();
            Map<PeerId, String> side = new HashMap<>();
            for (String name : concat(LEFT, RIGHT)) {
                // Only a merge worker's Join can cross the lifted cut; the test checks that one did.
                Node node = swarm.start(name, Swarm::onlyWorkersMerge);
                nodes.add(node);
                side.put(node.id(), name.substring(0, 1));
                cut.assign(node.id(), name.substring(0, 1));
            }
            List<Topic> topics = nodes.stream().map(n -> n.joinNoWait(TOPIC, SECRET)).toList();
            topics.forEach(t -> Await.result(t.joined(), WAIT));
            Await.until(WAIT, "one overlay before the cut", () -> Swarm.connected(topics, nodes));
            List<Topic> left = topics.subList(0, 3);
            List<Topic> right = topics.subList(3, 6);

            // The cut: each half keeps a copy of the DHT and cannot connect to the other. The clock then moves two
            // minutes on, so the slots read from now on hold only records published during the cut, in each copy.
            swarm.dhtNetwork.faults().partition(Set.copyOf(LEFT), Set.copyOf(RIGHT));
            cut.split();
            long[] publishedBefore = topics.stream().mapToLong(PartitionHealingTest::published).toArray();
            swarm.clock.advance(Duration.ofMinutes(2));
            if (!Await.within(WAIT, () ->
                    Swarm.settled(left, nodes.subList(0, 3)) && Swarm.settled(right, nodes.subList(3, 6)))) {
                throw new AssertionError("timed out waiting for two overlays, every link inside a half and held by"
                        + " both ends; views: " + views(topics, nodes));
            }
            Await.until(WAIT, "every node published into its half's slot of the new minute", () -> IntStream
                    .range(0, topics.size()).allMatch(i -> published(topics.get(i)) > publishedBefore[i]));

            List<Set<String>> got = received(topics.size());
            Await.result(topics.get(0).sender().broadcast("left only".getBytes(UTF_8)), WAIT);
            Await.result(topics.get(3).sender().broadcast("right only".getBytes(UTF_8)), WAIT);
            Await.until(WAIT, "each half's broadcast reaches the rest of that half", () -> {
                drainAll(topics, got);
                return got.get(1).contains("left only") && got.get(2).contains("left only")
                        && got.get(4).contains("right only") && got.get(5).contains("right only");
            });
            for (int i = 0; i < 3; i++) {
                assertFalse(got.get(i).contains("right only"), "left node " + i + " got a right broadcast");
                assertFalse(got.get(3 + i).contains("left only"), "right node " + i + " got a left broadcast");
            }
            assertTrue(cut.refused() > 0, "the cut closed a link across it or refused a dial or accept across it");

            long[] beforeLift = topics.stream().mapToLong(PartitionHealingTest::lastJoinSequence).toArray();
            cut.lift();
            swarm.dhtNetwork.faults().heal();
            Await.until(WAIT, "one overlay again, every link held by both ends", () -> Swarm.settled(topics, nodes));

            List<String> crossLinksByMerge = new ArrayList<>();
            Set<JoinRequest.Source> crossSources = new HashSet<>();
            for (int i = 0; i < topics.size(); i++) {
                String mySide = side.get(nodes.get(i).id());
                for (JoinRequest join : topics.get(i).joinRequests()) {
                    if (join.sequence() > beforeLift[i] && !mySide.equals(side.get(join.peer()))) {
                        crossSources.add(join.source());
                        if (join.source().isMerge() && topics.get(i).neighbors().contains(join.peer())) {
                            crossLinksByMerge.add(i + " -> " + join.peer().shortText() + " by " + join.source());
                        }
                    }
                }
            }
            assertFalse(crossLinksByMerge.isEmpty(),
                    "a neighbour link across the lifted cut was made by a merge worker's Join; cross Joins came from "
                            + crossSources);
            assertTrue(crossSources.stream().allMatch(JoinRequest.Source::isMerge),
                    "after the lift only merge workers asked to join across: " + crossSources);

            Await.result(topics.get(0).sender().broadcast("healed, from the left".getBytes(UTF_8)), WAIT);
            Await.result(topics.get(3).sender().broadcast("healed, from the right".getBytes(UTF_8)), WAIT);
            for (int i = 0; i < topics.size(); i++) {
                int me = i;
                Set<String> expected = new HashSet<>();
                if (me != 0) {
                    expected.add("healed, from the left");
                }
                if (me != 3) {
                    expected.add("healed, from the right");
                }
                Await.until(WAIT, "node " + i + " gets both broadcasts across the healed cut", () -> {
                    Swarm.drain(topics.get(me), got.get(me));
                    return got.get(me).containsAll(expected);
                });
            }
        }
    }

    /** @return each node's neighbours and its last four Joins, nodes named as in LEFT and RIGHT */
    private static String views(List<Topic> topics, List<Node> nodes) {
        List<String> order = concat(LEFT, RIGHT);
        Map<PeerId, String> names = new HashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            names.put(nodes.get(i).id(), order.get(i));
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < topics.size(); i++) {
            List<String> neighbours = topics.get(i).neighbors().stream()
                    .map(peer -> names.getOrDefault(peer, peer.shortText())).sorted().toList();
            List<JoinRequest> joins = topics.get(i).joinRequests();
            List<String> lastJoins = joins.subList(Math.max(0, joins.size() - 4), joins.size()).stream()
                    .map(join -> names.getOrDefault(join.peer(), join.peer().shortText()) + " by " + join.source())
                    .toList();
            text.append('\n').append(order.get(i)).append(" -> ").append(neighbours).append(", last Joins ")
                    .append(lastJoins);
        }
        return text.toString();
    }

    private static long published(Topic topic) {
        return Await.result(topic.stats(), WAIT).records().published();
    }

    private static long lastJoinSequence(Topic topic) {
        List<JoinRequest> joins = topic.joinRequests();
        return joins.isEmpty() ? 0 : joins.get(joins.size() - 1).sequence();
    }

    private static List<Set<String>> received(int n) {
        return IntStream.range(0, n).mapToObj(i -> (Set<String>) new HashSet<String>()).toList();
    }

    private static void drainAll(List<Topic> topics, List<Set<String>> got) {
        for (int i = 0; i < topics.size(); i++) {
            Swarm.drain(topics.get(i), got.get(i));
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
