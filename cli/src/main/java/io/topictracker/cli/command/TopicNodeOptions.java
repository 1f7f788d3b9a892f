package io.topictracker.cli.command;

import io.topictracker.api.ConfigTable;
import io.topictracker.api.signing.SigningKeyPair;
import io.topictracker.api.signing.SigningProvider;
import io.topictracker.cli.support.CliException;
import io.topictracker.cli.support.KeyFiles;
import io.topictracker.engine.Node;
import io.topictracker.engine.config.NodeConfig;
import io.topictracker.engine.config.ProviderSelection;
import io.topictracker.engine.config.ProviderTables;
import io.topictracker.engine.provider.ProviderRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import picocli.CommandLine.Option;

/**
 * The options of a command that runs a node in one topic ({@code chat}, {@code relay}): the topic and its secret, the
 * node's configuration file, DHT bootstrap nodes, the bind address and the key file, and what each does to the
 * node's configuration. A picocli mixin; filled in by the parser, then read on the command's thread.
 */
final class TopicNodeOptions {
    @Option(names = {"-t", "--topic"}, required = true, paramLabel = "NAME", converter = Converters.TopicName.class,
            description = "Topic name.")
    private String topic;

    @Option(names = {"-s", "--secret"}, required = true, paramLabel = "S",
            description = "Topic secret: only holders can read the topic's records and join its overlay.")
    private String secret;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", converter = Converters.FilePath.class,
            description = "Node configuration (TOML).")
    private Path config;

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT", converter = Converters.HostPort.class,
            description = {"Use the mainline DHT, joined through this node (repeatable), e.g. one started with",
                    "'topic-tracker dht serve'; sets [node] dht = \"mainline\" and [dht.mainline] bootstrap,",
                    "and, unless --config sets them, port 0 and bind_address 127.0.0.1 (0.0.0.0 when a",
                    "bootstrap node is not on loopback; ::1 or :: for IPv6 nodes, one socket each for both)."})
    private List<String> bootstrap = new ArrayList<>();

    @Option(names = "--bind", paramLabel = "ADDRESS", converter = Converters.BindAddress.class,
            description = {"Listen on this IP only, with every transport (sets their bind_address over --config),",
                    "e.g. 127.0.0.1; default: the wildcard of both families, advertising the host's addresses."})
    private String bind;

    @Option(names = {"-k", "--key"}, paramLabel = "FILE", converter = Converters.FilePath.class,
            description = "Key file from 'keygen' (overrides [node] key_file); default: a fresh identity.")
    private Path key;

    /** @return the topic's name, as the converter checked it; never null */
    String topic() {
        return topic;
    }

    /**
     * @return the topic's secret as UTF-8; never null or empty
     * @throws CliException (usage) if it is empty
     */
    byte[] secret() {
        if (secret.isEmpty()) {
            throw CliException.usage("--secret must not be empty");
        }
        return secret.getBytes(StandardCharsets.UTF_8);
    }

    /** @return the {@code --config} file, or null without one */
    Path config() {
        return config;
    }

    /** @return the {@code --bind} address, or null without one */
    String bind() {
        return bind;
    }

    /**
     * @param withoutFile the command's configuration when no {@code --config} is given; not null
     * @return the {@code --config} file's configuration, or {@code withoutFile}'s; never null
     */
    NodeConfig load(Supplier<NodeConfig> withoutFile) {
        return config == null ? withoutFile.get() : ConfigFiles.load(config);
    }

    /**
     * @param base the node's configuration, not null
     * @param transports the ids of the transports the node will run (those {@code --bind} applies to), not null
     * @return {@code base} with {@code --bind} as those transports' bind_address, if given
     */
    NodeConfig withBind(NodeConfig base, List<String> transports) {
        if (bind == null) {
            return base;
        }
        Map<String, ConfigTable> transportTables = new HashMap<>(base.providerTables().transport());
        for (String id : transports) {
            transportTables.put(id, base.providerTables().transport(id).with("bind_address", bind));
        }
        return with(base, base.providers(), new ProviderTables(base.providerTables().signing(),
                base.providerTables().dht(), transportTables));
    }

    /** @return {@code base} using the mainline DHT through the {@code --bootstrap} nodes, if any are given */
    NodeConfig withBootstrap(NodeConfig base) {
        if (bootstrap.isEmpty()) {
            return base;
        }
        Map<String, ConfigTable> dhtTables = new HashMap<>(base.providerTables().dht());
        dhtTables.put(DhtCommand.PROVIDER, ChatDhtTable.with(base.providerTables().dht(DhtCommand.PROVIDER),
                bootstrap));
        ProviderSelection choice = new ProviderSelection(base.providers().signing(), Optional.of(DhtCommand.PROVIDER),
                base.providers().transports());
        return with(base, choice, new ProviderTables(base.providerTables().signing(), dhtTables,
                base.providerTables().transport()));
    }

    /** @return {@code base} with another provider choice and other provider tables, the rest unchanged */
    static NodeConfig with(NodeConfig base, ProviderSelection choice, ProviderTables tables) {
        return new NodeConfig(base.keyFile(), choice, base.dhtCalls(), base.bootstrap(), base.maxJoinPeerCount(),
                base.publisher(), base.merge(), base.timeouts(), base.gossip(), tables);
    }

    /**
     * Gives {@code builder} the {@code --key} identity, if one is given. The file must exist: a typo should not
     * silently become a new identity (as {@code [node] key_file} must exist too).
     *
     * @throws CliException (usage) if the file is missing, unreadable or not a key file
     */
    void applyKey(Node.Builder builder, ProviderRegistry registry, NodeConfig nodeConfig) throws IOException {
        if (key != null) {
            builder.keyPair(keyPair(key, registry, nodeConfig));
        }
    }

    /** The engine's builder takes a key pair; the key file format is the one 'keygen' writes. */
    private static SigningKeyPair keyPair(Path file, ProviderRegistry registry, NodeConfig nodeConfig)
            throws IOException {
        SigningProvider signing = registry.select(SigningProvider.class, nodeConfig.providers().signing());
        try {
            return KeyFiles.read(file, signing);
        } catch (NoSuchFileException e) {
            throw CliException.usage("--key " + file + ": no such file (make one with 'topic-tracker keygen --out "
                    + file + "')");
        } catch (IOException e) {
            throw CliException.usage("--key " + file + ": cannot be read: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw CliException.usage("--key " + e.getMessage());
        }
    }
}
