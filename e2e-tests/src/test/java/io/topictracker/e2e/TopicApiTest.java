package io.topictracker.e2e;

import static io.topictracker.e2e.Swarm.SECRET;
import static io.topictracker.e2e.Swarm.TOPIC;
import static io.topictracker.e2e.Swarm.WAIT;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.api.TopicId;
import io.topictracker.engine.Node;
import io.topictracker.engine.Topic;
import io.topictracker.engine.TopicEvent;
import io.topictracker.engine.config.NodeConfig;
import io.topictracker.tck.Await;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What the public topic API promises a library user: a receiver that ends, sends that copy, one way to configure. */
class TopicApiTest {

    @Test
    void aBlockedNextReturnsClosedPromptlyWhenTheTopicCloses() throws Exception {
        try (Swarm swarm = new Swarm()) {
            Node node = swarm.start("alone");
            Topic topic = node.joinNoWait(TOPIC, SECRET); // nobody else: no event will come
            CountDownLatch waiting = new CountDownLatch(1);
            CompletableFuture<TopicEvent> answer = CompletableFuture.supplyAsync(() -> {
                waiting.countDown();
                try {
                    return topic.receiver().next(WAIT);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            assertTrue(waiting.await(10, TimeUnit.SECONDS));
            topic.close();
            // well inside WAIT (60 s): the close woke the consumer
            assertInstanceOf(TopicEvent.Closed.class, answer.get(10, TimeUnit.SECONDS));
            assertTrue(topic.receiver().isDrained());
            assertTrue(topic.receiver().stream().findAny().isEmpty(), "a closed receiver's stream is empty");
        }
    }

    @Test
    void closingTheNodeEndsTheReceiversOfItsTopics() throws Exception {
        try (Swarm swarm = new Swarm()) {
            Node node = swarm.start("alone");
            Topic topic = node.joinNoWait(TopicId.fromName(TOPIC), SECRET);
            CompletableFuture<Long> streamed = CompletableFuture.supplyAsync(() -> topic.receiver().stream().count());
            node.close();
            assertEquals(0L, streamed.get(10, TimeUnit.SECONDS), "the stream ended with the node, empty");
        }
    }

    @Test
    void aSendersBufferReusedAtOnceDoesNotChangeWhatWasSentOrItsHash() throws Exception {
        try (Swarm swarm = new Swarm()) {
            Node a = swarm.start("a");
            Node b = swarm.start("b");
            Topic ta = a.joinNoWait(TOPIC, SECRET);
            Topic tb = Await.result(b.join(TOPIC, SECRET), WAIT);
            Await.until(WAIT, "a and b are neighbours",
                    () -> ta.neighbors().contains(b.id()) && tb.neighbors().contains(a.id()));

            byte[] buffer = "first message".getBytes(UTF_8);
            CompletableFuture<Void> sent = ta.sender().broadcast(buffer);
            Arrays.fill(buffer, (byte) 'x'); // the caller reuses its buffer as soon as broadcast returned
            Await.result(sent, WAIT);

            TopicEvent event;
            do {
                event = tb.receiver().next(WAIT);
            } while (event != null && !(event instanceof TopicEvent.Received));
            TopicEvent.Received received = assertInstanceOf(TopicEvent.Received.class, event);
            assertEquals("first message", new String(received.payload(), UTF_8));
            assertEquals(a.id(), received.deliveredFrom());
            assertFalse(received.neighborsOnly());
            assertArrayEquals(tb.lastMessageHashes().get(0), ta.lastMessageHashes().get(0),
                    "the sender recorded the hash of what it sent, not of the reused buffer");
        }
    }

    @Test
    void aNeighboursOnlyBroadcastSaysSoAtTheReceiver() throws Exception {
        try (Swarm swarm = new Swarm()) {
            Node a = swarm.start("a");
            Node b = swarm.start("b");
            Topic ta = a.joinNoWait(TOPIC, SECRET);
            Topic tb = Await.result(b.join(TOPIC, SECRET), WAIT);
            Await.until(WAIT, "a and b are neighbours",
                    () -> ta.neighbors().contains(b.id()) && tb.neighbors().contains(a.id()));
            Await.result(ta.sender().broadcastNeighbors("near".getBytes(UTF_8)), WAIT);
            TopicEvent event;
            do {
                event = tb.receiver().next(WAIT);
            } while (event != null && !(event instanceof TopicEvent.Received));
            TopicEvent.Received received = assertInstanceOf(TopicEvent.Received.class, event);
            assertTrue(received.neighborsOnly());
            assertEquals(a.id(), received.author());
        }
    }

    @Test
    void givingBothAConfigurationAndAConfigurationFileIsAnError() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Node.builder()
                .config(NodeConfig.defaults()).configFile(Path.of("node.toml")).build());
        assertTrue(e.getMessage().contains("not both"), e.getMessage());
    }
}
