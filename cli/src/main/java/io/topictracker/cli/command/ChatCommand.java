package io.topictracker.cli.command;

import io.topictracker.api.PeerInfo;
import io.topictracker.api.transport.TransportProvider;
import io.topictracker.cli.support.CliContext;
import io.topictracker.cli.support.CliException;
import io.topictracker.cli.support.ExitCode;
import io.topictracker.cli.chat.ChatSession;
import io.topictracker.cli.support.PeerSpec;
import io.topictracker.engine.Node;
import io.topictracker.engine.config.NodeConfig;
import io.topictracker.engine.provider.ProviderRegistry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
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
                "Without --config: every transport found, QUIC first (as a node whose [node] transports is empty),",
                "on the wildcard address (any free port; --bind to choose), and the in-process DHT 'inmemory'.",
                "Ends at end of input or Ctrl-C."})
final class ChatCommand implements Callable<Integer> {
    private static final String IN_PROCESS_TRANSPORT = "inmemory";
    private final CliContext context;

    @Mixin
    private LoggingOption logging;

    @Mixin
    private TopicNodeOptions node;

    @Option(names = {"-p", "--peer"}, paramLabel = "ID@ADDRESS", converter = Converters.Peer.class,
            description = "Join this peer directly, besides the DHT (repeatable), e.g. <64 hex>@tcp://127.0.0.1:4000.")
    private List<PeerSpec> peers = new ArrayList<>();

    @Mixin
    private MetricsOption metrics = new MetricsOption();

    ChatCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        byte[] secret = node.secret();
        ProviderRegistry registry = context.registry();
        NodeConfig nodeConfig = nodeConfig(registry);
        Node.Builder builder = Node.builder().config(nodeConfig).registry(registry);
        node.applyKey(builder, registry, nodeConfig);
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
            session.open(node.topic(), secret, direct);
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

    /**
     * Without {@code --config}, the node's own default transports ({@code [node] transports} empty: every available
     * one, QUIC first, see {@code ProviderKind.preferredWhenUnnamed}): QUIC is the transport that hole-punches, so a
     * chat limited to TCP could not reach a peer behind a NAT. {@code --bind} applies to each transport that runs.
     */
    private NodeConfig nodeConfig(ProviderRegistry registry) {
        // The DHT is named, not "the single one present": with dht-mainline on the path too, an unnamed choice
        // would be ambiguous, and a chat must never reach the public DHT unasked (--bootstrap switches to mainline).
        NodeConfig base = node.load(() -> NodeConfig.builder().dhtProvider("inmemory").build());
        // The in-process transport has no socket to bind (its table refuses bind_address).
        List<String> running = node.bind() == null ? List.of() : registry.selectAll(TransportProvider.class,
                base.providers().transports()).stream().map(TransportProvider::id)
                .filter(id -> !id.equals(IN_PROCESS_TRANSPORT)).toList();
        return node.withBootstrap(node.withBind(base, running));
    }
}
