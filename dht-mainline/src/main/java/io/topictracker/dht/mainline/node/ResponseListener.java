package io.topictracker.dht.mainline.node;

import io.topictracker.dht.mainline.routing.NodeInfo;
import java.util.Map;

/** Sees each response of a lookup as it arrives. Called on the node's event loop; must not block. */
@FunctionalInterface
public interface ResponseListener {
    /** @param from the answering node; @param values its {@code r} dictionary; both never null */
    void onResponse(NodeInfo from, Map<String, Object> values);
}
