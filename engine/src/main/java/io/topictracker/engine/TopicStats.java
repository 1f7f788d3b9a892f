package io.topictracker.engine;

import io.topictracker.api.PeerId;
import java.util.Objects;
import java.util.Set;

/**
 * One topic's diagnostics, read in one call by {@link Topic#stats()}: a snapshot, immutable and thread-safe. Every
 * count runs from the moment the topic was joined and never goes down; none is negative.
 *
 * @param neighbors the active view when the snapshot was taken; never null
 * @param records what this topic's DHT records did; never null
 * @param refusedAdmissions Join, Neighbor and ShuffleReply messages refused for a bad admission MAC (sent by peers
 *     that do not know the topic secret)
 * @param gossip what the topic's gossip sent, dropped and delivered; never null
 */
public record TopicStats(Set<PeerId> neighbors, Records records, long refusedAdmissions, Gossip gossip) {
    public TopicStats {
        neighbors = Set.copyOf(neighbors);
        Objects.requireNonNull(records, "records");
        Objects.requireNonNull(gossip, "gossip");
    }

    /**
     * The topic's DHT records.
     *
     * @param accepted other publishers' records read that opened and verified (before de-duplication)
     * @param own our own records read back (and dropped)
     * @param rejected values read that failed to open or verify, e.g. sealed under another secret
     * @param published our record stored by at least one DHT node
     * @param skippedSlotFull publishes skipped because the minute's slot already held enough other records
     * @param skippedAlreadyInSlot publishes skipped because the slot already held our record
     */
    public record Records(long accepted, long own, long rejected, long published, long skippedSlotFull,
            long skippedAlreadyInSlot) {
        /** @return every publish decided: published or skipped for either reason */
        public long publishesDecided() {
            return published + skippedSlotFull + skippedAlreadyInSlot;
        }
    }

    /**
     * The topic's gossip (HyParView membership and PlumTree broadcast).
     *
     * @param messagesSent every message sent, of any kind
     * @param gossipSent broadcast payloads pushed eagerly
     * @param ihaveSent IHave announcements (lazy push)
     * @param graftSent Graft messages
     * @param pruneSent Prune messages
     * @param duplicatesDropped broadcasts received again and dropped
     * @param strangerDropped messages dropped for coming from a peer outside the active view
     * @param delivered broadcasts delivered to the application
     * @param deliveredAfterGraft of {@code delivered}, those whose payload arrived after we had sent a Graft for it
     *     (announced by IHave and missing after the graft timeout: PlumTree's lazy path); the rest came by eager push
     */
    public record Gossip(long messagesSent, long gossipSent, long ihaveSent, long graftSent, long pruneSent,
            long duplicatesDropped, long strangerDropped, long delivered, long deliveredAfterGraft) {}
}
