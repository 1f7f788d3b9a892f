package io.topictracker.dht.mainline.node;

import io.topictracker.dht.mainline.krpc.KrpcMessage;

/** Receives the outcome of one query. Called on the node's event loop, exactly once per query. */
public interface ReplyHandler {
    /** @param reply a response or an error message, never null */
    void onReply(KrpcMessage reply);

    /** @param reason why there is no reply (timeout, closed, overloaded), never null */
    void onFailure(String reason);

    /** The query passed its soft (adaptive) timeout; a reply or failure still follows. Default: nothing. */
    default void onSlow() {
    }
}
