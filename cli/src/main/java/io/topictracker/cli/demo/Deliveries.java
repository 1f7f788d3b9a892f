package io.topictracker.cli.demo;

import io.topictracker.api.PeerId;
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
     * Records that {@code receiver} got {@code payload}; foreign payloads and a node's own messages are ignored.
     *
     * @param receiver the node's index
     * @param author who wrote it, not null
     * @param self the receiving node's id, not null
     * @param payload the bytes received, not null
     */
    public void received(int receiver, PeerId author, PeerId self, byte[] payload) {
        if (author.equals(self)) {
            return; // our own message echoed back is not a delivery
        }
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

    /**
     * @param messages messages sent, message m by node m % nodes
     * @param nodes nodes in the swarm
     * @return up to {@code limit} missing deliveries as {@code "message M (from node A) at node R"}; never null
     */
    public List<String> missing(int messages, int nodes, int limit) {
        List<String> missing = new ArrayList<>();
        for (int m = 0; m < messages && missing.size() < limit; m++) {
            for (int r = 0; r < nodes && missing.size() < limit; r++) {
                if (r != m % nodes && !seen.contains(((long) m << 32) | r)) {
                    missing.add("message " + m + " (from node " + m % nodes + ") at node " + r);
                }
            }
        }
        return missing;
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
