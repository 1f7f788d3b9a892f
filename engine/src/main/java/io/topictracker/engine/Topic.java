package io.topictracker.engine;

import io.topictracker.api.PeerId;
import io.topictracker.api.PeerInfo;
import io.topictracker.api.TopicId;
import io.topictracker.engine.gossip.GossipEvent;
import io.topictracker.engine.gossip.net.GossipTopic;
import io.topictracker.engine.records.MessageHash;
import io.topictracker.engine.records.RecordPublisher;
import io.topictracker.engine.topic.JoinLog;
import io.topictracker.engine.topic.TopicRuntime;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The handle of one topic on a {@link Node}: a future that completes when joined, a sender, a receiver, the current
 * neighbours and last message hashes. Behind it run the bootstrap loop and, once joined, the publisher and merge
 * workers. {@link #close()} stops all of them and leaves the overlay. Thread-safe.
 */
public final class Topic implements AutoCloseable {
    private final TopicRuntime runtime;
    private final EventQueue events;
    private final Runnable onClose;
    private final TopicSender sender = new Sender();
    private volatile boolean closed;

    Topic(TopicRuntime.Parts parts, TopicId id, byte[] secret, int queueCapacity, Runnable onClose) {
        this.events = new EventQueue(queueCapacity, parts.meters().lagged);
        this.runtime = new TopicRuntime(parts, id, secret, this::onEvent);
        this.onClose = onClose;
    }

    void start() {
        runtime.start();
    }

    private void onEvent(GossipEvent event) {
        if (event instanceof GossipEvent.NeighborUp up) {
            events.offer(new TopicEvent.NeighborUp(up.peer()));
        } else if (event instanceof GossipEvent.NeighborDown down) {
            events.offer(new TopicEvent.NeighborDown(down.peer()));
        } else if (event instanceof GossipEvent.Received received) {
            events.offer(new TopicEvent.Received(received.author(), received.deliveredFrom(), received.payload()));
        }
    }

    /** @return the topic id, SHA-512(name)[0..32]; never null */
    public TopicId id() {
        return runtime.topic();
    }

    /**
     * @return completes when the topic first has a neighbour; fails with a
     *     {@link java.util.concurrent.CancellationException} if the topic is closed first; never null
     */
    public CompletableFuture<Void> joined() {
        return runtime.joined();
    }

    /** @return the sender, never null */
    public TopicSender sender() {
        return sender;
    }

    /** @return the receiver (one bounded queue per topic), never null */
    public TopicReceiver receiver() {
        return events;
    }

    /** @return the current neighbours (active view), a snapshot; never null */
    public Set<PeerId> neighbors() {
        return runtime.neighbors();
    }

    /** @return the hashes (32 bytes each) of the last 5 messages received or broadcast, newest first; never null */
    public List<byte[]> lastMessageHashes() {
        return runtime.hashes().snapshot().stream().map(MessageHash::toBytes).toList();
    }

    /**
     * @return counters of the records this topic read: accepted, our own, and values that failed to open or verify
     *     (e.g. sealed with another secret); for diagnostics; never null
     */
    public RecordPublisher.Stats recordStats() {
        return runtime.recordStats();
    }

    /**
     * @return the newest Joins this topic sent (at most {@value JoinLog#CAPACITY}), oldest first, each with who asked
     *     for it: the bootstrap, a merge worker or the application; for diagnostics; never null
     */
    public List<JoinRequest> joinRequests() {
        return runtime.joinLog().snapshot().stream().map(entry -> new JoinRequest(entry.sequence(), entry.peer(),
                JoinRequest.Source.valueOf(entry.source().name()))).toList();
    }

    /** @return how many Join/Neighbor/ShuffleReply messages were refused for a bad admission MAC; never null */
    public CompletableFuture<Long> refusedAdmissions() {
        return runtime.gossip().refusedAdmissions();
    }

    /** @return the topic's gossip counters (messages sent by kind, duplicates, deliveries); never null */
    public CompletableFuture<GossipTopic.Counters> gossipCounters() {
        return runtime.gossip().counters();
    }

    /** @return the internals, for the node's tests and metrics */
    TopicRuntime runtime() {
        return runtime;
    }

    /** Stops the bootstrap and workers, cancels DHT calls in flight and leaves the overlay. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            runtime.close();
        } finally {
            onClose.run();
        }
    }

    private final class Sender implements TopicSender {
        @Override
        public CompletableFuture<Void> broadcast(byte[] payload) {
            return send(payload, false);
        }

        @Override
        public CompletableFuture<Void> broadcastNeighbors(byte[] payload) {
            return send(payload, true);
        }

        private CompletableFuture<Void> send(byte[] payload, boolean neighborsOnly) {
            Objects.requireNonNull(payload, "payload");
            if (closed) {
                return CompletableFuture.failedFuture(new IllegalStateException("topic is closed"));
            }
            CompletableFuture<Void> sent = neighborsOnly ? runtime.gossip().broadcastNeighbors(payload)
                    : runtime.gossip().broadcast(payload);
            return sent.thenRun(() -> runtime.hashes().add(payload));
        }

        @Override
        public CompletableFuture<Void> joinPeers(List<PeerInfo> peers) {
            if (closed) {
                return CompletableFuture.failedFuture(new IllegalStateException("topic is closed"));
            }
            return runtime.joinPeers(List.copyOf(peers), JoinLog.Source.APPLICATION);
        }
    }
}
