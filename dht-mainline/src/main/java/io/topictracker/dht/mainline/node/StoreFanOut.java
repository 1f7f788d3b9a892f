package io.topictracker.dht.mainline.node;

import io.topictracker.dht.mainline.krpc.KrpcError;
import io.topictracker.dht.mainline.krpc.Query;
import io.topictracker.dht.mainline.krpc.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The second half of a put or announce (BEP5 announce_peer, BEP44 put): after a lookup collected write tokens, sends
 * the store query to each chosen node with that node's token, and gathers how each answered.
 *
 * <p>Confined to the node's event loop.
 */
final class StoreFanOut {
    private final KrpcSocket socket;
    private final long timeoutNanos;

    /**
     * @param timeoutNanos how long each store query waits: the longest query timeout, since these nodes answered the
     *     lookup just now, and a storing node checks a signature before it answers (a cold one took over the adaptive
     *     250 ms under load), so a slow answer is far likelier than a lost node, and an unanswered store is an
     *     unacknowledged one
     */
    StoreFanOut(KrpcSocket socket, long timeoutNanos) {
        this.socket = socket;
        this.timeoutNanos = timeoutNanos;
    }

    /**
     * @param targets responders that gave a token, not null
     * @param withToken the store query carrying a node's token, not null
     * @return completes once every node answered or failed, never exceptionally
     */
    CompletableFuture<StoreOutcome> storeOn(List<Lookup.Candidate> targets,
            Function<byte[], Query<Response.Stored>> withToken) {
        CompletableFuture<StoreOutcome> done = new CompletableFuture<>();
        List<KrpcError> refusals = new ArrayList<>();
        int[] acknowledged = {0};
        int[] left = {targets.size()};
        if (targets.isEmpty()) {
            done.complete(new StoreOutcome(0, 0, refusals));
            return done;
        }
        Runnable answered = () -> {
            if (--left[0] == 0) {
                done.complete(new StoreOutcome(targets.size(), acknowledged[0], List.copyOf(refusals)));
            }
        };
        for (Lookup.Candidate target : targets) {
            socket.send(target.node().address(), withToken.apply(target.token()), timeoutNanos, new ReplyHandler<>() {
                @Override
                public void onResponse(Response.Stored response) {
                    acknowledged[0]++;
                    answered.run();
                }

                @Override
                public void onError(KrpcError error) {
                    refusals.add(error);
                    answered.run();
                }

                @Override
                public void onFailure(QueryFailure failure) {
                    answered.run();
                }
            });
        }
        return done;
    }
}
