package io.topictracker.e2e;

import static io.topictracker.e2e.Swarm.SECRET;
import static io.topictracker.e2e.Swarm.TOPIC;
import static io.topictracker.e2e.Swarm.WAIT;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.engine.Node;
import io.topictracker.engine.Topic;
import io.topictracker.engine.TopicEvent;
import io.topictracker.tck.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A topic that loses its last neighbour bootstraps again ({@code [bootstrap] rejoin}) and tells the application.
 * The node under test never publishes a record, so nobody can find it: only its own rejoin brings it back.
 */
class RejoinTest {
    @Test
    void aTopicThatLosesItsLastNeighbourFindsANewOneByItselfAndSaysSo() throws Exception {
        try (Swarm swarm = new Swarm()) {
            Node first = swarm.start("first");
            first.joinNoWait(TOPIC, SECRET); // publishes the record the quiet node finds
            Node quiet = swarm.start("quiet", b -> b.set("publisher.enabled", false)
                    .set("bootstrap.publish_record_on_startup", false)
                    .set("bootstrap.max_bootstrap_records", 0)
                    .set("bootstrap.rejoin_delay", Duration.ofMillis(100)));
            Topic topic = Await.result(quiet.join(TOPIC, SECRET), WAIT);
            List<TopicEvent> seen = new ArrayList<>();

            first.close();
            awaitEvent(topic, TopicEvent.Rejoining.class, seen);

            Node second = swarm.start("second");
            Topic other = second.joinNoWait(TOPIC, SECRET);
            awaitEvent(topic, TopicEvent.Joined.class, seen);
            Await.until(WAIT, "second and quiet are neighbours", () -> other.neighbors().contains(quiet.id()));
            Await.result(other.sender().broadcast("after the rejoin".getBytes(UTF_8)), WAIT);
            TopicEvent.Received received = awaitEvent(topic, TopicEvent.Received.class, seen);
            assertEquals("after the rejoin", new String(received.payload(), UTF_8));
            assertTrue(seen.indexOf(seen.stream().filter(TopicEvent.Rejoining.class::isInstance).findFirst()
                    .orElseThrow()) < seen.indexOf(seen.stream().filter(TopicEvent.Joined.class::isInstance)
                    .findFirst().orElseThrow()), "Rejoining before Joined: " + seen);
        }
    }

    /** @return the first event of {@code type}, every event taken on the way added to {@code seen} */
    private static <T extends TopicEvent> T awaitEvent(Topic topic, Class<T> type, List<TopicEvent> seen)
            throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            TopicEvent event = topic.receiver().next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            if (event == null) {
                break;
            }
            seen.add(event);
            if (type.isInstance(event)) {
                return type.cast(event);
            }
        }
        throw new AssertionError("no " + type.getSimpleName() + " within " + WAIT + "; events: " + seen);
    }
}
