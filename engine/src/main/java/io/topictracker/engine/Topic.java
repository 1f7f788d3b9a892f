package io.topictracker.engine;

import io.topictracker.api.PeerId;
import io.topictracker.api.PeerInfo;
import io.topictracker.api.TopicId;
import io.topictracker.engine.gossip.GossipEvent;
import io.topictracker.engine.records.MessageHash;
import io.topictracker.engine.records.RecordPublisher;
import io.topictracker.engine.topic.JoinLog;
import io.topictracker.engine.topic.TopicMembership;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The handle of one topic on a {@link Node}: a future that completes when joined, a sender, a receiver, the current
 * neighbours and last message hashes. Behind it run the bootstrap loop and, once joined, the publisher and merge
 * workers. {@link #close()} stops all of them and leaves the overlay. Thread-safe.
 *
 * <p>Arguments are never null and results never null unless a method says otherwise.
 */
public final class Topic implements AutoCloseable {
    private final TopicMembership membership;
    private final TopicEventQueue events;
    private final Runnable onClose;
    private final TopicSender sender = new Sender();
    private volatile boolean closed;

    Topic(TopicMembership.Parts parts, TopicId id, byte[] secret, int queueCapacity, Runnable onClose) {
        this.events = new TopicEventQueue(queueCapacity, parts.meters().lagged);
        this.membership = new TopicMembership(parts, id, secret, new TopicMembership.Listener() {
            @Override
            public void gossip(GossipEvent event) {
                onEvent(event);
            }

            @Override
            public void rejoining() {
                events.offer(new TopicEvent.Rejoining());
            }

            @Override
            public void rejoined() {
                events.offer(new TopicEvent.Joined());
            }
        });
        this.onClose = onClose;
    }

    void start() {
        membership.start();
    }

    private void onEvent(GossipEvent event) {
        if (event instanceof GossipEvent.NeighborUp up) {
            events.offer(new TopicEvent.NeighborUp(up.peer()));
        } else if (event instanceof GossipEvent.NeighborDown down) {
            events.offer(new TopicEvent.NeighborDown(down.peer()));
        } else if (event instanceof GossipEvent.NeighborDirect direct) {
            events.offer(new TopicEvent.NeighborDirect(direct.peer()));
        } else if (event instanceof GossipEvent.Received received) {
            events.offer(new TopicEvent.Received(received.author(), received.deliveredFrom(), received.neighborsOnly(),
                    received.payload()));
        }
    }

    /** @return the topic id, SHA-512(name)[0..32]; never null */
    public TopicId id() {
        return membership.topic();
    }

    /**
     * @return completes when the topic first has a neighbour; fails with a
     *     {@link java.util.concurrent.CancellationException} if the topic is closed first; never null
     */
    public CompletableFuture<Void> joined() {
        return membership.joined();
    }

    /** @return the sender, never null */
    public TopicSender sender() {
        return sender;
    }

    /**
     * @return the receiver (one bounded queue per topic); after {@link #close()} it hands out what was queued, then
     *     {@link TopicEvent.Closed}; never null
     */
    public TopicReceiver receiver() {
        return events;
    }

    /** @return the current neighbours (active view), a snapshot; never null */
    public Set<PeerId> neighbors() {
        return membership.neighbors();
    }

    /** @return the hashes (32 bytes each) of the last 5 messages received or broadcast, newest first; never null */
    public List<byte[]> lastMessageHashes() {
        return membership.hashes().snapshot().stream().map(MessageHash::toBytes).toList();
    }

    /**
     * @return the newest Joins this topic sent (at most {@value JoinLog#CAPACITY}), oldest first, each with who asked
     *     for it: the bootstrap, a merge worker or the application; for diagnostics; never null
     */
    public List<JoinRequest> joinRequests() {
        return membership.joinLog().snapshot().stream().map(entry -> new JoinRequest(entry.sequence(), entry.peer(),
                JoinRequest.Source.valueOf(entry.source().name()))).toList();
    }

    /**
     * Reads the topic's diagnostics: neighbours, records, refused admissions and gossip counters, in one snapshot.
     *
     * @return completes with the snapshot (the gossip part is read on the topic's executor); fails with an
     *     {@link IllegalStateException} once the topic is closed; never null
     */
    public CompletableFuture<TopicStats> stats() {
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("topic is closed"));
        }
        RecordPublisher.Stats records = membership.recordStats();
        Map<RecordPublisher.Outcome, Long> outcomes = records.outcomes();
        TopicStats.Records recordStats = new TopicStats.Records(records.accepted(), records.own(),
                records.rejectedTotal(), outcomes.getOrDefault(RecordPublisher.Outcome.PUBLISHED, 0L),
                outcomes.getOrDefault(RecordPublisher.Outcome.SKIPPED_SLOT_FULL, 0L),
                outcomes.getOrDefault(RecordPublisher.Outcome.SKIPPED_ALREADY_IN_SLOT, 0L));
        return membership.gossip().snapshot().thenApply(g -> new TopicStats(g.neighbors(), recordStats,
                g.refusedAdmissions(), new TopicStats.Gossip(g.messagesSent(), g.gossipSent(), g.ihaveSent(),
                        g.graftSent(), g.pruneSent(), g.duplicatesDropped(), g.strangerDropped(), g.delivered(),
                        g.deliveredAfterGraft())));
    }

    /** @return the internals, for the node's tests and metrics */
    TopicMembership membership() {
        return membership;
    }

    /** Stops the bootstrap and workers, cancels DHT calls in flight and leaves the overlay. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            membership.close();
        } finally {
            events.close();
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
            // The caller may reuse its array as soon as we return: everything after this line sees only the copy.
            byte[] copy = payload.clone();
            CompletableFuture<Void> sent = neighborsOnly ? membership.gossip().broadcastNeighbors(copy)
                    : membership.gossip().broadcast(copy);
            return sent.thenRun(() -> membership.hashes().add(copy));
        }

        @Override
        public CompletableFuture<Void> joinPeers(List<PeerInfo> peers) {
            if (closed) {
                return CompletableFuture.failedFuture(new IllegalStateException("topic is closed"));
            }
            return membership.joinPeers(List.copyOf(peers), JoinLog.Source.APPLICATION);
        }
    }
}
