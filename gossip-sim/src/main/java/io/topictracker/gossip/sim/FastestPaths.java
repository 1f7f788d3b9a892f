package io.topictracker.gossip.sim;

import java.util.Arrays;

/**
 * The hop counts of the fastest paths from one node across a snapshot of the overlay's links: the last delivery hop a
 * message would have if it travelled its own author's fastest paths (what flooding every link achieves, or a
 * per-author PlumTree tree after it has settled). The simulator reports it beside the measured LDH, so the cost of
 * PlumTree's one tree shared by all authors can be read off.
 *
 * <p>Dijkstra over (latency, hops): among equally fast paths the one with fewer hops counts. Not thread-safe; one
 * instance is reused for every query on the same snapshot.
 */
final class FastestPaths {
    /** A heap key packs (distance, hops, node), so comparing keys compares paths: node numbers below 2^20. */
    private static final int NODE_BITS = 20;
    private static final long NODE_MASK = (1L << NODE_BITS) - 1;
    private static final int HOP_SHIFT = NODE_BITS;
    private static final long HOP_MASK = (1L << 16) - 1;
    private static final int DIST_SHIFT = HOP_SHIFT + 16;

    /** Latency of a link, in ms, at least 1. */
    interface Latency {
        int between(int a, int b);
    }

    private final int[][] links;
    private final Latency latency;
    private final long[] distance;
    private final int[] hops;
    private long[] heap;
    private int heapSize;

    /**
     * @param links {@code links[i]} lists the nodes node {@code i} sends to; not copied, not modified
     * @param latency link latencies
     */
    FastestPaths(int[][] links, Latency latency) {
        this.links = links;
        this.latency = latency;
        this.distance = new long[links.length];
        this.hops = new int[links.length];
        this.heap = new long[Math.max(16, links.length)];
    }

    /**
     * @param source where the message starts
     * @param reachable which nodes may be visited (alive, on the source's side); not modified
     * @return the largest hop count among the fastest paths from {@code source} to every node it reaches
     */
    int lastHop(int source, boolean[] reachable) {
        Arrays.fill(distance, Long.MAX_VALUE);
        distance[source] = 0;
        hops[source] = 0;
        heapSize = 0;
        push(0, 0, source);
        int last = 0;
        while (heapSize > 0) {
            long top = pop();
            int node = (int) (top & NODE_MASK);
            long dist = top >>> DIST_SHIFT;
            int hop = (int) ((top >>> HOP_SHIFT) & HOP_MASK);
            if (dist != distance[node] || hop != hops[node]) {
                continue;
            }
            last = Math.max(last, hop);
            for (int next : links[node]) {
                if (!reachable[next]) {
                    continue;
                }
                long d = dist + latency.between(node, next);
                int h = hop + 1;
                if (d < distance[next] || (d == distance[next] && h < hops[next])) {
                    distance[next] = d;
                    hops[next] = h;
                    push(d, h, next);
                }
            }
        }
        return last;
    }

    private void push(long dist, int hop, int node) {
        long key = (dist << DIST_SHIFT) | ((long) Math.min(hop, (int) HOP_MASK) << HOP_SHIFT) | node;
        if (heapSize == heap.length) {
            heap = Arrays.copyOf(heap, heapSize * 2);
        }
        int hole = heapSize++;
        while (hole > 0 && heap[(hole - 1) >>> 1] > key) {
            heap[hole] = heap[(hole - 1) >>> 1];
            hole = (hole - 1) >>> 1;
        }
        heap[hole] = key;
    }

    private long pop() {
        long top = heap[0];
        long last = heap[--heapSize];
        int hole = 0;
        while (2 * hole + 1 < heapSize) {
            int child = 2 * hole + 1;
            if (child + 1 < heapSize && heap[child + 1] < heap[child]) {
                child++;
            }
            if (last <= heap[child]) {
                break;
            }
            heap[hole] = heap[child];
            hole = child;
        }
        heap[hole] = last;
        return top;
    }
}
