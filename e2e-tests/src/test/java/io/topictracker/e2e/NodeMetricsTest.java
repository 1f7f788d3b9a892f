package io.topictracker.e2e;

import static io.topictracker.e2e.Swarm.SECRET;
import static io.topictracker.e2e.Swarm.TOPIC;
import static io.topictracker.e2e.Swarm.WAIT;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.topictracker.engine.MeterRegistryMetrics;
import io.topictracker.engine.Node;
import io.topictracker.engine.Topic;
import io.topictracker.tck.Await;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Two nodes over TCP counting into one Micrometer registry: joining and a broadcast move the gossip, transport and
 * bootstrap meters of docs/metrics.md, and closing the nodes removes their gauges.
 */
class NodeMetricsTest {
    private static double count(MeterRegistry registry, String name, String... tags) {
        return registry.find(name).tags(tags).counters().stream().mapToDouble(c -> c.count()).sum();
    }

    @Test
    void joiningAndABroadcastMoveTheMeters() {
        MeterRegistry registry = new SimpleMeterRegistry();
        try (Swarm swarm = new Swarm().metrics(MeterRegistryMetrics.of(registry))) {
            Node a = swarm.start("a");
            Node b = swarm.start("b");
            Topic ta = a.joinNoWait(TOPIC, SECRET);
            Topic tb = Await.result(b.join(TOPIC, SECRET), WAIT);
            Await.result(ta.joined(), WAIT);
            Await.result(ta.sender().broadcast("counted".getBytes(UTF_8)), WAIT);
            List<String> atB = new ArrayList<>();
            Await.until(WAIT, "b gets a's broadcast", () -> {
                Swarm.drain(tb, atB);
                return atB.contains("counted");
            });

            assertTrue(count(registry, "topictracker.gossip.messages", "direction", "out", "kind", "join") >= 1);
            assertTrue(count(registry, "topictracker.gossip.messages", "direction", "in", "kind", "join") >= 1);
            assertTrue(count(registry, "topictracker.gossip.messages", "direction", "out", "kind", "gossip") >= 1);
            assertTrue(count(registry, "topictracker.gossip.deliveries") >= 1);
            assertTrue(count(registry, "topictracker.transport.connections.opened", "transport", "tcp",
                    "direction", "out") >= 1);
            assertTrue(count(registry, "topictracker.transport.connections.opened", "transport", "tcp",
                    "direction", "in") >= 1);
            assertTrue(count(registry, "topictracker.transport.bytes", "direction", "out") > 0);
            assertTrue(count(registry, "topictracker.transport.bytes", "direction", "in") > 0);
            assertTrue(registry.find("topictracker.transport.handshake.duration").tag("transport", "tcp").timer()
                    .count() >= 1, "the tcp provider timed its dials through the facade");
            assertTrue(count(registry, "topictracker.bootstrap.lookups") >= 1);
            assertEquals(2, count(registry, "topictracker.bootstrap.joined"), "each node joined once");
            assertEquals(2, registry.find("topictracker.bootstrap.join.duration").timer().count());
            assertTrue(registry.find("topictracker.gossip.neighbors").gauge().value() >= 1);
        }
        assertTrue(registry.find("topictracker.gossip.neighbors").gauges().isEmpty(),
                "closing the nodes removed their gauges");
    }
}
