package io.topictracker.dht.mainline.node;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * Joins the network again through the bootstrap nodes while the routing table is empty. BEP5's maintenance (refresh
 * lookups) starts from the table's own nodes, so a node whose bootstrap answers were lost (UDP: one dropped datagram,
 * or a bootstrap node started after it) or whose every node went bad would stay alone for good; on loopback nothing
 * is lost, which is why this only showed between hosts (issue 14). libtorrent does the same from its routers when no
 * node of its table is confirmed ({@code routing_table::need_bootstrap}).
 *
 * <p>Attempts back off from {@code minDelayMillis}, doubling up to {@code maxDelayMillis}, and start over once the
 * table has a node. With no bootstrap nodes (the first node of a network) it never runs.
 *
 * <p>Threading: confined to the node's event loop, like the node; {@link #check()} and {@link #close()} must be called
 * there.
 */
final class Rebootstrap {
    private final EventLoop loop;
    private final IntSupplier tableSize;
    private final Supplier<CompletableFuture<Void>> bootstrapAgain;
    private final Backoff backoff;
    private ScheduledFuture<?> pending;
    private boolean running;
    private boolean closed;

    /**
     * @param loop the node's event loop, not null
     * @param tableSize the routing table's size, read on the loop; not null
     * @param bootstrapAgain one bootstrap from the configured nodes, completing (never failing) when over; null when
     *     there are no bootstrap nodes, which turns this off
     */
    Rebootstrap(EventLoop loop, IntSupplier tableSize, Supplier<CompletableFuture<Void>> bootstrapAgain,
            long minDelayMillis, long maxDelayMillis) {
        this.loop = loop;
        this.tableSize = tableSize;
        this.bootstrapAgain = bootstrapAgain;
        this.backoff = new Backoff(minDelayMillis, maxDelayMillis);
    }

    /** Schedules the next attempt if the table is empty and none is scheduled or running; else resets the backoff. */
    void check() {
        if (closed || bootstrapAgain == null || running || pending != null) {
            return;
        }
        if (tableSize.getAsInt() > 0) {
            backoff.reset();
            return;
        }
        pending = loop.schedule(this::attempt, backoff.next(), TimeUnit.MILLISECONDS);
    }

    private void attempt() {
        pending = null;
        if (closed || tableSize.getAsInt() > 0) {
            backoff.reset();
            return;
        }
        running = true;
        bootstrapAgain.get().whenComplete((r, e) -> loop.execute(() -> {
            running = false;
            check();
        }));
    }

    /** Cancels what is scheduled; no attempt starts afterwards. */
    void close() {
        closed = true;
        if (pending != null) {
            pending.cancel(false);
            pending = null;
        }
    }

    /** Delays that double from a minimum to a maximum. Pure; not thread-safe. */
    static final class Backoff {
        private final long min;
        private final long max;
        private long next;

        /** @param min first delay, at least 1; @param max longest delay, at least {@code min} */
        Backoff(long min, long max) {
            if (min < 1 || max < min) {
                throw new IllegalArgumentException("need 1 <= min <= max, got " + min + ", " + max);
            }
            this.min = min;
            this.max = max;
            this.next = min;
        }

        /** @return the delay before the next attempt; the one after is twice as long, up to the maximum */
        long next() {
            long delay = next;
            next = Math.min(max, next * 2);
            return delay;
        }

        /** Starts over from the minimum. */
        void reset() {
            next = min;
        }
    }
}
