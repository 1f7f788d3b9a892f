package io.topictracker.engine.config;

import io.topictracker.api.ConfigTable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The whole configuration of a node, as read from TOML by {@link ConfigLoader} or assembled with {@link #builder()}.
 * Every knob of the Rust crate's {@code Config} is here with the same default. Immutable and thread-safe.
 *
 * <p>Equality: the typed sections compare by value; {@link ConfigTable} has no value equality, so two configurations
 * with equal but distinct gossip or provider tables are not {@code equals}.
 *
 * @param keyFile {@code [node] key_file}: where the node's Ed25519 seed lives; empty for a fresh key each run
 * @param providers {@code [node] signing / dht / transports}, never null
 * @param dhtCalls {@code [dht]}: how the engine calls the DHT (retries, timeouts); never null
 * @param bootstrap {@code [bootstrap]}, never null
 * @param maxJoinPeerCount {@code max_join_peer_count} (top level): peers joined at once, 1–64; default 4
 * @param publisher {@code [publisher]}, never null
 * @param merge {@code [merge.bubble]} and {@code [merge.message_overlap]}, never null
 * @param timeouts {@code [timeouts]}, never null
 * @param gossip {@code [gossip]}, handed unread to the gossip layer, which owns its keys; never null
 * @param providerTables {@code [signing.<id>]}, {@code [dht.<id>]}, {@code [transport.<id>]}; never null
 */
public record NodeConfig(Optional<Path> keyFile, ProviderSelection providers, DhtCallConfig dhtCalls, BootstrapConfig bootstrap,
        int maxJoinPeerCount, PublisherConfig publisher, MergeConfig merge, TimeoutConfig timeouts, ConfigTable gossip,
        ProviderTables providerTables) {
    public NodeConfig {
        Objects.requireNonNull(keyFile, "keyFile");
        Objects.requireNonNull(providers, "providers");
        Objects.requireNonNull(dhtCalls, "dhtCalls");
        Objects.requireNonNull(bootstrap, "bootstrap");
        Bounds.check("max_join_peer_count", maxJoinPeerCount, 1, Bounds.MAX_PEERS);
        Objects.requireNonNull(publisher, "publisher");
        Objects.requireNonNull(merge, "merge");
        Objects.requireNonNull(timeouts, "timeouts");
        Objects.requireNonNull(gossip, "gossip");
        Objects.requireNonNull(providerTables, "providerTables");
    }

    /** @return every default, nothing named; never null */
    public static NodeConfig defaults() {
        return new NodeConfig(Optional.empty(), ProviderSelection.defaults(), DhtCallConfig.defaults(),
                BootstrapConfig.defaults(), 4, PublisherConfig.defaults(), MergeConfig.defaults(),
                TimeoutConfig.defaults(), ConfigTable.empty("gossip"), ProviderTables.none());
    }

    /** @return a builder starting from the defaults; never null */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Builds a {@link NodeConfig} in code, with the same keys, ranges and messages as the file form:
     * {@code NodeConfig.builder().set("bootstrap.discovery_poll_interval", Duration.ofMillis(500)).build()}. Whole
     * sections may also be given as records. Not thread-safe.
     */
    public static final class Builder {
        private final Map<String, Object> root = new LinkedHashMap<>();
        private DhtCallConfig dhtCalls;
        private BootstrapConfig bootstrap;
        private PublisherConfig publisher;
        private MergeConfig merge;
        private TimeoutConfig timeouts;

        private Builder() {}

        /**
         * Sets one key by its dotted TOML path, e.g. {@code "merge.bubble.min_neighbors"} or
         * {@code "transport.tcp.port"}. Values: String, Integer, Long, Double, Boolean, {@link Duration}, or a
         * {@link List} of strings; they are checked when {@link #build()} runs.
         *
         * @return this builder
         */
        @SuppressWarnings("unchecked")
        public Builder set(String dottedKey, Object value) {
            Objects.requireNonNull(value, dottedKey);
            String[] parts = dottedKey.split("\\.");
            Map<String, Object> table = root;
            for (int i = 0; i < parts.length - 1; i++) {
                Object child = table.computeIfAbsent(parts[i], k -> new LinkedHashMap<String, Object>());
                if (!(child instanceof Map)) {
                    throw new IllegalArgumentException(dottedKey + ": '" + parts[i] + "' is already a value");
                }
                table = (Map<String, Object>) child;
            }
            table.put(parts[parts.length - 1], normalise(value));
            return this;
        }

        /** @return this builder with {@code [node] key_file} set */
        public Builder keyFile(Path keyFile) {
            return set("node.key_file", keyFile.toString());
        }

        /** @return this builder with {@code [node] dht} set */
        public Builder dhtProvider(String id) {
            return set("node.dht", id);
        }

        /** @return this builder with {@code [node] signing} set */
        public Builder signingProvider(String id) {
            return set("node.signing", id);
        }

        /** @return this builder with {@code [node] transports} set */
        public Builder transports(List<String> ids) {
            return set("node.transports", List.copyOf(ids));
        }

        /**
         * Replaces the whole {@code [dht]} section: retries and timeouts of the engine's DHT calls (provider tables
         * under it are kept; the provider itself is chosen by {@link #dhtProvider}).
         */
        public Builder dhtCalls(DhtCallConfig value) {
            this.dhtCalls = Objects.requireNonNull(value);
            return this;
        }

        /** Replaces the whole {@code [bootstrap]} section. */
        public Builder bootstrap(BootstrapConfig value) {
            this.bootstrap = Objects.requireNonNull(value);
            return this;
        }

        /** Replaces the whole {@code [publisher]} section. */
        public Builder publisher(PublisherConfig value) {
            this.publisher = Objects.requireNonNull(value);
            return this;
        }

        /** Replaces the whole {@code [merge]} section. */
        public Builder merge(MergeConfig value) {
            this.merge = Objects.requireNonNull(value);
            return this;
        }

        /** Replaces the whole {@code [timeouts]} section. */
        public Builder timeouts(TimeoutConfig value) {
            this.timeouts = Objects.requireNonNull(value);
            return this;
        }

        /**
         * @return the configuration, never null
         * @throws io.topictracker.api.ConfigException naming the key for an unknown key, wrong type or bad value
         */
        public NodeConfig build() {
            NodeConfig read = NodeConfigReader.read(toTable("", root));
            return new NodeConfig(read.keyFile(), read.providers(), dhtCalls != null ? dhtCalls : read.dhtCalls(),
                    bootstrap != null ? bootstrap : read.bootstrap(), read.maxJoinPeerCount(),
                    publisher != null ? publisher : read.publisher(), merge != null ? merge : read.merge(),
                    timeouts != null ? timeouts : read.timeouts(), read.gossip(), read.providerTables());
        }

        private static Object normalise(Object value) {
            if (value instanceof Integer number) {
                return number.longValue();
            }
            if (value instanceof Duration duration) {
                return ConfigTable.format(duration);
            }
            if (value instanceof List<?> list) {
                List<Object> copy = new ArrayList<>(list.size());
                list.forEach(item -> copy.add(normalise(item)));
                return copy;
            }
            return value;
        }

        @SuppressWarnings("unchecked")
        private static ConfigTable toTable(String path, Map<String, Object> values) {
            Map<String, Object> converted = new LinkedHashMap<>();
            values.forEach((key, value) -> converted.put(key, value instanceof Map
                    ? toTable(path.isEmpty() ? key : path + "." + key, (Map<String, Object>) value)
                    : value));
            return ConfigTable.of(path, "<builder>", converted, Map.of());
        }
    }
}
