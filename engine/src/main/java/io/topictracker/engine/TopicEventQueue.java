package io.topictracker.engine;

import io.topictracker.api.metrics.Metrics;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * The bounded event queue behind a {@link TopicReceiver}: a full queue drops its oldest event and counts it, and the
 * count is handed out as one {@link TopicEvent.Lagged} before the next event, as a tokio broadcast receiver reports
 * {@code Lagged(n)} in the Rust crate. {@link #close()} lets consumers drain what is queued and then answers
 * {@link TopicEvent.Closed}. Thread-safe: producers (a topic's executor) never block.
 */
final class TopicEventQueue implements TopicReceiver {
    /** Default capacity of a topic's receiver. */
    static final int DEFAULT_CAPACITY = 4096;

    private static final TopicEvent.Closed CLOSED = new TopicEvent.Closed();

    private final int capacity;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition ready = lock.newCondition();
    // guarded by lock
    private final ArrayDeque<TopicEvent> events = new ArrayDeque<>();
    private long missed;
    private boolean closed;
    private final Metrics.Counter dropped;

    TopicEventQueue(int capacity) {
        this(capacity, Metrics.none().counter("topictracker.gossip.lagged"));
    }

    /** @param dropped counts each event dropped for a full queue (the sum of the {@code Lagged} counts) */
    TopicEventQueue(int capacity, Metrics.Counter dropped) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
        }
        this.capacity = capacity;
        this.dropped = Objects.requireNonNull(dropped, "dropped");
    }

    /** Adds an event, dropping the oldest when full; ignored once closed. Never blocks. */
    void offer(TopicEvent event) {
        Objects.requireNonNull(event, "event");
        lock.lock();
        try {
            if (closed) {
                return;
            }
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

    /** Ends the queue: later offers are ignored, queued events stay to be taken, waiting consumers wake. */
    void close() {
        lock.lock();
        try {
            closed = true;
            ready.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public TopicEvent next(Duration timeout) throws InterruptedException {
        long remaining = timeout.toNanos();
        lock.lockInterruptibly();
        try {
            while (nothingQueued() && !closed) {
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
            return nothingQueued() && !closed ? Optional.empty() : Optional.of(take());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Stream<TopicEvent> stream() {
        Iterator<TopicEvent> untilClosed = new Iterator<>() {
            private TopicEvent nextEvent;

            @Override
            public boolean hasNext() {
                if (nextEvent == null) {
                    nextEvent = awaitNext();
                }
                return !(nextEvent instanceof TopicEvent.Closed);
            }

            @Override
            public TopicEvent next() {
                if (!hasNext()) {
                    throw new NoSuchElementException("the topic is closed");
                }
                TopicEvent event = nextEvent;
                nextEvent = null;
                return event;
            }
        };
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(untilClosed,
                Spliterator.ORDERED | Spliterator.NONNULL), false);
    }

    /** Waits without a deadline; an interrupt ends the stream (the flag stays set for the caller to see). */
    private TopicEvent awaitNext() {
        lock.lock();
        try {
            while (nothingQueued() && !closed) {
                ready.await();
            }
            return take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CLOSED;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean isDrained() {
        lock.lock();
        try {
            return closed && nothingQueued();
        } finally {
            lock.unlock();
        }
    }

    // call holding the lock
    private boolean nothingQueued() {
        return events.isEmpty() && missed == 0;
    }

    // call holding the lock, with something queued or the queue closed
    private TopicEvent take() {
        if (missed > 0) {
            TopicEvent lagged = new TopicEvent.Lagged(missed);
            missed = 0;
            return lagged;
        }
        TopicEvent event = events.pollFirst();
        return event != null ? event : CLOSED;
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
