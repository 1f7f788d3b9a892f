package io.topictracker.stream;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Netty event loop groups that the transports of one process share: one group per transport name and thread
 * count, created by the first transport that asks for it and shut down when the last one that holds it lets go. A
 * process that hosts many nodes (a test, a benchmark, an application with several identities) thus runs a few loops
 * in all instead of a few per node: 55 nodes with loops of their own kept 55 or more threads waking for their timers
 * and packets on a 2-core machine. (The mainline DHT's testnet shares one group among its nodes in the same way.)
 *
 * <p>Each transport still owns its channels and closes them itself (and waits for them); the group only runs them.
 * Transports of different names never share a group (each brings its own IO handler: epoll for TCP, NIO for QUIC's
 * datagram socket). Thread-safe: one lock guards the table; groups are shut down outside it.
 */
public final class SharedEventLoops {
    private static final Logger LOG = LoggerFactory.getLogger(SharedEventLoops.class);
    /** How long the last holder's release waits for the loops to end. */
    private static final long TERMINATION_WAIT_SECONDS = 10;
    /** Guarded by itself. */
    private static final Map<Key, Shared> GROUPS = new HashMap<>();

    private SharedEventLoops() {}

    private record Key(String transport, int threads) {}

    /** A group in use and its holders. */
    private static final class Shared {
        final EventLoopGroup group;
        int holders;

        Shared(EventLoopGroup group) {
            this.group = group;
        }
    }

    /** A transport's hold on an event loop group; {@link #release} exactly once. Thread-safe. */
    public static final class Lease {
        private final EventLoopGroup group;
        /** What the group is shared under; null for a group of the holder's own. */
        private final Key key;

        private Lease(EventLoopGroup group, Key key) {
            this.group = group;
            this.key = key;
        }

        /** @return the group, never null */
        public EventLoopGroup group() {
            return group;
        }

        /** @return whether other transports may run on this group too */
        public boolean shared() {
            return key != null;
        }

        /** @return whether the calling thread is one of the group's loops (which must not wait for the group) */
        public boolean inOneOfItsLoops() {
            for (EventExecutor executor : group) {
                if (executor.inEventLoop()) {
                    return true;
                }
            }
            return false;
        }

        /**
         * Lets go of the group: a group of one's own is shut down at once, a shared one when its last holder lets go.
         * Whoever shuts it down waits up to 10 s for the loops to end, unless it runs on one of them (which would wait
         * for itself).
         */
        public void release() {
            if (key == null) {
                shutdown(this);
                return;
            }
            boolean last = false;
            synchronized (GROUPS) {
                Shared shared = GROUPS.get(key);
                if (shared != null && shared.group == group && --shared.holders == 0) {
                    GROUPS.remove(key);
                    last = true;
                }
            }
            if (last) {
                shutdown(this);
            }
        }
    }

    /**
     * @param transport the transport's name, for the key and the threads' names ({@code tt-<transport>-io-…}); not null
     * @param threads event loop threads of the group, at least 1
     * @param handlers the loops' IO handlers; used only if the group is created now (one process has one IO flavour
     *     per transport); not null
     * @return a hold on the process's group for that transport and thread count, new if none is held; never null
     */
    public static Lease acquire(String transport, int threads, IoHandlerFactory handlers) {
        Objects.requireNonNull(handlers, "handlers");
        Key key = new Key(Objects.requireNonNull(transport, "transport"), requirePositive(threads));
        synchronized (GROUPS) {
            Shared shared = GROUPS.computeIfAbsent(key, k -> new Shared(new MultiThreadIoEventLoopGroup(threads,
                    new DefaultThreadFactory("tt-" + transport + "-io", true), handlers)));
            shared.holders++;
            return new Lease(shared.group, key);
        }
    }

    /**
     * @param transport the transport's name, for the threads' names ({@code tt-<transport>-own-…}); not null
     * @param threads event loop threads, at least 1
     * @param handlers the loops' IO handlers, not null
     * @return a group of the caller's own (not shared), released like a shared one; never null
     */
    public static Lease own(String transport, int threads, IoHandlerFactory handlers) {
        Objects.requireNonNull(transport, "transport");
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(requirePositive(threads),
                new DefaultThreadFactory("tt-" + transport + "-own", true), Objects.requireNonNull(handlers, "handlers"));
        return new Lease(group, null);
    }

    /**
     * @param transport a transport's name, not null
     * @return how many shared groups of that transport are held now (for tests)
     */
    public static int groupsHeld(String transport) {
        synchronized (GROUPS) {
            return (int) GROUPS.keySet().stream().filter(key -> key.transport().equals(transport)).count();
        }
    }

    private static int requirePositive(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("event loop threads must be at least 1, got " + threads);
        }
        return threads;
    }

    private static void shutdown(Lease lease) {
        io.netty.util.concurrent.Future<?> terminated = lease.group().shutdownGracefully(0, 2, TimeUnit.SECONDS);
        if (lease.inOneOfItsLoops()) {
            return;
        }
        if (!terminated.awaitUninterruptibly(TERMINATION_WAIT_SECONDS, TimeUnit.SECONDS)) {
            LOG.warn("transport event loops did not terminate within {} s", TERMINATION_WAIT_SECONDS);
        }
    }
}
