package io.topictracker.transport.tcp.internal;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event loop groups that the TCP transports of one process share: one group per thread count, created by the first
 * transport that asks for it and shut down when the last one that holds it lets go. A process that hosts many nodes
 * (a test, a benchmark, an application with several identities) thus runs {@code io_threads} loops in all instead of
 * {@code io_threads} per node: 55 nodes with a loop each kept 55 threads waking for their timers and frames on a
 * 2-core machine. The mainline DHT's testnet shares one group among its nodes in the same way.
 *
 * <p>Each transport still owns its channels and closes them itself; the group only runs them. Thread-safe (one lock
 * guards the table; the group is shut down outside it).
 */
final class SharedEventLoops {
    private static final Logger LOG = LoggerFactory.getLogger(SharedEventLoops.class);
    /** Guarded by itself. */
    private static final Map<Integer, Shared> GROUPS = new HashMap<>();

    private SharedEventLoops() {}

    /** A group in use and its holders. */
    private static final class Shared {
        final EventLoopGroup group;
        int holders;

        Shared(EventLoopGroup group) {
            this.group = group;
        }
    }

    /**
     * A transport's hold on a shared group; {@link #release} exactly once.
     *
     * @param group the shared group, never null
     * @param threads its thread count (the key it is shared under)
     * @param shared whether other transports may hold it too (else it is the holder's own, see {@link #own})
     */
    record Lease(EventLoopGroup group, int threads, boolean shared) {
        /**
         * Lets go of the group; the last holder shuts it down and, unless it runs on one of the group's own threads
         * (which would wait for itself), waits up to 10 s for the loops to end.
         */
        void release() {
            if (!shared) {
                shutdown(group);
                return;
            }
            EventLoopGroup last = null;
            synchronized (GROUPS) {
                Shared shared = GROUPS.get(threads);
                if (shared != null && shared.group == group && --shared.holders == 0) {
                    GROUPS.remove(threads);
                    last = group;
                }
            }
            if (last != null) {
                shutdown(last);
            }
        }
    }

    /**
     * @param threads event loop threads of the group, at least 1
     * @param io the IO flavour (the same in one process: {@link IoRuntime#select} depends only on the platform)
     * @return a hold on the process's group of that many threads, new if none is held; never null
     */
    static Lease acquire(int threads, IoRuntime io) {
        synchronized (GROUPS) {
            Shared shared = GROUPS.computeIfAbsent(threads, count -> new Shared(new MultiThreadIoEventLoopGroup(count,
                    new DefaultThreadFactory("tt-tcp-io", true), io.handlers())));
            shared.holders++;
            return new Lease(shared.group, threads, true);
        }
    }

    /**
     * @param threads event loop threads, at least 1
     * @param io the IO flavour
     * @return a group of the caller's own (not shared), released like a shared one; never null
     */
    static Lease own(int threads, IoRuntime io) {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("tt-tcp-own", true),
                io.handlers());
        return new Lease(group, threads, false);
    }

    /** @return groups held now (for tests) */
    static int groupsHeld() {
        synchronized (GROUPS) {
            return GROUPS.size();
        }
    }

    private static void shutdown(EventLoopGroup group) {
        io.netty.util.concurrent.Future<?> terminated = group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        for (EventExecutor executor : group) {
            if (executor.inEventLoop()) {
                return;
            }
        }
        if (!terminated.awaitUninterruptibly(10, TimeUnit.SECONDS)) {
            LOG.warn("tcp transport event loops did not terminate within 10 s");
        }
    }
}
