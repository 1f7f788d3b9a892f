package io.topictracker.engine.gossip.net;

import io.topictracker.api.PeerId;
import io.topictracker.api.PeerInfo;
import io.topictracker.api.MessageTooLargeException;
import io.topictracker.engine.gossip.proto.Input;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The handle of one joined topic on a {@link GossipNode}. Thread-safe; every method returns at once.
 */
public final class GossipTopic implements AutoCloseable {
    private final TopicRunner runner;
    private final int maxMessageSize;
    private final Runnable onClose;

    GossipTopic(TopicRunner runner, int maxMessageSize, Runnable onClose) {
        this.runner = runner;
        this.maxMessageSize = maxMessageSize;
        this.onClose = onClose;
    }

    /**
     * Broadcasts to the whole overlay.
     *
     * @param payload not null; from now on owned by the gossip: the caller must not change it (the public
     *     {@code Topic} hands over a copy)
     * @return completes once handed to the protocol; fails with {@link MessageTooLargeException} when over
     *     {@code max_message_size} (nothing is sent); never null
     */
    public CompletableFuture<Void> broadcast(byte[] payload) {
        return send(payload, false);
    }

    /** Like {@link #broadcast} but only to our direct neighbours, who do not forward it. */
    public CompletableFuture<Void> broadcastNeighbors(byte[] payload) {
        return send(payload, true);
    }

    private CompletableFuture<Void> send(byte[] payload, boolean neighborsOnly) {
        Objects.requireNonNull(payload, "payload");
        if (payload.length > maxMessageSize) {
            return CompletableFuture.failedFuture(new MessageTooLargeException(payload.length, maxMessageSize));
        }
        return runner.submit(neighborsOnly ? new Input.BroadcastNeighbors(payload) : new Input.Broadcast(payload));
    }

    /** Sends a Join to each peer (at most 64). @return completes once handed to the protocol; never null */
    public CompletableFuture<Void> joinPeers(List<PeerInfo> peers) {
        return runner.submit(new Input.JoinPeers(peers));
    }

    /** @return a snapshot of the active view, read on the topic's executor; never null */
    public CompletableFuture<Set<PeerId>> neighbors() {
        return runner.query(state -> Set.copyOf(state.activeView()));
    }

    /** @return a snapshot of the active view with each peer's addresses, read on the topic's executor; never null */
    public CompletableFuture<List<PeerInfo>> neighborInfos() {
        return runner.query(state -> List.copyOf(state.activePeers()));
    }

    /**
     * What one topic's gossip knows, read on the topic's executor in one step; counts run from the join.
     *
     * @param neighbors the active view; never null
     * @param refusedAdmissions Join, Neighbor or ShuffleReply messages refused for a bad admission MAC
     * @param messagesSent every message sent, of any kind
     * @param gossipSent broadcast payload messages (eager push)
     * @param ihaveSent IHave (lazy push) messages
     * @param graftSent Graft messages
     * @param pruneSent Prune messages
     * @param duplicatesDropped broadcasts received again
     * @param strangerDropped messages dropped for coming from a peer outside the active view
     * @param delivered broadcasts delivered to the application
     */
    public record Snapshot(Set<PeerId> neighbors, long refusedAdmissions, long messagesSent, long gossipSent,
            long ihaveSent, long graftSent, long pruneSent, long duplicatesDropped, long strangerDropped,
            long delivered) {}

    /** @return a snapshot of the view and counters; never null */
    public CompletableFuture<Snapshot> snapshot() {
        return runner.query(state -> {
            var s = state.stats();
            return new Snapshot(Set.copyOf(state.activeView()), s.joinsRefused(), s.messagesSent(), s.gossipSent(),
                    s.ihaveSent(), s.graftSent(), s.pruneSent(), s.duplicatesDropped(), s.strangerDropped(),
                    s.delivered());
        });
    }

    /**
     * Leaves the topic, telling the neighbours. Idempotent. The topic is unregistered from its node before this
     * returns, so the same topic can be joined again at once; the old runner finishes its goodbyes on its own
     * executor (frames that still arrive for the topic go to the new runner, which treats them as from strangers).
     */
    @Override
    public void close() {
        onClose.run();
        runner.close();
    }
}
