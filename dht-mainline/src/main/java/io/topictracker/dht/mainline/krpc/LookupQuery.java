package io.topictracker.dht.mainline.krpc;

/**
 * A query an iterative lookup sends to ever closer nodes (BEP5): each answer names closer nodes.
 *
 * @param <R> the response type
 */
public sealed interface LookupQuery<R extends Response.LookupResponse> extends Query<R>
        permits Query.FindNode, Query.GetPeers, Query.GetItem {

    /** @return the 20-byte id the lookup converges on, never null */
    byte[] target();

    /**
     * @return whether the lookup reads data (get_peers, get), where every storing node's answer matters, rather
     *     than routing (find_node)
     */
    default boolean readsData() {
        return !(this instanceof Query.FindNode);
    }
}
