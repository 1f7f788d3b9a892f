package io.topictracker.cli.command;

import io.topictracker.api.ConfigTable;
import io.topictracker.api.PeerInfo;
import io.topictracker.api.signing.SigningKeyPair;
import io.topictracker.api.signing.SigningProvider;
import io.topictracker.api.transport.TransportProvider;
import io.topictracker.cli.support.CliContext;
import io.topictracker.cli.support.CliException;
import io.topictracker.cli.support.ExitCode;
import io.topictracker.cli.chat.ChatSession;
import io.topictracker.cli.support.KeyFiles;
import io.topictracker.cli.support.PeerSpec;
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
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code topic-tracker chat}: join a topic and chat from the terminal.
 */
@Command(name = "chat", mixinStandardHelpOptions = true,
        header = "Join a topic and chat from the terminal.",
        description = {"Join a topic and chat: each line read from standard input is broadcast; each message received",
                "is printed as '<author>: <text>'. Prints 'self: ID@ADDRESS' first, for another's --peer.",
                "Without --config: transport tcp on the wildcard address (any free port; --bind to choose) and",
                "the in-process DHT 'inmemory'.",
                "Ends at end of input or Ctrl-C."})
final class ChatCommand implements Callable<Integer> {
    private final CliContext context;

    @Mixin
    private LoggingOption logging;

    @Option(names = {"-t", "--topic"}, required = true, paramLabel = "NAME", converter = Converters.TopicName.class,
            description = "Topic name.")
    private String topic;

    @Option(names = {"-s", "--secret"}, required = true, paramLabel = "S",
            description = "Topic secret: only holders can read the topic's records and join its overlay.")
    private String secret;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", converter = Converters.FilePath.class, description = "Node configuration (TOML).")
    private Path config;

    @Option(names = {"-p", "--peer"}, paramLabel = "ID@ADDRESS", converter = Converters.Peer.class,
            description = "Join this peer directly, besides the DHT (repeatable), e.g. <64 hex>@tcp://127.0.0.1:4000.")
    private List<PeerSpec> peers = new ArrayList<>();

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

    @Mixin
    private MetricsOption metrics = new MetricsOption();

    ChatCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (secret.isEmpty()) {
            throw CliException.usage("--secret must not be empty");
        }
        NodeConfig nodeConfig = nodeConfig();
        ProviderRegistry registry = context.registry();
        Node.Builder builder = Node.builder().config(nodeConfig).registry(registry);
        if (key != null) {
            // --key must exist (a typo should not silently become a new identity), as must [node] key_file.
            builder.keyPair(keyPair(key, registry, nodeConfig));
        }
        requireDialable(peers, registry.selectAll(TransportProvider.class, nodeConfig.providers().transports()));
        List<PeerInfo> direct = peers.stream().map(PeerSpec::toPeerInfo).toList();
        MetricsOption.Serving serving = metrics.enabled() ? metrics.start() : null;
        ChatSession session;
        try {
            if (serving != null) {
                builder.metrics(serving.metrics());
            }
            session = new ChatSession(builder.build(), context.out(), context.err());
        } catch (RuntimeException e) {
            if (serving != null) {
                serving.close();
            }
            throw e;
        }
        // Ctrl-C: close the node so its sockets and DHT record go away cleanly; a normal end removes the hook.
        try (MetricsOption.Serving endpoint = serving; // null (no --metrics) is skipped
                CloseOnShutdown closing = CloseOnShutdown.register(session::close, "chat-shutdown")) {
            if (serving != null) {
                serving.announce(context.out());
            }
            session.open(topic, secret.getBytes(StandardCharsets.UTF_8), direct);
            session.chat(context.in());
        }
        return ExitCode.OK;
    }

    /**
     * A {@code --peer} whose scheme no transport of this node speaks could never be dialled; say so before starting
     * rather than waiting for a join that cannot happen.
     */
    private static void requireDialable(List<PeerSpec> peers, List<TransportProvider> transports) {
        List<String> schemes = transports.stream().map(TransportProvider::id).toList();
        for (PeerSpec peer : peers) {
            if (!schemes.contains(peer.address().transport())) {
                throw CliException.usage("--peer " + peer + ": no transport here speaks '"
                        + peer.address().transport() + "://'; this chat's transports: " + schemes
                        + " (see 'topic-tracker providers')");
            }
        }
    }

    private NodeConfig nodeConfig() throws IOException {
        NodeConfig base = withBind(fileConfig());
        if (bootstrap.isEmpty()) {
            return base;
        }
        ConfigTable table = ChatDhtTable.with(base.providerTables().dht(DhtCommand.PROVIDER), bootstrap);
        Map<String, ConfigTable> dhtTables = new HashMap<>(base.providerTables().dht());
        dhtTables.put(DhtCommand.PROVIDER, table);
        ProviderTables tables = new ProviderTables(base.providerTables().signing(), dhtTables,
                base.providerTables().transport());
        ProviderSelection choice = new ProviderSelection(base.providers().signing(), Optional.of(DhtCommand.PROVIDER),
                base.providers().transports());
        return new NodeConfig(base.keyFile(), choice, base.dhtCalls(), base.bootstrap(), base.maxJoinPeerCount(),
                base.publisher(), base.merge(), base.timeouts(), base.gossip(), tables);
    }

    /** @return {@code base} with {@code --bind} as every selected transport's bind_address, if given */
    private NodeConfig withBind(NodeConfig base) {
        if (bind == null) {
            return base;
        }
        Map<String, ConfigTable> transportTables = new HashMap<>(base.providerTables().transport());
        for (String id : base.providers().transports()) {
            transportTables.put(id, base.providerTables().transport(id).with("bind_address", bind));
        }
        ProviderTables tables = new ProviderTables(base.providerTables().signing(), base.providerTables().dht(),
                transportTables);
        return new NodeConfig(base.keyFile(), base.providers(), base.dhtCalls(), base.bootstrap(),
                base.maxJoinPeerCount(), base.publisher(), base.merge(), base.timeouts(), base.gossip(), tables);
    }

    private NodeConfig fileConfig() {
        if (config == null) {
            // Named, not "the single one present": with dht-mainline on the path too, an unnamed choice would be
            // ambiguous, and a chat must never reach the public DHT unasked (--bootstrap switches to mainline).
            return NodeConfig.builder().dhtProvider("inmemory").transports(List.of("tcp")).build();
        }
        return ConfigFiles.load(config);
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
