package io.topictracker.engine.topic;

import java.time.Duration;

/**
 * The waits of a topic's bootstrap: each ends when its time is up, when the topic has a neighbour, or when the topic
 * is cancelled, whichever comes first. A monitor rather than a completed future, because "joined" can become false
 * again and a wait must then really wait (no busy loop). Thread-safe.
 */
public final class JoinSignal {
    private final Object monitor = new Object();
    // guarded by monitor
    private int neighbors;
    private boolean cancelled;

    /** A neighbour came up. */
    public void up() {
        synchronized (monitor) {
            neighbors++;
            monitor.notifyAll();
        }
    }

    /** A neighbour went down. */
    public void down() {
        synchronized (monitor) {
            neighbors = Math.max(0, neighbors - 1);
        }
    }

    /** Cancels every present and future wait. */
    public void cancel() {
        synchronized (monitor) {
            cancelled = true;
            monitor.notifyAll();
        }
    }

    /** @return whether there is at least one neighbour */
    public boolean joined() {
        synchronized (monitor) {
            return neighbors > 0;
        }
    }

    /** @return whether {@link #cancel} was called */
    public boolean cancelled() {
        synchronized (monitor) {
            return cancelled;
        }
    }

    /**
     * Waits up to {@code duration}, returning early when joined or cancelled.
     *
     * @throws InterruptedException if interrupted
     */
    public void await(Duration duration) throws InterruptedException {
        long deadline = System.nanoTime() + duration.toNanos();
        synchronized (monitor) {
            while (neighbors == 0 && !cancelled) {
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    return;
                }
                monitor.wait(remaining / 1_000_000, (int) (remaining % 1_000_000));
            }
        }
    }
}
