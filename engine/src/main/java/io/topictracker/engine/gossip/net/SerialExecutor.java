package io.topictracker.engine.gossip.net;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one at a time, in submission order, on a shared executor: each topic's state machine lives on one of
 * these, so protocol code needs no locks. The queue is bounded; a task over the bound is refused. A task that throws
 * is logged and the next one runs: one bad input must not silence the topic for good (the pool would swallow the
 * exception and this executor would stay marked as running with nobody draining it). Thread-safe.
 */
final class SerialExecutor implements Executor {
    private static final Logger LOG = LoggerFactory.getLogger(SerialExecutor.class);
    private final Executor pool;
    private final int capacity;
    private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
    private boolean running;

    SerialExecutor(Executor pool, int capacity) {
        this.pool = pool;
        this.capacity = capacity;
    }

    /** @throws RejectedExecutionException when {@code capacity} tasks are already waiting */
    @Override
    public void execute(Runnable task) {
        if (enqueue(task)) {
            pool.execute(this::drain);
        }
    }

    /**
     * Like {@link #execute}, for a caller that already runs on a thread of the pool (a timer the pool's scheduler
     * fired): when no task is queued or running, the task and whatever queues behind it run here at once, as they
     * would have after a hand-off to the pool, but without waking another pool thread for it (in a process of 55
     * nodes, timers fired ~100 times per broadcast, each a wake-up and a context switch; issue 18). Calling it from
     * any other thread would run the task on that thread: don't.
     *
     * @throws RejectedExecutionException when {@code capacity} tasks are already waiting
     */
    void executeOnPoolThread(Runnable task) {
        if (enqueue(task)) {
            drain();
        }
    }

    /**
     * Queues the task; returns true when nothing was draining, so the caller must start a drain.
     *
     * @throws RejectedExecutionException when {@code capacity} tasks are already waiting
     */
    private boolean enqueue(Runnable task) {
        synchronized (queue) {
            if (queue.size() >= capacity) {
                throw new RejectedExecutionException("topic queue full (" + capacity + " tasks)");
            }
            queue.add(task);
            if (running) {
                return false;
            }
            running = true;
            return true;
        }
    }

    private void drain() {
        // Runs a bounded batch, then yields the pool thread so one busy topic cannot starve the others.
        for (int i = 0; i < 256; i++) {
            Runnable next;
            synchronized (queue) {
                next = queue.poll();
                if (next == null) {
                    running = false;
                    return;
                }
            }
            try {
                next.run();
            } catch (RuntimeException e) {
                LOG.error("a task of a topic's executor failed; the topic goes on with the next one", e);
            }
        }
        pool.execute(this::drain);
    }
}
