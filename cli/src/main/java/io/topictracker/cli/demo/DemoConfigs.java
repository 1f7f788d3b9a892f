package io.topictracker.cli.demo;

import io.topictracker.engine.config.NodeConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The configuration of each demo node: the loopback mainline testnet's DHT (or the in-process DHT on a network of its
 * own), one transport on loopback, and bootstrap intervals cut from seconds to fractions of a second so a dozen nodes
 * join in about a second instead of several. The bubble merge also runs every second or so from the first second
 * (default: first after 30 s, then every 60 s + up to 120 s): each starter tries the records' publishers in an order
 * of its own (as the Rust crate's hash set), so a few nodes can join as separate pairs, for example {0, 2} and
 * {1, 3} when two publishers' records are all a tiny testnet holds; the bubble merge, which joins peers from the
 * records while a node has fewer than {@code min_neighbors} neighbours, is what links them, and the demo should not
 * wait half a minute for it. The publisher and the message-overlap merge keep their defaults. Stateless.
 */
public final class DemoConfigs {
    /** The shortened knobs (key, value), printed by the demo so nobody mistakes them for the defaults. */
    static final Map<String, Duration> FAST = Map.ofEntries(
            Map.entry("bootstrap.discovery_poll_interval", Duration.ofMillis(100)),
            Map.entry("bootstrap.no_peers_retry_interval", Duration.ofMillis(100)),
            Map.entry("bootstrap.per_peer_join_settle_time", Duration.ofMillis(20)),
            Map.entry("bootstrap.join_confirmation_wait_time", Duration.ofMillis(100)),
            Map.entry("dht.base_retry_interval", Duration.ofMillis(100)),
            Map.entry("dht.max_retry_jitter", Duration.ofMillis(50)),
            Map.entry("merge.bubble.initial_delay", Duration.ofSeconds(1)),
            Map.entry("merge.bubble.base_interval", Duration.ofSeconds(1)),
            Map.entry("merge.bubble.max_jitter", Duration.ofMillis(500)));

    private DemoConfigs() {}

    /**
     * @param index the node's number, 0-based, for its DHT node name
     * @param network the in-process DHT network (and in-memory hub) shared by this demo's nodes only, not null
     * @param transport {@code quic}, {@code tcp} or {@code inmemory}, not null
     * @return the node's configuration, never null
     */
    public static NodeConfig node(int index, String network, String transport) {
        return node(index, network, transport, List.of());
    }

    /**
     * Loopback settings for every mainline node of a demo: all nodes share 127.0.0.1, so the per-IP rate limit and
     * item bound would throttle the demo itself.
     */
    public static final Map<String, Object> MAINLINE_LOOPBACK = Map.of(
            "rate_limit_per_ip", 0L, "max_items_per_ip", 100_000L, "enforce_bep42", false);

    /**
     * @param mainlineBootstrap empty: the in-process DHT {@code inmemory} on {@code network}; otherwise the mainline
     *     DHT on 127.0.0.1 (any free port) joined through these "127.0.0.1:port" nodes
     */
    public static NodeConfig node(int index, String network, String transport, List<String> mainlineBootstrap) {
        NodeConfig.Builder builder = NodeConfig.builder().transports(List.of(transport));
        if (mainlineBootstrap.isEmpty()) {
            builder.dhtProvider("inmemory")
                    .set("dht.inmemory.network", network)
                    .set("dht.inmemory.name", "demo-" + index);
        } else {
            builder.dhtProvider("mainline")
                    .set("dht.mainline.bootstrap", mainlineBootstrap)
                    .set("dht.mainline.port", 0)
                    .set("dht.mainline.bind_address", "127.0.0.1");
            MAINLINE_LOOPBACK.forEach((key, value) -> builder.set("dht.mainline." + key, value));
        }
        if (transport.equals("tcp") || transport.equals("quic")) {
            builder.set("transport." + transport + ".bind_address", "127.0.0.1")
                    .set("transport." + transport + ".port", 0);
        } else {
            builder.set("transport.inmemory.hub", network);
        }
        FAST.forEach(builder::set);
        return builder.build();
    }

    /** @return one line naming the shortened intervals, for the demo's header; never null */
    public static String describeFastIntervals() {
        return "bootstrap poll/retry 100ms (default 2000/1500ms), settle 20ms (100ms), confirmation 100ms (500ms);"
                + " bubble merge from 1s every 1-1.5s (default from 30s every 60-180s)";
    }
}
