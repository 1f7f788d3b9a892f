package io.topictracker.api.transport;

/**
 * Optional for a {@link Transport}: one that implements it is given the engine's {@link NodeView} once, before
 * {@link Transport#start()}. The relay transport uses it to offer relaying only when reachable and only to topic
 * members (issue 15); other transports need not implement it.
 */
public interface NodeAware {
    /** @param view the node's view, not null; kept for the transport's lifetime */
    void attach(NodeView view);
}
