package io.topictracker.e2e;

import static io.topictracker.e2e.Swarm.SECRET;
import static io.topictracker.e2e.Swarm.TOPIC;
import static io.topictracker.e2e.Swarm.WAIT;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.topictracker.api.PeerId;
import io.topictracker.engine.MeterRegistryMetrics;
import io.topictracker.engine.Node;
import io.topictracker.engine.Topic;
import io.topictracker.engine.config.NodeConfig;
import io.topictracker.tck.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A malicious member (issue 16): it knows the topic secret, joins like anyone and then floods the topic with
 * broadcasts of its own, as fast as it can sign them. Its honest neighbours throttle it, disconnect it once its
 * dropped messages reach {@code flood_disconnect_after} and ban it; every honest member's broadcasts, sent while the
 * flood goes on, reach every other honest member, and the honest members stay one overlay.
 */
class RogueMemberTest {
    private static final int HONEST = 5;
    private static final int EACH = 10;
    private static final int FLOOD = 3000;

    @Test
    @Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
    void aMemberFloodingBroadcastsIsCutOffWhileTheOthersKeepDelivering() {
        MeterRegistry registry = new SimpleMeterRegistry();
        // Bans are each node's own: a registry per honest node tells which of them banned the rogue.
        List<MeterRegistry> registries = new ArrayList<>();
        try (Swarm swarm = new Swarm()) {
            List<Node> nodes = new ArrayList<>();
            List<Topic> topics = new ArrayList<>();
            for (int i = 0; i < HONEST; i++) {
                MeterRegistry own = new SimpleMeterRegistry();
                registries.add(own);
                swarm.metrics(MeterRegistryMetrics.of(new io.micrometer.core.instrument.composite
                        .CompositeMeterRegistry(io.micrometer.core.instrument.Clock.SYSTEM, List.of(registry, own))));
                Node node = swarm.start("honest" + i, RogueMemberTest::strictLimits);
                nodes.add(node);
                topics.add(node.joinNoWait(TOPIC, SECRET));
            }
            swarm.metrics(io.topictracker.api.metrics.Metrics.none());
            Node rogue = swarm.start("rogue"); // its own limits do not matter
            Topic rogueTopic = Await.result(rogue.join(TOPIC, SECRET), WAIT);
            for (Topic topic : topics) {
                Await.result(topic.joined(), WAIT);
            }
            PeerId rogueId = rogue.id();
            Await.until(WAIT, "an honest member takes the rogue as a neighbour",
                    () -> topics.stream().anyMatch(t -> t.neighbors().contains(rogueId)));

            Thread flooder = new Thread(() -> {
                for (int i = 0; i < FLOOD && !Thread.currentThread().isInterrupted(); i++) {
                    rogueTopic.sender().broadcast(("flood " + i).getBytes(UTF_8)); // not awaited: as fast as it can
                }
            }, "rogue-flooder");
            flooder.start();
            try {
                for (int k = 0; k < EACH; k++) {
                    for (int i = 0; i < HONEST; i++) {
                        topics.get(i).sender().broadcast(("honest " + i + " #" + k).getBytes(UTF_8));
                    }
                }
                List<Set<String>> received = new ArrayList<>();
                for (int i = 0; i < HONEST; i++) {
                    received.add(new HashSet<>());
                }
                Await.until(WAIT, "every honest broadcast reaches every other honest member", () -> {
                    boolean all = true;
                    for (int i = 0; i < HONEST; i++) {
                        List<String> payloads = new ArrayList<>();
                        Swarm.drain(topics.get(i), payloads);
                        received.get(i).addAll(payloads);
                        all &= received.get(i).stream().filter(p -> p.startsWith("honest ")).count()
                                == (long) (HONEST - 1) * EACH;
                    }
                    return all;
                });
                Await.until(WAIT, "the rogue is disconnected for flooding",
                        () -> counter(registry, "topictracker.gossip.flood.disconnects") >= 1);
                Await.until(WAIT, "no honest member keeps the rogue as a neighbour",
                        () -> topics.stream().noneMatch(t -> t.neighbors().contains(rogueId)));
                assertTrue(counter(registry, "topictracker.gossip.throttled", "kind", "broadcast") > 0,
                        "the rogue's broadcasts over the rate were dropped");
                long floodSeen = received.stream().mapToLong(r -> r.stream().filter(p -> p.startsWith("flood "))
                        .count()).max().orElse(0);
                assertTrue(floodSeen < FLOOD, "no honest member took the whole flood: the most was " + floodSeen);
                Await.until(WAIT, "the honest members form one overlay",
                        () -> Swarm.connected(topics, nodes));
                // A member that banned the rogue never takes it back; one that never saw its flood may (until the
                // flood reaches it too), so only the banning members are checked.
                List<Integer> banning = new ArrayList<>();
                for (int i = 0; i < HONEST; i++) {
                    if (counter(registries.get(i), "topictracker.gossip.flood.disconnects") >= 1) {
                        banning.add(i);
                        assertFalse(topics.get(i).neighbors().contains(rogueId),
                                "banned by honest" + i + ": not taken back");
                    }
                }
                assertFalse(banning.isEmpty(), "some honest member banned the rogue");
            } finally {
                flooder.interrupt();
                try {
                    flooder.join(WAIT.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /** Small limits so the flood trips them within a few hundred messages. */
    private static NodeConfig.Builder strictLimits(NodeConfig.Builder builder) {
        return builder.set("gossip.max_broadcasts_per_second_per_peer", 50L)
                .set("gossip.flood_disconnect_after", 50L)
                .set("gossip.flood_ban", Duration.ofMinutes(10));
    }

    private static double counter(MeterRegistry registry, String name, String... tags) {
        return registry.find(name).tags(tags).counters().stream().mapToDouble(c -> c.count()).sum();
    }
}
