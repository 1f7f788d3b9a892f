package io.topictracker.bench;

import io.topictracker.api.PeerId;
import io.topictracker.engine.Node;
import io.topictracker.engine.Topic;
import io.topictracker.engine.TopicEvent;
import io.topictracker.engine.measure.Percentiles;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where a broadcast's latency goes in the swarm: broadcasts sent one at a time (each once the one before reached every
 * member or after {@link #WAIT_PER_BROADCAST}), and for each the tree it took, rebuilt from every delivery's sender
 * ({@code deliveredFrom}) and receive time. A hop's wait is its receiver's delivery time minus its sender's (the
 * author's send time for the first hop). A delivery is on the lazy path when its receiver's
 * {@code deliveredAfterGraft} counter moved during that broadcast (it grafted the payload after an IHave), otherwise
 * it came by eager push. Only the benchmark reads these counters; the engine counts them anyway (one increment per
 * grafted delivery), so tracing costs the nodes nothing.
 *
 * <p>Not thread-safe; run from the benchmark's main thread. Reader threads it starts are stopped before it returns.
 */
final class BroadcastTrace {
    /** Marks trace payloads, so the reader ignores anything else. */
    private static final long MAGIC = 0x7472616365L;
    private static final Duration WAIT_PER_BROADCAST = Duration.ofSeconds(3);

    private record Delivery(long atNanos, PeerId from) {}

    private BroadcastTrace() {}

    static void run(List<Topic> topics, List<Node> nodes, int broadcasts) throws Exception {
        int members = topics.size();
        Map<PeerId, Integer> indexOf = new HashMap<>();
        for (int i = 0; i < members; i++) {
            indexOf.put(nodes.get(i).id(), i);
        }
        // deliveries.get(b)[member]: when and from whom member got broadcast b (null: not yet)
        Map<Integer, Delivery[]> deliveries = new ConcurrentHashMap<>();
        Map<Integer, AtomicInteger> counts = new ConcurrentHashMap<>();
        AtomicBoolean running = new AtomicBoolean(true);
        List<Thread> readers = new ArrayList<>();
        for (int m = 0; m < members; m++) {
            int member = m;
            Topic topic = topics.get(m);
            Thread reader = new Thread(() -> {
                try {
                    while (running.get()) {
                        TopicEvent event = topic.receiver().next(Duration.ofMillis(100));
                        long now = System.nanoTime();
                        if (event instanceof TopicEvent.Received received && received.payload().length == 24) {
                            ByteBuffer payload = ByteBuffer.wrap(received.payload());
                            if (payload.getLong(0) == MAGIC) {
                                int b = (int) payload.getLong(16);
                                deliveries.computeIfAbsent(b, k -> new Delivery[members])[member] =
                                        new Delivery(now, received.deliveredFrom());
                                counts.computeIfAbsent(b, k -> new AtomicInteger())
                                        .incrementAndGet();
                            }
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "trace-reader");
            reader.setDaemon(true);
            reader.start();
            readers.add(reader);
        }
        Random random = new Random(2);
        List<Double> eagerHops = new ArrayList<>();
        List<Double> lazyHops = new ArrayList<>();
        List<Double> eagerOnlyLatency = new ArrayList<>();
        List<Double> withLazyLatency = new ArrayList<>();
        List<Double> depths = new ArrayList<>();
        List<Double> lastDepths = new ArrayList<>();
        long lazyDeliveries = 0;
        long total = 0;
        long missed = 0;
        String slowestTimeline = "";
        double slowest = -1;
        long[] kindsBefore = messageKinds(topics);
        try {
            for (int b = 0; b < broadcasts; b++) {
                long[] graftedBefore = graftCounts(topics);
                int author = random.nextInt(members);
                long sentAt = System.nanoTime();
                ByteBuffer payload = ByteBuffer.allocate(24).putLong(MAGIC).putLong(sentAt).putLong(b);
                topics.get(author).sender().broadcast(payload.array()).get(10, TimeUnit.SECONDS);
                long deadline = System.nanoTime() + WAIT_PER_BROADCAST.toNanos();
                while (counts.getOrDefault(b, new AtomicInteger()).get() < members - 1
                        && System.nanoTime() < deadline) {
                    TimeUnit.MILLISECONDS.sleep(2);
                }
                long[] graftedAfter = graftCounts(topics);
                Delivery[] got = deliveries.getOrDefault(b, new Delivery[members]);
                boolean[] lazy = new boolean[members];
                for (int m = 0; m < members; m++) {
                    lazy[m] = graftedAfter[m] > graftedBefore[m];
                }
                int lastDepth = 0;
                for (int m = 0; m < members; m++) {
                    if (m == author) {
                        continue;
                    }
                    if (got[m] == null) {
                        missed++;
                        continue;
                    }
                    total++;
                    Integer parent = indexOf.get(got[m].from());
                    long parentAt = parent == null || parent == author || got[parent] == null ? sentAt
                            : got[parent].atNanos();
                    double hop = (got[m].atNanos() - parentAt) / 1e6;
                    (lazy[m] ? lazyHops : eagerHops).add(hop);
                    if (lazy[m]) {
                        lazyDeliveries++;
                    }
                    // the path back to the author: its length and whether any hop of it was lazy
                    int depth = 0;
                    boolean anyLazy = false;
                    int at = m;
                    while (at != author && depth <= members && got[at] != null) {
                        anyLazy |= lazy[at];
                        depth++;
                        Integer up = indexOf.get(got[at].from());
                        at = up == null ? author : up;
                    }
                    depths.add((double) depth);
                    lastDepth = Math.max(lastDepth, depth);
                    double latency = (got[m].atNanos() - sentAt) / 1e6;
                    (anyLazy ? withLazyLatency : eagerOnlyLatency).add(latency);
                    if (latency > slowest) {
                        slowest = latency;
                        slowestTimeline = timeline(m, author, got, lazy, indexOf, sentAt);
                    }
                }
                lastDepths.add((double) lastDepth);
            }
        } finally {
            running.set(false);
            for (Thread reader : readers) {
                reader.join(1000);
            }
        }
        System.out.printf(Locale.ROOT, "trace: %d broadcasts one at a time over %d members: %d deliveries, %d missed;"
                + " %d (%.1f%%) on the lazy path (IHave + Graft), the rest by eager push%n", broadcasts, members,
                total, missed, lazyDeliveries, 100.0 * lazyDeliveries / Math.max(1, total));
        long[] kindsAfter = messageKinds(topics);
        System.out.printf(Locale.ROOT, "trace: messages per broadcast: %.1f payloads (Gossip), %.1f IHave, %.1f Graft,"
                + " %.1f Prune, %.1f duplicate payloads dropped%n",
                (kindsAfter[0] - kindsBefore[0]) / (double) broadcasts,
                (kindsAfter[1] - kindsBefore[1]) / (double) broadcasts,
                (kindsAfter[2] - kindsBefore[2]) / (double) broadcasts,
                (kindsAfter[3] - kindsBefore[3]) / (double) broadcasts,
                (kindsAfter[4] - kindsBefore[4]) / (double) broadcasts);
        System.out.printf(Locale.ROOT, "trace: hops per delivery mean %.2f, last delivery hop mean %.2f max %.0f%n",
                mean(depths), mean(lastDepths), Percentiles.of(lastDepths).max());
        System.out.println("trace: " + summary("eager hop wait", eagerHops));
        System.out.println("trace: " + summary("lazy hop wait (IHave dispatch + graft timeout + graft round trip)",
                lazyHops));
        System.out.println("trace: " + summary("latency, eager-only paths", eagerOnlyLatency));
        System.out.println("trace: " + summary("latency, paths with a lazy hop", withLazyLatency));
        System.out.println("trace: slowest delivery, hop by hop: " + slowestTimeline);
    }

    private static String timeline(int member, int author, Delivery[] got, boolean[] lazy,
            Map<PeerId, Integer> indexOf, long sentAt) {
        List<String> hops = new ArrayList<>();
        int at = member;
        int guard = 0;
        while (at != author && got[at] != null && guard++ < got.length) {
            Integer up = indexOf.get(got[at].from());
            int parent = up == null ? author : up;
            long parentAt = parent == author || got[parent] == null ? sentAt : got[parent].atNanos();
            hops.add(0, String.format(Locale.ROOT, "n%d->n%d %s +%.1f ms (at %.1f)", parent, at,
                    lazy[at] ? "lazy" : "eager", (got[at].atNanos() - parentAt) / 1e6, (got[at].atNanos() - sentAt)
                    / 1e6));
            at = parent;
        }
        return String.join(", ", hops);
    }

    static long[] graftCounts(List<Topic> topics) throws Exception {
        long[] counts = new long[topics.size()];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = topics.get(i).stats().get(10, TimeUnit.SECONDS).gossip().deliveredAfterGraft();
        }
        return counts;
    }

    /** @return payloads, IHaves, Grafts and Prunes sent and duplicates dropped, summed over the members */
    static long[] messageKinds(List<Topic> topics) throws Exception {
        long[] sums = new long[5];
        for (Topic topic : topics) {
            var gossip = topic.stats().get(10, TimeUnit.SECONDS).gossip();
            sums[0] += gossip.gossipSent();
            sums[1] += gossip.ihaveSent();
            sums[2] += gossip.graftSent();
            sums[3] += gossip.pruneSent();
            sums[4] += gossip.duplicatesDropped();
        }
        return sums;
    }

    private static double mean(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    private static String summary(String what, List<Double> values) {
        Percentiles p = Percentiles.of(values);
        return String.format(Locale.ROOT, "%s: n=%d p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms", what,
                values.size(), p.atOrNaN(50), p.atOrNaN(90), p.atOrNaN(99), p.atOrNaN(100));
    }
}
