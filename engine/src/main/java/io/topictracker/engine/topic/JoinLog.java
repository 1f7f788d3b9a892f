package io.topictracker.engine.topic;

import io.topictracker.api.PeerId;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;

/**
 * The newest Joins a topic sent and which part of it sent each, so tests and metrics can tell what connected a peer
 * (the bootstrap, a merge worker or the application); the node exposes it as {@code io.topictracker.engine.JoinRequest}
 * (this package cannot name that one without a package cycle). Bounded: the oldest entries are dropped. Thread-safe.
 */
public final class JoinLog {
    /** Entries kept. */
    public static final int CAPACITY = 256;

    /** Who asked for a Join. */
    public enum Source {
        /** The bootstrap loop, joining peers found in records. */
        BOOTSTRAP,
        /** BubbleMerge: too few neighbours, peers from records. */
        BUBBLE_MERGE,
        /** MessageOverlapMerge: records whose message hashes miss ours. */
        MESSAGE_OVERLAP_MERGE,
        /** The application, through the topic's sender. */
        APPLICATION,
        /** A record asked us to dial its publisher (PROTOCOL.md §11): the far end of another node's bubble merge. */
        CONNECT_REQUEST,
        /** MessageOverlapMerge in a quiet topic: records whose neighbour lists prove the overlay split. */
        SPLIT_MERGE
    }

    /**
     * One Join sent.
     *
     * @param sequence numbers Joins of this topic from 1, in the order sent
     * @param peer who was sent the Join, never null
     * @param source who asked, never null
     */
    public record Entry(long sequence, PeerId peer, Source source) {
        public Entry {
            Objects.requireNonNull(peer, "peer");
            Objects.requireNonNull(source, "source");
        }
    }

    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    private long sequence;

    synchronized void add(PeerId peer, Source source) {
        if (entries.size() == CAPACITY) {
            entries.removeFirst();
        }
        entries.addLast(new Entry(++sequence, peer, source));
    }

    /** @return the entries kept, oldest first; never null */
    public synchronized List<Entry> snapshot() {
        return List.copyOf(entries);
    }
}
