package io.topictracker.cli.demo;

import io.topictracker.api.ConfigTable;
import io.topictracker.engine.config.NodeConfig;
import io.topictracker.engine.config.ProviderSelection;
import io.topictracker.engine.config.ProviderTables;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The configuration of each demo node: the DHT and transport chosen with the tables {@code --config} gave them, the
 * few settings every node of a one-process swarm must differ in or share set over those (see {@link #node}), and
 * bootstrap intervals cut from seconds to fractions of a second so a dozen nodes join in about a second instead of
 * several. The bubble merge also runs every second or so from the first second (default: first after 30 s, then
 * every 60 s + up to 120 s): each starter tries the records' publishers in an order of its own (as the Rust crate's
 * hash set), so a few nodes can join as separate pairs, for example {0, 2} and {1, 3} when two publishers' records
 * are all a tiny testnet holds; the bubble merge, which joins peers from the records while a node has fewer than
 * {@code min_neighbors} neighbours, is what links them, and the demo should not wait half a minute for it. The
 * publisher and the message-overlap merge keep their defaults. Stateless.
 */
public final class DemoConfigs {
    /** The DHT the demo starts a loopback testnet of. */
    public static final String MAINLINE = "mainline";
    /** The in-process DHT (and transport), on a network of the demo's own. */
    public static final String IN_MEMORY = "inmemory";

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

    /**
     * Loopback settings for every mainline node of a demo: all nodes share 127.0.0.1, so the per-IP rate limit and
     * item bound would throttle the demo itself.
     */
    public static final Map<String, Object> MAINLINE_LOOPBACK = Map.of(
            "rate_limit_per_ip", 0L, "max_items_per_ip", 100_000L, "enforce_bep42", false);

    private DemoConfigs() {}

    /**
     * One node's configuration. Over {@code --config}'s table of the chosen provider the demo sets: for
     * {@code inmemory} (DHT and transport) a network of this run's own; for {@code mainline} the testnet's bootstrap
     * nodes, 127.0.0.1, any free port and {@link #MAINLINE_LOOPBACK}; for {@code tcp} and {@code quic} 127.0.0.1 and
     * any free port. Any other provider gets its table as the file gave it.
     *
     * @param index the node's number, 0-based, for its in-process DHT node name
     * @param network this run's name for the in-process DHT network and transport hub, not null
     * @param setup the providers and tables every node shares, not null
     * @return the node's configuration, never null
     * @throws io.topictracker.api.ConfigException if a value the demo sets does not fit (it always does)
     */
    public static NodeConfig node(int index, String network, DemoSetup setup) {
        NodeConfig.Builder builder = NodeConfig.builder();
        FAST.forEach(builder::set);
        NodeConfig fast = builder.build();
        Map<String, ConfigTable> dhtTables = new HashMap<>(setup.tables().dht());
        dhtTables.put(setup.dht(), dhtTable(index, network, setup));
        Map<String, ConfigTable> transportTables = new HashMap<>(setup.tables().transport());
        transportTables.put(setup.transport(), transportTable(network, setup));
        ProviderTables tables = new ProviderTables(setup.tables().signing(), dhtTables, transportTables);
        ProviderSelection choice = new ProviderSelection(setup.signing(), Optional.of(setup.dht()),
                List.of(setup.transport()));
        return new NodeConfig(Optional.empty(), choice, fast.dhtCalls(), fast.bootstrap(), fast.maxJoinPeerCount(),
                fast.publisher(), fast.merge(), fast.timeouts(), fast.gossip(), tables);
    }

    private static ConfigTable dhtTable(int index, String network, DemoSetup setup) {
        ConfigTable table = setup.tables().dht(setup.dht());
        return switch (setup.dht()) {
            case IN_MEMORY -> table.with("network", network).with("name", "demo-" + index);
            case MAINLINE -> {
                ConfigTable mainline = table.with("bootstrap", setup.mainlineBootstrap()).with("port", 0L)
                        .with("bind_address", "127.0.0.1");
                for (Map.Entry<String, Object> knob : MAINLINE_LOOPBACK.entrySet()) {
                    mainline = mainline.with(knob.getKey(), knob.getValue());
                }
                yield mainline;
            }
            default -> table;
        };
    }

    private static ConfigTable transportTable(String network, DemoSetup setup) {
        ConfigTable table = setup.tables().transport(setup.transport());
        return switch (setup.transport()) {
            case "tcp", "quic" -> table.with("bind_address", "127.0.0.1").with("port", 0L);
            case IN_MEMORY -> table.with("hub", network);
            default -> table;
        };
    }

    /** @return one line naming the shortened intervals, for the demo's header; never null */
    public static String describeFastIntervals() {
        return "bootstrap poll/retry 100ms (default 2000/1500ms), settle 20ms (100ms), confirmation 100ms (500ms);"
                + " bubble merge from 1s every 1-1.5s (default from 30s every 60-180s)";
    }
}
