package io.topictracker.gossip.sim;

import java.util.Arrays;

/**
 * The simulator's pending events, earliest first and, at equal times, in the order they were added (so a run is
 * deterministic and each link stays FIFO).
 *
 * <p>A binary min-heap over parallel primitive arrays: an event is a time-and-order key, a kind, two node numbers
 * and one reference (a message or timer), about 20 bytes, where a heap of event records costs about 60. An all-senders
 * run at 5,000 nodes has millions of messages in flight at once.
 *
 * <p>Not thread-safe.
 */
final class VirtualTimeQueue {
    /** Bits of the key holding the insertion order; the time takes the rest. */
    private static final int ORDER_BITS = 36;
    private static final long ORDER_MASK = (1L << ORDER_BITS) - 1;
    /** Latest time representable, in ms (about 37 hours). */
    static final long MAX_TIME = (1L << (63 - ORDER_BITS)) - 1;

    private long[] keys = new long[1024];
    private int[] kinds = new int[1024];
    private int[] nodes = new int[1024];
    private int[] peers = new int[1024];
    private Object[] items = new Object[1024];
    private int size;
    private long order;

    /** Where the event just taken by {@link #poll()} is read from. */
    private long polledTime;
    private int polledKind;
    private int polledNode;
    private int polledPeer;
    private Object polledItem;

    /**
     * @param time when, in ms, 0 to {@link #MAX_TIME}
     * @param kind what kind of event (the caller's numbering)
     * @param node the node it happens at
     * @param peer the other node involved, if any
     * @param item a message or timer, or null
     */
    void add(long time, int kind, int node, int peer, Object item) {
        if (time < 0 || time > MAX_TIME) {
            throw new IllegalArgumentException("event time must be 0-" + MAX_TIME + " ms, got " + time);
        }
        if (order > ORDER_MASK) {
            throw new IllegalStateException("more than 2^" + ORDER_BITS + " events in one simulation");
        }
        if (size == keys.length) {
            int length = size * 2;
            keys = Arrays.copyOf(keys, length);
            kinds = Arrays.copyOf(kinds, length);
            nodes = Arrays.copyOf(nodes, length);
            peers = Arrays.copyOf(peers, length);
            items = Arrays.copyOf(items, length);
        }
        long key = (time << ORDER_BITS) | order++;
        int hole = size++;
        while (hole > 0) {
            int parent = (hole - 1) >>> 1;
            if (keys[parent] <= key) {
                break;
            }
            move(parent, hole);
            hole = parent;
        }
        set(hole, key, kind, node, peer, item);
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** @return the time of the earliest event; the queue must not be empty */
    long peekTime() {
        return keys[0] >>> ORDER_BITS;
    }

    /** Takes the earliest event; read it with the {@code polled*} accessors. The queue must not be empty. */
    void poll() {
        polledTime = keys[0] >>> ORDER_BITS;
        polledKind = kinds[0];
        polledNode = nodes[0];
        polledPeer = peers[0];
        polledItem = items[0];
        size--;
        long key = keys[size];
        int kind = kinds[size];
        int node = nodes[size];
        int peer = peers[size];
        Object item = items[size];
        items[size] = null;
        int hole = 0;
        while (true) {
            int child = 2 * hole + 1;
            if (child >= size) {
                break;
            }
            if (child + 1 < size && keys[child + 1] < keys[child]) {
                child++;
            }
            if (key <= keys[child]) {
                break;
            }
            move(child, hole);
            hole = child;
        }
        if (size > 0) {
            set(hole, key, kind, node, peer, item);
        }
    }

    long polledTime() {
        return polledTime;
    }

    int polledKind() {
        return polledKind;
    }

    int polledNode() {
        return polledNode;
    }

    int polledPeer() {
        return polledPeer;
    }

    Object polledItem() {
        return polledItem;
    }

    private void move(int from, int to) {
        set(to, keys[from], kinds[from], nodes[from], peers[from], items[from]);
    }

    private void set(int at, long key, int kind, int node, int peer, Object item) {
        keys[at] = key;
        kinds[at] = kind;
        nodes[at] = node;
        peers[at] = peer;
        items[at] = item;
    }
}
