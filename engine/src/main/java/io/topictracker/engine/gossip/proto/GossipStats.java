package io.topictracker.engine.gossip.proto;

/**
 * Counters of one topic's state machine, for tests, the simulator and metrics. Written on the topic's executor only;
 * reads from other threads may see slightly stale values.
 */
public final class GossipStats {
    private long messagesSent;
    private long gossipSent;
    private long ihaveSent;
    private long graftSent;
    private long optimizationGraftSent;
    private long pruneSent;
    private volatile long joinsRefused;
    private volatile long forgedDropped;
    private volatile long strangerDropped;
    private volatile long duplicatesDropped;
    private volatile long delivered;
    private volatile long deliveredAfterGraft;

    void sent(Message message) {
        messagesSent++;
        if (message instanceof Gossip) {
            gossipSent++;
        } else if (message instanceof Message.IHave) {
            ihaveSent++;
        } else if (message instanceof Message.Graft graft) {
            graftSent++;
            if (graft.id() == null) {
                optimizationGraftSent++;
            }
        } else if (message instanceof Message.Prune) {
            pruneSent++;
        }
    }

    void joinRefused() {
        joinsRefused++;
    }

    void forged() {
        forgedDropped++;
    }

    void stranger() {
        strangerDropped++;
    }

    void duplicate() {
        duplicatesDropped++;
    }

    void deliver() {
        delivered++;
    }

    void deliverAfterGraft() {
        deliveredAfterGraft++;
    }

    /** @return every message sent, of any kind */
    public long messagesSent() {
        return messagesSent;
    }

    /** @return Gossip (payload-carrying) messages sent */
    public long gossipSent() {
        return gossipSent;
    }

    /** @return IHave messages sent */
    public long ihaveSent() {
        return ihaveSent;
    }

    /** @return Graft messages sent */
    public long graftSent() {
        return graftSent;
    }

    /** @return Graft messages sent without an id: tree optimisations (PlumTree §3.8), included in {@link #graftSent} */
    public long optimizationGraftSent() {
        return optimizationGraftSent;
    }

    /** @return Prune messages sent */
    public long pruneSent() {
        return pruneSent;
    }

    /** @return Join, Neighbor or ShuffleReply messages refused for a bad admission MAC or a spoofed sender */
    public long joinsRefused() {
        return joinsRefused;
    }

    /** @return broadcasts dropped because the signature did not verify */
    public long forgedDropped() {
        return forgedDropped;
    }

    /** @return messages dropped because they came from a peer outside the active view */
    public long strangerDropped() {
        return strangerDropped;
    }

    /** @return broadcasts that arrived again after delivery */
    public long duplicatesDropped() {
        return duplicatesDropped;
    }

    /** @return broadcasts delivered to the application */
    public long delivered() {
        return delivered;
    }

    /**
     * @return broadcasts, among {@link #delivered}, whose payload arrived after this node had sent a Graft for them
     *     (PlumTree §3.6: announced by IHave, not received within the graft timeout): the lazy path. The others came
     *     by eager push alone.
     */
    public long deliveredAfterGraft() {
        return deliveredAfterGraft;
    }
}
