package io.topictracker.dht.mainline.node;

import io.topictracker.dht.mainline.routing.NodeInfo;

/**
 * Sees each response of a lookup as it arrives. Called on the node's event loop; must not block.
 *
 * @param <R> the lookup's response type
 */
@FunctionalInterface
public interface ResponseListener<R> {
    /** @param from the answering node; @param response its answer; both never null */
    void onResponse(NodeInfo from, R response);
}
