package io.topictracker.dht.mainline.node;

import io.topictracker.dht.mainline.krpc.KrpcError;
import io.topictracker.dht.mainline.krpc.Response;

/**
 * Receives the outcome of one query: exactly one of {@link #onResponse}, {@link #onError} and {@link #onFailure},
 * once, on the node's event loop; {@link #onSlow} may come before it. Must not block.
 *
 * @param <R> the response type of the query
 */
public interface ReplyHandler<R extends Response> {
    /** @param response the remote's answer, never null */
    void onResponse(R response);

    /** @param error the remote refused the query, never null */
    void onError(KrpcError error);

    /** @param failure why there is no reply, never null */
    void onFailure(QueryFailure failure);

    /** The query passed its soft (adaptive) timeout; a reply or failure still follows. Default: nothing. */
    default void onSlow() {
    }
}
