package io.topictracker.engine;

import io.topictracker.api.PeerId;
import java.util.Objects;

/**
 * A Join a topic sent, and who asked for it: what {@link Topic#joinRequests()} reports so an application or a test
 * can tell what connected a peer. Immutable.
 *
 * @param sequence numbers a topic's Joins from 1, in the order sent
 * @param peer who was sent the Join, never null
 * @param source who asked, never null
 */
public record JoinRequest(long sequence, PeerId peer, Source source) {
    /** Who asked for a Join. */
    public enum Source {
        /** The bootstrap loop, joining peers found in records. */
        BOOTSTRAP,
        /** The bubble merge worker: fewer than {@code min_neighbors} neighbours, peers taken from records. */
        BUBBLE_MERGE,
        /** The message-overlap merge worker: records whose message hashes miss all of ours. */
        MESSAGE_OVERLAP_MERGE,
        /** The application, through {@link TopicSender#joinPeers}. */
        APPLICATION,
        /**
         * A record asked us to dial its publisher: the far end of another node's bubble merge, whose own dial may
         * not get through our NAT (PROTOCOL.md §11).
         */
        CONNECT_REQUEST,
        /**
         * The message-overlap merge worker in a topic with no message hashes to compare: the records' neighbour lists
         * show a group of nodes with no link to ours, every one of them with a record read (PROTOCOL.md §11.1).
         */
        SPLIT_MERGE;

        /** @return whether a merge asked: one of the merge workers, or another node's bubble merge through a record */
        public boolean isMerge() {
            return this != BOOTSTRAP && this != APPLICATION;
        }
    }

    public JoinRequest {
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(source, "source");
    }
}
