package io.topictracker.engine.topic;

import java.time.Duration;
import java.util.function.BooleanSupplier;

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

    /** Wakes every wait so it checks its condition again: something an {@link #awaitUntil} waits for happened. */
    public void wake() {
        synchronized (monitor) {
            monitor.notifyAll();
        }
    }

    /**
     * Waits up to {@code duration} for {@code ready}, returning early when joined or cancelled. {@code ready} is
     * checked under this signal's monitor, first at once and then after each {@link #wake}; whoever makes it true
     * must call {@link #wake} afterwards (and not while holding a lock {@code ready} takes).
     *
     * @param ready not null; must not block
     * @return whether {@code ready} held when the wait ended
     * @throws InterruptedException if interrupted
     */
    public boolean awaitUntil(BooleanSupplier ready, Duration duration) throws InterruptedException {
        long deadline = System.nanoTime() + duration.toNanos();
        synchronized (monitor) {
            while (!ready.getAsBoolean() && neighbors == 0 && !cancelled) {
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    return false;
                }
                monitor.wait(remaining / 1_000_000, (int) (remaining % 1_000_000));
            }
            return ready.getAsBoolean();
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
