package io.topictracker.engine;

import io.topictracker.api.PeerInfo;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Sends into one topic's overlay. Thread-safe; every method returns at once. */
public interface TopicSender {
    /**
     * Broadcasts to every member of the overlay.
     *
     * @param payload not null; copied
     * @return completes once the protocol took the message; fails with
     *     {@link io.topictracker.api.MessageTooLargeException} when over the gossip
     *     {@code max_message_size}, or with an {@link IllegalStateException} once the topic is closed; never null
     */
    CompletableFuture<Void> broadcast(byte[] payload);

    /** Like {@link #broadcast}, but only to our direct neighbours, who do not forward it. */
    CompletableFuture<Void> broadcastNeighbors(byte[] payload);

    /**
     * Sends a Join to each peer (as the Rust crate's {@code join_peers}).
     *
     * @param peers at most 64, not null
     * @return completes once the protocol took the request; never null
     */
    CompletableFuture<Void> joinPeers(List<PeerInfo> peers);
}
