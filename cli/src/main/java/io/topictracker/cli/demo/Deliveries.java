package io.topictracker.cli.demo;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts which demo message reached which node and how long it took. A demo payload is the text
 * {@code tt-demo <message> <sent nanoTime>}; every node runs in this process, so {@link System#nanoTime()} at the
 * sender and at the receiver are comparable. Thread-safe: each node's receiver thread records into it.
 */
public final class Deliveries {
    private static final String PREFIX = "tt-demo ";

    private final Set<Long> seen = ConcurrentHashMap.newKeySet();
    private final List<Double> latencies = new ArrayList<>();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong lagged = new AtomicLong();

    /** @return the payload of message {@code message}, stamped with the current time; never null */
    public static byte[] payload(int message) {
        return (PREFIX + message + " " + System.nanoTime()).getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Records that {@code receiver} got {@code payload}; foreign payloads are ignored.
     *
     * @param receiver the node's index
     * @param payload the bytes received, not null
     */
    public void received(int receiver, byte[] payload) {
        long now = System.nanoTime();
        String text = new String(payload, StandardCharsets.US_ASCII);
        if (!text.startsWith(PREFIX)) {
            return;
        }
        String[] parts = text.substring(PREFIX.length()).split(" ");
        if (parts.length != 2) {
            return;
        }
        int message;
        long sent;
        try {
            message = Integer.parseInt(parts[0]);
            sent = Long.parseLong(parts[1]);
        } catch (NumberFormatException e) {
            return;
        }
        if (!seen.add(((long) message << 32) | receiver)) {
            duplicates.incrementAndGet();
            return;
        }
        synchronized (latencies) {
            latencies.add((now - sent) / 1e6);
        }
    }

    /** Notes that a receiver's queue overflowed and dropped {@code missed} events. */
    public void lagged(long missed) {
        lagged.addAndGet(missed);
    }

    /** @return distinct (message, receiver) pairs so far */
    public int count() {
        return seen.size();
    }

    /** @return a copy of the delivery latencies in milliseconds, never null */
    public List<Double> latenciesMillis() {
        synchronized (latencies) {
            return List.copyOf(latencies);
        }
    }

    /** @return events the receivers' queues dropped */
    public long lagged() {
        return lagged.get();
    }

    /** @return deliveries of a message a node already had (the engine should never report them) */
    public long duplicates() {
        return duplicates.get();
    }
}
