package io.topictracker.cli.demo;

import io.topictracker.engine.Node;
import io.topictracker.engine.Topic;
import io.topictracker.engine.TopicEvent;
import java.time.Duration;
import java.util.Objects;

/**
 * One node of the demo swarm, its topic handle, and the thread that drains its events into {@link Deliveries}.
 * Started and closed by {@link DemoRun} on its thread; the drain thread only reads the receiver.
 */
final class DemoNode implements AutoCloseable {
    /** How long closing waits for the drain thread to take the events still queued. */
    private static final Duration DRAIN_WAIT = Duration.ofSeconds(2);

    final int index;
    final Node node;
    private Topic topic;
    private Thread drain;
    private volatile long joinStartNanos;

    DemoNode(int index, Node node) {
        this.index = index;
        this.node = Objects.requireNonNull(node, "node");
    }

    /** Joins without waiting and starts draining events; the topic's {@code joined()} says when it has a neighbour. */
    Topic join(String topicName, byte[] secret, Deliveries deliveries) {
        joinStartNanos = System.nanoTime();
        topic = node.joinNoWait(topicName, secret);
        drain = new Thread(() -> drain(deliveries), "demo-node-" + index + "-events");
        drain.setDaemon(true);
        drain.start();
        return topic;
    }

    /** @return when {@link #join} was called, in {@link System#nanoTime()} units */
    long joinStartNanos() {
        return joinStartNanos;
    }

    /** @return the topic handle, null before {@link #join} */
    Topic topic() {
        return topic;
    }

    private void drain(Deliveries deliveries) {
        topic.receiver().stream().forEach(event -> {
            if (event instanceof TopicEvent.Received received) {
                deliveries.received(index, received.author(), node.id(), received.payload());
            } else if (event instanceof TopicEvent.Lagged lagged) {
                deliveries.lagged(lagged.missed());
            }
        });
    }

    /** Closes the topic, which ends the drain thread's stream (bounded wait), then the node. */
    @Override
    public void close() {
        try {
            if (topic != null) {
                topic.close();
            }
            if (drain != null) {
                drain.join(DRAIN_WAIT.toMillis());
                drain.interrupt();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            node.close();
        }
    }
}
