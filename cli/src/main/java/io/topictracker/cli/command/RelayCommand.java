package io.topictracker.cli.command;

import io.topictracker.api.ConfigTable;
import io.topictracker.cli.chat.ChatSession;
import io.topictracker.cli.support.CliContext;
import io.topictracker.cli.support.CliException;
import io.topictracker.cli.support.ExitCode;
import io.topictracker.engine.Node;
import io.topictracker.engine.config.NodeConfig;
import io.topictracker.engine.config.ProviderTables;
import io.topictracker.engine.provider.ProviderRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code topic-tracker relay}: a topic member that relays for the others (issue 15), as a deployment runs one on a
 * public host for peers behind symmetric NATs. It joins the topic (admission to the relay is membership of a topic
 * it joined) and sends nothing; it runs until SIGTERM/Ctrl-C or {@code --seconds}.
 */
@Command(name = "relay", mixinStandardHelpOptions = true,
        header = "Relay for the members of a topic that cannot reach each other directly.",
        description = {"Joins the topic and relays for its members: a member behind a symmetric NAT reserves here",
                "and advertises relay://HOST:PORT; others reach it through this node. Both ends run TLS 1.3 end",
                "to end inside the relayed stream, so this node forwards only ciphertext. Prints 'self: ID@ADDRESS'",
                "per address (the relay:// one is what members put in [transport.relay] relays), then neighbours",
                "as chat does. Without --config: transports tcp and relay, DHT inmemory (use --bootstrap).",
                "Runs until SIGTERM/Ctrl-C or --seconds."})
final class RelayCommand implements Callable<Integer> {
    private static final String RELAY = "relay";
    private final CliContext context;

    @Mixin
    private LoggingOption logging;

    @Mixin
    private TopicNodeOptions node;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "4100",
            description = "TCP port of the relay listener (0 = any free port); default ${DEFAULT-VALUE}.")
    private int port;

    @Option(names = "--serve", paramLabel = "MODE", defaultValue = "always",
            description = {"'always' (default: this host is known to be public) or 'auto' (relay only once",
                    "the node is confirmed reachable)."})
    private String serve;

    @Option(names = "--seconds", paramLabel = "N", defaultValue = "0",
            description = "Stop after N seconds (0 = run until stopped).")
    private long seconds;

    RelayCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        byte[] secret = node.secret();
        if (!serve.equals("always") && !serve.equals("auto")) {
            throw CliException.usage("--serve: expected 'always' or 'auto', got " + ConfigTable.excerpt(serve));
        }
        if (port < 0 || port > 65535) {
            throw CliException.usage("--port: expected 0-65535, got " + port);
        }
        if (seconds < 0) {
            throw CliException.usage("--seconds: expected 0 or more, got " + seconds);
        }
        NodeConfig nodeConfig = nodeConfig();
        ProviderRegistry registry = context.registry();
        Node.Builder builder = Node.builder().config(nodeConfig).registry(registry);
        node.applyKey(builder, registry, nodeConfig);
        ChatSession session = new ChatSession(builder.build(), context.out(), context.err());
        CountDownLatch stopped = new CountDownLatch(1);
        try (CloseOnShutdown closing = CloseOnShutdown.register(() -> {
            session.close();
            stopped.countDown();
        }, "relay-shutdown")) {
            session.open(node.topic(), secret, List.of());
            context.err().println("* relaying for topic members; stop with SIGTERM or Ctrl-C");
            context.err().flush();
            if (seconds > 0) {
                stopped.await(Duration.ofSeconds(seconds).toMillis(), TimeUnit.MILLISECONDS);
            } else {
                stopped.await();
            }
        } finally {
            session.close();
        }
        return ExitCode.OK;
    }

    private NodeConfig nodeConfig() {
        NodeConfig base = node.load(() -> NodeConfig.builder().dhtProvider("inmemory").transports(List.of("tcp", RELAY))
                .build());
        List<String> transports = base.providers().transports();
        if (!transports.isEmpty() && !transports.contains(RELAY)) {
            throw CliException.usage("--config " + node.config() + ": [node] transports " + transports
                    + " lacks \"relay\", which a relay needs");
        }
        Map<String, ConfigTable> transportTables = new HashMap<>(base.providerTables().transport());
        transportTables.put(RELAY, base.providerTables().transport(RELAY).with("serve", serve)
                .with("port", (long) port));
        NodeConfig served = TopicNodeOptions.with(base, base.providers(), new ProviderTables(
                base.providerTables().signing(), base.providerTables().dht(), transportTables));
        return node.withBootstrap(node.withBind(served, transports.isEmpty() ? List.of("tcp", RELAY) : transports));
    }
}
