package io.topictracker.cli.demo;

import io.topictracker.engine.config.ProviderTables;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What every node of one demo shares: the providers chosen (any id the registry holds) and their tables, as
 * {@code --config} gave them. Immutable.
 *
 * @param signing the signing provider named in {@code [node] signing}, or empty for the single one present
 * @param dht the DHT provider id, not null
 * @param dhtChoice why that DHT, e.g. {@code chosen with --dht}; not null
 * @param transport the transport provider id, not null
 * @param transportChoice why that transport; not null
 * @param tables the provider tables of {@code --config} (none without it), not null
 * @param mainlineBootstrap the loopback testnet's "127.0.0.1:port" nodes when {@code dht} is {@code mainline}; empty
 *     otherwise; not null
 */
public record DemoSetup(Optional<String> signing, String dht, String dhtChoice, String transport,
        String transportChoice, ProviderTables tables, List<String> mainlineBootstrap) {
    public DemoSetup {
        Objects.requireNonNull(signing, "signing");
        Objects.requireNonNull(dht, "dht");
        Objects.requireNonNull(dhtChoice, "dhtChoice");
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(transportChoice, "transportChoice");
        Objects.requireNonNull(tables, "tables");
        mainlineBootstrap = List.copyOf(mainlineBootstrap);
    }

    /** @return a copy joining the mainline testnet through these nodes */
    public DemoSetup withMainlineBootstrap(List<String> nodes) {
        return new DemoSetup(signing, dht, dhtChoice, transport, transportChoice, tables, nodes);
    }

    /** @return how the nodes' DHT is described in the progress lines, e.g. {@code loopback mainline DHT} */
    String dhtDescription() {
        return switch (dht) {
            case DemoConfigs.MAINLINE -> "loopback mainline DHT";
            case DemoConfigs.IN_MEMORY -> "in-process DHT";
            default -> "DHT '" + dht + "'";
        };
    }
}
