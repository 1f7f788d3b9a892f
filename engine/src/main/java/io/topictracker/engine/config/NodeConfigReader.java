package io.topictracker.engine.config;

import io.topictracker.api.ConfigException;
import io.topictracker.api.ConfigTable;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a root {@link ConfigTable} into a {@link NodeConfig}: every key known, every type and range checked, every
 * error naming key and line through {@link ConfigTable#error}. Stateless.
 */
final class NodeConfigReader {
    private static final Set<String> ROOT_KEYS = Set.of("node", "dht", "bootstrap", "max_join_peer_count",
            "publisher", "merge", "timeouts", "gossip", "signing", "transport");
    private static final Set<String> NODE_KEYS = Set.of("key_file", "signing", "dht", "transports");
    private static final Set<String> DHT_KEYS = Set.of("retries", "base_retry_interval", "max_retry_jitter",
            "get_timeout", "put_timeout");
    private static final Pattern PROVIDER_ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

    private NodeConfigReader() {}

    static NodeConfig read(ConfigTable root) {
        root.requireKnownKeys(ROOT_KEYS);
        NodeConfig defaults = NodeConfig.defaults();
        ConfigTable node = root.table("node");
        node.requireKnownKeys(NODE_KEYS);
        ConfigTable dhtTable = root.table("dht");
        Map<String, ConfigTable> dhtProviders = subTables(dhtTable, DHT_KEYS);
        int maxJoin = root.integer("max_join_peer_count", defaults.maxJoinPeerCount(), 1, Bounds.MAX_PEERS);
        return new NodeConfig(
                Optional.ofNullable(node.path("key_file", null)),
                providers(node),
                dhtCalls(dhtTable),
                bootstrap(root.table("bootstrap")),
                maxJoin,
                publisher(root.table("publisher")),
                merge(root.table("merge")),
                timeouts(root.table("timeouts")),
                root.table("gossip"),
                new ProviderTables(subTables(root.table("signing"), Set.of()), dhtProviders,
                        subTables(root.table("transport"), Set.of())));
    }

    private static ProviderSelection providers(ConfigTable node) {
        Optional<String> signing = Optional.ofNullable(providerId(node, "signing"));
        Optional<String> dht = Optional.ofNullable(providerId(node, "dht"));
        List<String> transports = node.stringList("transports", List.of());
        for (String id : transports) {
            if (!PROVIDER_ID.matcher(id).matches()) {
                throw node.error("transports", ConfigTable.excerpt(id) + " is not a provider id (expected " + PROVIDER_ID
                        + ")");
            }
        }
        return new ProviderSelection(signing, dht, transports);
    }

    private static String providerId(ConfigTable table, String key) {
        String id = table.string(key, null);
        if (id != null && !PROVIDER_ID.matcher(id).matches()) {
            throw table.error(key, ConfigTable.excerpt(id) + " is not a provider id (expected " + PROVIDER_ID + ")");
        }
        return id;
    }

    /**
     * Collects the nested tables of {@code table} (the provider tables) and rejects any other key not in
     * {@code knobs}.
     */
    private static Map<String, ConfigTable> subTables(ConfigTable table, Set<String> knobs) {
        Map<String, ConfigTable> tables = new LinkedHashMap<>();
        Set<String> known = new HashSet<>(knobs);
        for (String key : table.keys()) {
            if (knobs.contains(key)) {
                continue;
            }
            try {
                tables.put(key, table.table(key));
                known.add(key);
            } catch (ConfigException notATable) {
                // Not a provider table and not a knob: reported just below as an unknown key.
            }
        }
        table.requireKnownKeys(known);
        return tables;
    }

    private static DhtCallConfig dhtCalls(ConfigTable t) {
        DhtCallConfig d = DhtCallConfig.defaults();
        return new DhtCallConfig(
                t.integer("retries", d.retries(), 0, Bounds.MAX_RETRIES),
                t.duration("base_retry_interval", d.baseRetryInterval(), Bounds.ONE_MS, Bounds.ONE_HOUR),
                t.duration("max_retry_jitter", d.maxRetryJitter(), Bounds.NONE, Bounds.ONE_HOUR),
                t.duration("get_timeout", d.getTimeout(), Bounds.ONE_MS, Bounds.TEN_MINUTES),
                t.duration("put_timeout", d.putTimeout(), Bounds.ONE_MS, Bounds.TEN_MINUTES));
    }

    private static BootstrapConfig bootstrap(ConfigTable t) {
        t.requireKnownKeys(Set.of("max_bootstrap_records", "publish_record_on_startup",
                "check_older_records_first_on_startup", "discovery_poll_interval", "no_peers_retry_interval",
                "per_peer_join_settle_time", "join_confirmation_wait_time", "rejoin", "rejoin_delay",
                "rejoin_max_delay"));
        BootstrapConfig d = BootstrapConfig.defaults();
        return new BootstrapConfig(
                t.integer("max_bootstrap_records", d.maxBootstrapRecords(), 0, Bounds.MAX_RECORDS),
                t.bool("publish_record_on_startup", d.publishRecordOnStartup()),
                t.bool("check_older_records_first_on_startup", d.checkOlderRecordsFirstOnStartup()),
                t.duration("discovery_poll_interval", d.discoveryPollInterval(), Bounds.ONE_MS, Bounds.ONE_HOUR),
                t.duration("no_peers_retry_interval", d.noPeersRetryInterval(), Bounds.ONE_MS, Bounds.ONE_HOUR),
                t.duration("per_peer_join_settle_time", d.perPeerJoinSettleTime(), Bounds.NONE, Bounds.ONE_HOUR),
                t.duration("join_confirmation_wait_time", d.joinConfirmationWaitTime(), Bounds.NONE,
                        Bounds.ONE_HOUR),
                t.bool("rejoin", d.rejoin()),
                t.duration("rejoin_delay", d.rejoinDelay(), Bounds.ONE_MS, Bounds.ONE_HOUR),
                t.duration("rejoin_max_delay", d.rejoinMaxDelay(), Bounds.ONE_MS, Bounds.ONE_HOUR));
    }

    private static PublisherConfig publisher(ConfigTable t) {
        t.requireKnownKeys(Set.of("enabled", "initial_delay", "base_interval", "max_jitter",
                "fail_topic_creation_on_publishing_startup_failure"));
        PublisherConfig d = PublisherConfig.defaults();
        return new PublisherConfig(
                t.bool("enabled", d.enabled()),
                delay(t, "initial_delay", d.initialDelay()),
                interval(t, d.baseInterval()),
                delay(t, "max_jitter", d.maxJitter()),
                t.bool("fail_topic_creation_on_publishing_startup_failure",
                        d.failTopicCreationOnPublishingStartupFailure()));
    }

    private static MergeConfig merge(ConfigTable t) {
        t.requireKnownKeys(Set.of("bubble", "message_overlap"));
        ConfigTable b = t.table("bubble");
        b.requireKnownKeys(Set.of("enabled", "min_neighbors", "initial_delay", "base_interval", "max_jitter",
                "max_join_peers", "fail_topic_creation_on_merge_startup_failure"));
        BubbleMergeConfig bd = BubbleMergeConfig.defaults();
        BubbleMergeConfig bubble = new BubbleMergeConfig(
                b.bool("enabled", bd.enabled()),
                b.integer("min_neighbors", bd.minNeighbors(), 1, Bounds.MAX_PEERS),
                delay(b, "initial_delay", bd.initialDelay()),
                interval(b, bd.baseInterval()),
                delay(b, "max_jitter", bd.maxJitter()),
                b.integer("max_join_peers", bd.maxJoinPeers(), 1, Bounds.MAX_PEERS),
                b.bool("fail_topic_creation_on_merge_startup_failure", bd.failTopicCreationOnMergeStartupFailure()));
        ConfigTable o = t.table("message_overlap");
        o.requireKnownKeys(Set.of("enabled", "initial_delay", "base_interval", "max_jitter", "max_join_peers",
                "fail_topic_creation_on_merge_startup_failure"));
        MessageOverlapMergeConfig od = MessageOverlapMergeConfig.defaults();
        MessageOverlapMergeConfig overlap = new MessageOverlapMergeConfig(
                o.bool("enabled", od.enabled()),
                delay(o, "initial_delay", od.initialDelay()),
                interval(o, od.baseInterval()),
                delay(o, "max_jitter", od.maxJitter()),
                o.integer("max_join_peers", od.maxJoinPeers(), 1, Bounds.MAX_PEERS),
                o.bool("fail_topic_creation_on_merge_startup_failure", od.failTopicCreationOnMergeStartupFailure()));
        return new MergeConfig(bubble, overlap);
    }

    private static TimeoutConfig timeouts(ConfigTable t) {
        t.requireKnownKeys(Set.of("join_peer_timeout", "broadcast_neighbors_timeout", "broadcast_timeout"));
        TimeoutConfig d = TimeoutConfig.defaults();
        return new TimeoutConfig(
                timeout(t, "join_peer_timeout", d.joinPeerTimeout()),
                timeout(t, "broadcast_neighbors_timeout", d.broadcastNeighborsTimeout()),
                timeout(t, "broadcast_timeout", d.broadcastTimeout()));
    }

    private static Duration delay(ConfigTable t, String key, Duration defaultValue) {
        return t.duration(key, defaultValue, Bounds.NONE, Bounds.ONE_HOUR);
    }

    private static Duration interval(ConfigTable t, Duration defaultValue) {
        return t.duration("base_interval", defaultValue, Bounds.ONE_SECOND, Bounds.ONE_HOUR);
    }

    private static Duration timeout(ConfigTable t, String key, Duration defaultValue) {
        return t.duration(key, defaultValue, Bounds.ONE_MS, Bounds.TEN_MINUTES);
    }
}
