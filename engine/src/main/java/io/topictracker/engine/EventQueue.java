package io.topictracker.engine;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The bounded event queue behind a {@link TopicReceiver}: a full queue drops its oldest event and counts it, and the
 * count is handed out as one {@link TopicEvent.Lagged} before the next event, as a tokio broadcast receiver reports
 * {@code Lagged(n)} in the Rust crate. Thread-safe: producers (a topic's executor) never block.
 */
final class EventQueue implements TopicReceiver {
    /** Default capacity of a topic's receiver. */
    static final int DEFAULT_CAPACITY = 4096;

    private final int capacity;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition ready = lock.newCondition();
    // guarded by lock
    private final ArrayDeque<TopicEvent> events = new ArrayDeque<>();
    private long missed;
    private final io.topictracker.api.metrics.Metrics.Counter dropped;

    EventQueue(int capacity) {
        this(capacity, io.topictracker.api.metrics.Metrics.none().counter("topictracker.gossip.lagged"));
    }

    /** @param dropped counts each event dropped for a full queue (the sum of the {@code Lagged} counts) */
    EventQueue(int capacity, io.topictracker.api.metrics.Metrics.Counter dropped) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
        }
        this.capacity = capacity;
        this.dropped = Objects.requireNonNull(dropped, "dropped");
    }

    /** Adds an event, dropping the oldest when full. Never blocks. */
    void offer(TopicEvent event) {
        Objects.requireNonNull(event, "event");
        lock.lock();
        try {
            if (events.size() >= capacity) {
                events.pollFirst();
                missed++;
                dropped.increment();
            }
            events.addLast(event);
            ready.signal();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public TopicEvent next(Duration timeout) throws InterruptedException {
        long remaining = timeout.toNanos();
        lock.lockInterruptibly();
        try {
            while (events.isEmpty() && missed == 0) {
                if (remaining <= 0) {
                    return null;
                }
                remaining = ready.awaitNanos(remaining);
            }
            return take();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Optional<TopicEvent> poll() {
        lock.lock();
        try {
            return events.isEmpty() && missed == 0 ? Optional.empty() : Optional.of(take());
        } finally {
            lock.unlock();
        }
    }

    // call holding the lock, with something to take
    private TopicEvent take() {
        if (missed > 0) {
            TopicEvent lagged = new TopicEvent.Lagged(missed);
            missed = 0;
            return lagged;
        }
        return events.pollFirst();
    }

    /** @return events waiting, for tests */
    int size() {
        lock.lock();
        try {
            return events.size();
        } finally {
            lock.unlock();
        }
    }
}
