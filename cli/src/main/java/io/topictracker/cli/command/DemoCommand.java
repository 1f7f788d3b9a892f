package io.topictracker.cli.command;

import io.topictracker.api.dht.DhtProvider;
import io.topictracker.api.metrics.Metrics;
import io.topictracker.api.transport.TransportProvider;
import io.topictracker.cli.support.CliContext;
import io.topictracker.cli.support.CliException;
import io.topictracker.cli.support.ExitCode;
import io.topictracker.cli.demo.DemoConfigs;
import io.topictracker.cli.demo.DemoRun;
import io.topictracker.cli.demo.DemoSummary;
import io.topictracker.engine.provider.ProviderKind;
import io.topictracker.engine.provider.ProviderRegistry;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.ArrayList;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code topic-tracker demo}: a local swarm in one process.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        header = "Run a local swarm in this process and print a summary.",
        description = {"Run a local swarm in this process: a loopback mainline DHT testnet (or the in-process DHT),",
                "N nodes on loopback joining one topic, then broadcasts; prints progress and a summary. Exit 0",
                "only if every node joined and every message reached every other node."})
final class DemoCommand implements Callable<Integer> {
    /** Plain DHT nodes of the loopback mainline testnet besides the demo's own nodes. */
    static final int TESTNET_NODES = 4;

    private final CliContext context;

    @Spec
    private CommandSpec spec;

    @Mixin
    private LoggingOption logging;

    @Option(names = {"-n", "--nodes"}, paramLabel = "N", defaultValue = "12",
            description = "Nodes in the swarm, 2-200 (default: ${DEFAULT-VALUE}).")
    private int nodes;

    @Option(names = {"-m", "--messages"}, paramLabel = "M",
            description = "Messages to broadcast, sent in turn by the nodes (default: one per node).")
    private Integer messages;

    @Option(names = "--transport", paramLabel = "ID",
            description = "Transport provider: quic or tcp (127.0.0.1, any free port) or inmemory "
                    + "(default: quic when it is available here, else tcp).")
    private String transport;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "60s", converter = Converters.Time.class,
            description = "Give up after this long, e.g. 90s or 2m (default: ${DEFAULT-VALUE}).")
    private Duration timeout;

    @Option(names = "--topic", paramLabel = "NAME", defaultValue = "topic-tracker-demo",
            converter = Converters.TopicName.class,
            description = "Topic name (default: ${DEFAULT-VALUE}).")
    private String topic;

    @Option(names = "--dht", paramLabel = "ID",
            description = {"DHT: mainline (a loopback mainline testnet of " + DemoCommand.TESTNET_NODES
                    + " plain DHT nodes on 127.0.0.1 that the demo's",
                    "nodes join) or inmemory (in-process) (default: mainline when it is available here, else "
                            + "inmemory)."})
    private String dht;

    @Mixin
    private MetricsOption metrics = new MetricsOption();

    @Option(names = "--json", description = "Print the summary as one JSON object on standard output "
            + "(progress goes to standard error).")
    private boolean json;

    DemoCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        validate();
        ProviderRegistry registry = context.registry();
        // Fail before starting anything if a provider is missing (status 3, naming what to add).
        ProviderChoice dhtChoice = dht != null ? ProviderChoice.chosenWith(dht, "--dht")
                : ProviderChoice.preferring(registry, ProviderKind.DHT, "mainline", "inmemory");
        registry.select(DhtProvider.class, Optional.of(dhtChoice.id()));
        ProviderChoice transportChoice = transport != null ? ProviderChoice.chosenWith(transport, "--transport")
                : ProviderChoice.preferring(registry, ProviderKind.TRANSPORT, "quic", "tcp");
        String chosen = transportChoice.id();
        registry.selectAll(TransportProvider.class, List.of(chosen));
        PrintWriter progress = json ? context.err() : context.out();
        int messageCount = messages == null ? nodes : messages;
        progress.println("demo: " + nodes + " nodes, " + messageCount + " message(s), transport " + chosen
                + " (" + transportChoice.reason() + "), dht " + dhtChoice.id() + " (" + dhtChoice.reason()
                + "), timeout " + timeout.toSeconds() + " s");
        progress.println("demo: fast intervals for a local demo: " + DemoConfigs.describeFastIntervals());
        progress.flush();
        DemoSummary summary;
        List<DhtSession> testnet = new ArrayList<>();
        MetricsOption.Serving serving = null;
        try {
            List<String> bootstrap = dhtChoice.id().equals("mainline") ? startTestnet(testnet, progress) : List.of();
            serving = metrics.enabled() ? metrics.start() : null;
            if (serving != null) {
                serving.announce(progress);
            }
            summary = new DemoRun(registry, progress, nodes, messageCount, chosen, transportChoice.reason(),
                    dhtChoice.reason(), topic, timeout, bootstrap,
                    serving != null ? serving.metrics() : Metrics.none()).run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CliException.failed("interrupted", e);
        } finally {
            testnet.forEach(DhtSession::close);
            if (serving != null) {
                serving.close();
            }
        }
        if (json) {
            context.out().println(summary.toJson());
        } else {
            context.out().print(summary.toText());
        }
        context.out().flush();
        return summary.ok() ? ExitCode.OK : ExitCode.FAILED;
    }

    /**
     * Starts the loopback testnet through the DHT SPI (the command cannot use the provider's own LocalTestnet): the
     * first node on any free UDP port with no bootstrap, the others joining through it.
     *
     * @return the testnet's first node, "127.0.0.1:port"
     */
    private List<String> startTestnet(List<DhtSession> testnet, PrintWriter progress) {
        DhtNetworkOptions first = new DhtNetworkOptions();
        first.timeout = timeout;
        DhtSession seedNode = DhtSession.open(context, first, 0, null, false,
                DemoConfigs.MAINLINE_LOOPBACK);
        testnet.add(seedNode);
        String seed = "127.0.0.1:" + seedNode.boundAddress().getPort();
        DhtNetworkOptions others = new DhtNetworkOptions();
        others.timeout = timeout;
        others.bootstrap = List.of(seed);
        for (int i = 1; i < TESTNET_NODES; i++) {
            testnet.add(DhtSession.open(context, others, 0, null, true, DemoConfigs.MAINLINE_LOOPBACK));
        }
        progress.println("demo: loopback mainline testnet of " + TESTNET_NODES + " DHT nodes, first at " + seed);
        progress.flush();
        return List.of(seed);
    }

    private void validate() {
        if (nodes < 2 || nodes > 200) {
            throw new ParameterException(spec.commandLine(), "--nodes must be 2 to 200, got " + nodes);
        }
        if (messages != null && (messages < 1 || messages > 10_000)) {
            throw new ParameterException(spec.commandLine(), "--messages must be 1 to 10000, got " + messages);
        }
        if (dht != null && !dht.equals("inmemory") && !dht.equals("mainline")) {
            throw new ParameterException(spec.commandLine(), "--dht must be inmemory or mainline, got '" + dht + "'");
        }
        if (transport != null && !List.of("quic", "tcp", "inmemory").contains(transport)) {
            throw new ParameterException(spec.commandLine(),
                    "--transport must be quic, tcp or inmemory, got '" + transport + "'");
        }
    }
}
