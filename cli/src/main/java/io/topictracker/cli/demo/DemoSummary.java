package io.topictracker.cli.demo;

import io.topictracker.cli.support.Json;
import io.topictracker.engine.measure.Percentiles;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * The demo's closing summary. Immutable.
 *
 * @param transport the transport id the nodes used, not null
 * @param transportChoice why that transport, e.g. {@code default: quic is available}; not null
 * @param dht the DHT provider id the nodes used, not null
 * @param dhtChoice why that DHT, e.g. {@code default: mainline is available}; not null
 * @param nodes nodes started
 * @param joined nodes whose topic reported a neighbour in time
 * @param joinMillis time from {@code join} to joined, per joined node; never null
 * @param overlayConnected whether the neighbour graph joined every node into one component
 * @param messages messages broadcast
 * @param expected deliveries expected: every message to every node but its author
 * @param delivered distinct deliveries seen
 * @param latencyMillis broadcast to delivery, per delivery; never null
 * @param lagged events dropped by full receiver queues
 * @param elapsedMillis the whole run
 */
public record DemoSummary(String transport, String transportChoice, String dht, String dhtChoice, int nodes,
        int joined, List<Double> joinMillis, boolean overlayConnected, int messages, long expected, long delivered,
        List<Double> latencyMillis, long lagged, long elapsedMillis) {
    public DemoSummary {
        joinMillis = List.copyOf(joinMillis);
        latencyMillis = List.copyOf(latencyMillis);
    }

    /** @return delivered / expected, 0 when nothing was expected */
    public double deliveryRatio() {
        return expected == 0 ? 0 : (double) delivered / expected;
    }

    /** @return whether the demo succeeded: all nodes joined, every message reached every other node */
    public boolean ok() {
        return joined == nodes && expected > 0 && delivered == expected;
    }

    /** @return the summary as one JSON object, never null */
    public String toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("ok", ok());
        json.put("transport", transport);
        json.put("transport_choice", transportChoice);
        json.put("dht", dht);
        json.put("dht_choice", dhtChoice);
        json.put("nodes", nodes);
        json.put("joined", joined);
        json.put("join_ms", percentiles(joinMillis));
        json.put("overlay_connected", overlayConnected);
        json.put("messages", messages);
        json.put("expected_deliveries", expected);
        json.put("deliveries", delivered);
        json.put("delivery_ratio", round(deliveryRatio(), 4));
        json.put("broadcast_latency_ms", percentiles(latencyMillis));
        json.put("lagged_events", lagged);
        json.put("elapsed_ms", elapsedMillis);
        return Json.write(json);
    }

    /** @return the summary as lines of text, never null */
    public String toText() {
        Percentiles join = Percentiles.of(joinMillis);
        Percentiles latency = Percentiles.of(latencyMillis);
        String nl = System.lineSeparator();
        return "summary" + nl
                + String.format(Locale.ROOT, "  transport         %s (%s)%n", transport, transportChoice)
                + String.format(Locale.ROOT, "  dht               %s (%s)%n", dht, dhtChoice)
                + String.format(Locale.ROOT, "  joined            %d/%d nodes%n", joined, nodes)
                + String.format(Locale.ROOT, "  time to join      p50 %s  p99 %s%n", ms(join.at(50)), ms(join.at(99)))
                + String.format(Locale.ROOT, "  overlay           %s%n", overlayConnected ? "connected" : "NOT connected")
                + String.format(Locale.ROOT, "  delivery          %d/%d (ratio %.3f) of %d message(s)%n", delivered,
                        expected, deliveryRatio(), messages)
                + String.format(Locale.ROOT, "  broadcast latency p50 %s  p99 %s%n", ms(latency.at(50)),
                        ms(latency.at(99)))
                + (lagged > 0 ? String.format(Locale.ROOT, "  lagged events     %d%n", lagged) : "")
                + String.format(Locale.ROOT, "  result            %s in %.1f s%n", ok() ? "OK" : "FAILED",
                        elapsedMillis / 1000.0);
    }

    private static Map<String, Object> percentiles(List<Double> samples) {
        Percentiles p = Percentiles.of(samples);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("p50", p.at(50).isPresent() ? round(p.at(50).getAsDouble(), 1) : null);
        json.put("p99", p.at(99).isPresent() ? round(p.at(99).getAsDouble(), 1) : null);
        return json;
    }

    private static String ms(OptionalDouble value) {
        return value.isPresent() ? String.format(Locale.ROOT, "%.1f ms", value.getAsDouble()) : "-";
    }

    private static double round(double value, int digits) {
        double scale = Math.pow(10, digits);
        return Math.round(value * scale) / scale;
    }
}
