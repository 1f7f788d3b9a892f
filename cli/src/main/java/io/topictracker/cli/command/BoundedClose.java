package io.topictracker.cli.command;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Closes a resource once, on a thread of its own, and waits for it at most a fixed time: a close that hangs (a
 * stuck event loop, a disk that does not answer) must not keep the process from exiting.
 *
 * <p>Thread-safe: the command's thread and a shutdown hook may both call {@link #close()}; the resource's close runs
 * once, and every caller waits until it ends or until the deadline set by the first call.
 */
final class BoundedClose {
    private final Thread closer;
    private final Duration bound;
    private long deadlineNanos;
    private boolean started;

    /**
     * @param close closes the resource, not null
     * @param bound the longest wait, counted from the first {@link #close()}; positive, not null
     * @param threadName the closing thread's name, not null
     */
    BoundedClose(Runnable close, Duration bound, String threadName) {
        this.closer = new Thread(Objects.requireNonNull(close, "close"), threadName);
        this.closer.setDaemon(true); // a close still hanging at the deadline must not keep the JVM alive
        this.bound = Objects.requireNonNull(bound, "bound");
    }

    /**
     * Starts closing (first call only) and waits until the close ends or the bound passes.
     *
     * @return true if the resource's close has ended, false if it was still running at the deadline
     */
    boolean close() {
        long deadline;
        synchronized (this) {
            if (!started) {
                started = true;
                deadlineNanos = System.nanoTime() + bound.toNanos();
                closer.start();
            }
            deadline = deadlineNanos;
        }
        boolean interrupted = false;
        try {
            while (closer.isAlive()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    closer.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                } catch (InterruptedException e) {
                    interrupted = true; // finish the bounded wait: the caller is on its way out anyway
                }
            }
            return true;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** @return the bound given at construction, never null */
    Duration bound() {
        return bound;
    }
}
