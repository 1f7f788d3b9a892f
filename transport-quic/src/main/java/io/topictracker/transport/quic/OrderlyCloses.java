package io.topictracker.transport.quic;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Closes every connection of a live set and waits, up to a bound, until the set is empty: including connections that
 * join it while the closes run. A handshake that finishes while the transport closes registers its connection late
 * (and closes it at once, see {@code QuicTransport.register}); waiting only for the connections there when the close
 * began would let the transport close its UDP socket in the middle of that connection's orderly close, and the peer,
 * having answered our FIN, would wait for a CONNECTION_CLOSE that never comes, until its own bound.
 *
 * <p>Stateless; the set must be safe to iterate while other threads change it (a concurrent set).
 */
final class OrderlyCloses {
    private OrderlyCloses() {}

    /**
     * @param live the connections, those closed possibly still among them for a moment; not null
     * @param close starts one connection's orderly close; idempotent; not null
     * @param closed one connection's close future, completed once it is closed; not null
     * @param bound how long to wait in all, not null
     * @param <C> the connection type
     * @return true if the set became empty within the bound, false if it did not (the caller forces the rest)
     * @throws InterruptedException if the waiting thread is interrupted
     */
    static <C> boolean closeAllAndAwait(Collection<C> live, Consumer<C> close,
            Function<C, CompletableFuture<Void>> closed, Duration bound) throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        while (true) { // ends when the set is empty or the deadline has passed
            // those already closed may still be in the set for a moment: their owner drops them on completion
            List<C> open = live.stream().filter(c -> !closed.apply(c).isDone()).toList();
            if (open.isEmpty()) {
                return true;
            }
            open.forEach(close);
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            try {
                CompletableFuture.allOf(open.stream().map(closed).toArray(CompletableFuture[]::new))
                        .get(left, TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                return false;
            } catch (ExecutionException e) {
                // a connection that failed is closed all the same: look again at what is left
            }
        }
    }
}
