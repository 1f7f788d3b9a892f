package io.topictracker.cli.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The status line {@code dht serve} prints every interval, computed from the DHT meters in its registry (the same
 * ones {@code /metrics} serves; docs/metrics.md): routing-table size, queries in and out per second by type over the
 * interval, stored items and peers, and the external address the BEP42 votes agree on. Not thread-safe: one caller
 * (the status timer) at a time.
 */
public final class DhtStatusLine {
    private final MeterRegistry registry;
    private final Supplier<Optional<InetAddress>> externalAddress;
    private Map<String, Double> lastIn;
    private Map<String, Double> lastOut;
    private long lastNanos;

    /**
     * @param registry holds the node's {@code topictracker.dht.*} meters, not null
     * @param externalAddress the BEP42 decision, not null
     */
    public DhtStatusLine(MeterRegistry registry, Supplier<Optional<InetAddress>> externalAddress) {
        this.registry = registry;
        this.externalAddress = externalAddress;
        this.lastIn = queries("in");
        this.lastOut = queries("out");
        this.lastNanos = System.nanoTime();
    }

    /** @return the line for the interval since the previous call (or since construction), never null */
    public String next() {
        long now = System.nanoTime();
        double seconds = Math.max(1e-3, (now - lastNanos) / 1e9);
        Map<String, Double> in = queries("in");
        Map<String, Double> out = queries("out");
        String line = String.format(Locale.ROOT, "dht-status: routing table %d nodes; queries in %s; out %s; "
                + "stored %d items, %d peers; external address %s",
                (long) gauge("topictracker.dht.routing.nodes"), rates(in, lastIn, seconds),
                rates(out, lastOut, seconds), (long) gauge("topictracker.dht.stored.items"),
                (long) gauge("topictracker.dht.stored.peers"),
                externalAddress.get().map(InetAddress::getHostAddress).orElse("unknown"));
        lastIn = in;
        lastOut = out;
        lastNanos = now;
        return line;
    }

    /** @return queries of one direction so far, summed over outcomes, by type (sorted) */
    private Map<String, Double> queries(String direction) {
        Map<String, Double> byType = new TreeMap<>();
        for (Counter counter : registry.find("topictracker.dht.queries").tag("direction", direction).counters()) {
            byType.merge(counter.getId().getTag("type"), counter.count(), Double::sum);
        }
        return byType;
    }

    /** @return e.g. {@code 2.50/s (get 1.50, put 1.00)}, types with no query in the interval left out */
    private static String rates(Map<String, Double> now, Map<String, Double> before, double seconds) {
        StringBuilder parts = new StringBuilder();
        double total = 0;
        for (Map.Entry<String, Double> entry : now.entrySet()) {
            double delta = entry.getValue() - before.getOrDefault(entry.getKey(), 0.0);
            if (delta > 0) {
                total += delta;
                parts.append(parts.length() == 0 ? "" : ", ").append(entry.getKey()).append(' ')
                        .append(String.format(Locale.ROOT, "%.2f", delta / seconds));
            }
        }
        String sum = String.format(Locale.ROOT, "%.2f/s", total / seconds);
        return parts.length() == 0 ? sum : sum + " (" + parts + ")";
    }

    /** The sum over the gauges of that name: a dual-stack DHT has one per address family. */
    private double gauge(String name) {
        double sum = 0;
        for (Gauge gauge : registry.find(name).gauges()) {
            double value = gauge.value();
            sum += Double.isNaN(value) ? 0 : value;
        }
        return sum;
    }
}
