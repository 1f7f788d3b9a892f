package io.topictracker.e2e;

import static io.topictracker.e2e.Swarm.SECRET;
import static io.topictracker.e2e.Swarm.TOPIC;
import static io.topictracker.e2e.Swarm.WAIT;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.topictracker.api.PeerId;
import io.topictracker.engine.JoinRequest;
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

/**
 * Issue 15, the split the NAT lab's scenario 4 once ended in: a small overlay (a "bubble", fewer neighbours than
 * {@code merge.bubble.min_neighbors}) beside a content one whose nodes sit behind NATs that drop what they did not ask
 * for. The bubble's merge joins cannot get in, no neighbour of the bubble can pass a connection request on (PROTOCOL.md
 * §10: none is shared), and the other overlay has no reason to look; only the connection requests the bubble's
 * records carry (§11) make the far side dial in.
 */
class ConnectRequestInRecordsTest {
    private static final List<String> BUBBLE = List.of("b0", "b1");
    private static final List<String> NATTED = List.of("n0", "n1", "n2");

    /**
     * The NATed nodes stand for an overlay content with its neighbours and no reason to look for others: their bubble
     * merge is off (with it on, one of them a neighbour short would reach for the bubble itself, which tests nothing),
     * and so is their message-overlap merge (whose split check, PROTOCOL.md §11.1, would find this bubble from the
     * records' neighbour lists: that path has its own test, {@code QuietSplitMergeTest}). The bubble's two nodes have
     * one neighbour each, under the default 4. For both, only the topic's workers make Joins across (see
     * {@link Swarm#onlyWorkersMerge}).
     */
    private static NodeConfig.Builder content(NodeConfig.Builder builder) {
        return Swarm.onlyWorkersMerge(builder).set("merge.bubble.enabled", false)
                .set("merge.message_overlap.enabled", false);
    }

    @Test
    void nodesBehindNatsDialABubbleWhoseRecordsAskThemTo() {
        TransportPartition cut = new TransportPartition();
        try (Swarm swarm = new Swarm().with(PartitionableTransportProvider.registry(cut, "tcp"), "inmemory")) {
            List<Node> nodes = new ArrayList<>();
            Set<PeerId> natted = new HashSet<>();
            for (String name : BUBBLE) {
                Node node = swarm.start(name, Swarm::onlyWorkersMerge);
                nodes.add(node);
                cut.assign(node.id(), "b");
            }
            for (String name : NATTED) {
                Node node = swarm.start(name, ConnectRequestInRecordsTest::content);
                nodes.add(node);
                natted.add(node.id());
                cut.assign(node.id(), "n");
            }
            // The two halves start apart (separate DHT copies, no connection across), as after a cut.
            swarm.dhtNetwork.faults().partition(Set.copyOf(BUBBLE), Set.copyOf(NATTED));
            cut.split();
            List<Topic> topics = nodes.stream().map(n -> n.joinNoWait(TOPIC, SECRET)).toList();
            List<Topic> bubble = topics.subList(0, 2);
            List<Topic> nattedTopics = topics.subList(2, 5);
            topics.forEach(t -> Await.result(t.joined(), WAIT));
            Await.until(WAIT, "a bubble of two and an overlay of three", () ->
                    Swarm.settled(bubble, nodes.subList(0, 2)) && Swarm.settled(nattedTopics, nodes.subList(2, 5)));

            // The DHT is whole again; the NATed nodes can dial out, nothing can dial in to them.
            swarm.dhtNetwork.faults().heal();
            int refusedBefore = cut.refused();
            cut.liftBehindNat("n");
            Await.until(WAIT, "the bubble's merge joins the NATed nodes (and is refused)", () ->
                    cut.refused() > refusedBefore && bubble.stream().anyMatch(t -> t.joinRequests().stream()
                            .anyMatch(j -> j.source() == JoinRequest.Source.BUBBLE_MERGE
                                    && natted.contains(j.peer()))));
            // Our record of a minute is written once; the requests ride in the next minute's.
            swarm.clock.advance(Duration.ofMinutes(1));
            Await.until(WAIT, "one overlay, every link held by both ends", () -> Swarm.settled(topics, nodes));

            List<String> dialledBack = new ArrayList<>();
            for (int i = 2; i < topics.size(); i++) {
                for (JoinRequest join : topics.get(i).joinRequests()) {
                    if (join.source() == JoinRequest.Source.CONNECT_REQUEST) {
                        assertFalse(natted.contains(join.peer()), "only the bubble asked: " + join);
                        dialledBack.add(NATTED.get(i - 2) + " -> " + join.peer().shortText());
                    }
                }
            }
            assertFalse(dialledBack.isEmpty(), "a NATed node dialled the bubble because a record asked it to; the NATed"
                    + " nodes' Joins: " + nattedTopics.stream().map(Topic::joinRequests).toList());
        }
    }
}
