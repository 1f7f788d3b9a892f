package io.topictracker.e2e;

import static io.topictracker.e2e.Swarm.SECRET;
import static io.topictracker.e2e.Swarm.TOPIC;
import static io.topictracker.e2e.Swarm.WAIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.api.PeerAddress;
import io.topictracker.api.TopicId;
import io.topictracker.api.signing.SigningProvider;
import io.topictracker.engine.Node;
import io.topictracker.engine.Topic;
import io.topictracker.engine.config.NodeConfig;
import io.topictracker.engine.provider.ProviderRegistry;
import io.topictracker.engine.TopicStats;
import io.topictracker.engine.records.SlotDerivation;
import io.topictracker.engine.time.UnixMinute;
import io.topictracker.tck.Await;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The rate limit on record puts, and that closing a topic or a node leaves nothing running. */
class LifecycleTest {

    /**
     * Eight nodes arrive one at a time into one minute (the clock stands still), with the publisher worker
     * refreshing every second. The first five publish; the rest find five records of others and skip; and the
     * publisher's refreshes skip too, because the slot already holds the refreshing node's record (a re-put at the
     * shared seq would store nothing new). Without that rule each of the first five would put again whenever it saw
     * fewer than five records of others.
     */
    @Test
    void whileTheSlotHoldsMaxBootstrapRecordsNoNodePutsAnother() {
        CountingDhtProvider counting = new CountingDhtProvider();
        ProviderRegistry registry = ProviderRegistry.builder().discover(getClass().getClassLoader())
                .register(counting).build();
        UnaryOperator<NodeConfig.Builder> publisherEverySecond = b -> b
                .set("publisher.initial_delay", Duration.ofMillis(100))
                .set("publisher.base_interval", Duration.ofSeconds(1))
                .set("publisher.max_jitter", Duration.ofMillis(100));
        try (Swarm swarm = new Swarm().with(registry, CountingDhtProvider.ID)) {
            List<Topic> topics = new ArrayList<>();
            Node first = swarm.start("n0", publisherEverySecond);
            topics.add(first.joinNoWait(TOPIC, SECRET));
            for (int i = 1; i < 8; i++) {
                Node node = swarm.start("n" + i, publisherEverySecond);
                topics.add(Await.result(node.join(TOPIC, SECRET), WAIT));
            }
            Await.result(topics.get(0).joined(), WAIT);
            // At most one publish of the bootstrap per minute; the rest are the publisher worker's.
            Await.until(WAIT, "every node's publisher worker decided at least twice", () -> topics.stream()
                    .allMatch(t -> Await.result(t.stats(), WAIT).records().publishesDecided() >= 3));

            SigningProvider signing = registry.select(SigningProvider.class, Optional.of("ed25519-bc"));
            TopicId topic = TopicId.fromName(TOPIC);
            long minute = UnixMinute.now(swarm.clock);
            String slot = CountingDhtProvider.slot(SlotDerivation.slotKeyPair(signing, topic, minute).publicKey(),
                    SlotDerivation.slotSalt(topic, minute));
            int max = swarm.nodes.get(0).config().bootstrap().maxBootstrapRecords();
            assertEquals(max, counting.putsPerSlot.getOrDefault(slot, new AtomicInteger()).get(),
                    "eight arrivals, one at a time: the first five publish, the rest find the slot full, and no "
                            + "refresh puts again");
            assertEquals(1, counting.putsPerSlot.size(), "the clock stayed in one minute: one slot written");
            for (Topic t : topics) {
                TopicStats.Records records = Await.result(t.stats(), WAIT).records();
                if (records.published() == 1) {
                    assertTrue(records.skippedAlreadyInSlot() >= 2,
                            "a publisher's refreshes found its record in the slot: " + records);
                } else {
                    assertTrue(records.skippedSlotFull() >= 3, "a late arrival always found the slot full: " + records);
                }
            }
        }
    }

    @ParameterizedTest(name = "over {0}")
    @ValueSource(strings = {"tcp", "quic"})
    void closingATopicMidBootstrapAndThenTheNodeLeavesNothingRunning(String transport) throws Exception {
        try (Swarm swarm = new Swarm().transport(transport)) {
            Node node = swarm.start("alone");
            String shortId = node.id().shortText();
            PeerAddress address = node.self().addresses().get(0);
            Topic topic = node.joinNoWait(TOPIC, SECRET); // nobody else: the bootstrap keeps looping
            Await.until(WAIT, "the bootstrap thread runs", () -> Swarm.threadAlive("tt-node-" + shortId + "-bootstrap"));

            topic.close();
            Throwable failure = Await.failure(topic.joined(), WAIT);
            assertInstanceOf(CancellationException.class, failure);
            Await.until(WAIT, "the bootstrap thread ended",
                    () -> !Swarm.threadAlive("tt-node-" + shortId + "-bootstrap"));
            Await.until(WAIT, "no DHT call left in flight", () -> swarm.dhtNetwork.pendingOperations() == 0);
            assertTrue(node.topics().isEmpty(), "a closed topic leaves the node");

            node.close();
            Await.until(WAIT, "no thread of the node left", () -> !Swarm.threadAlive(shortId));
            InetAddress loopback = InetAddress.getByName("127.0.0.1");
            if (transport.equals("quic")) {
                try (DatagramSocket again = new DatagramSocket(address.port(), loopback)) {
                    assertEquals(address.port(), again.getLocalPort(), "the node's UDP port is free again");
                }
            } else {
                try (ServerSocket again = new ServerSocket(address.port(), 50, loopback)) {
                    assertEquals(address.port(), again.getLocalPort(), "the node's TCP port is free again");
                }
            }
        }
    }

    @Test
    void aTopicCanBeJoinedAgainAfterClosingAndANodeRefusesADuplicate() {
        try (Swarm swarm = new Swarm()) {
            Node node = swarm.start("a");
            Topic topic = node.joinNoWait(TOPIC, SECRET);
            Throwable duplicate = Await.failure(node.join(TOPIC, SECRET), WAIT);
            assertInstanceOf(IllegalStateException.class, duplicate);
            topic.close();
            Topic again = node.joinNoWait(TOPIC, SECRET);
            again.close();
            node.close();
            Throwable closed = Await.failure(node.join(TOPIC, SECRET), WAIT);
            assertInstanceOf(IllegalStateException.class, closed);
        }
    }
}
