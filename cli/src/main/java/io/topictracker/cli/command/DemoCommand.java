package io.topictracker.cli.command;

import io.topictracker.api.ConfigTable;
import io.topictracker.api.dht.DhtProvider;
import io.topictracker.api.signing.SigningProvider;
import io.topictracker.api.metrics.Metrics;
import io.topictracker.api.transport.TransportProvider;
import io.topictracker.cli.support.CliContext;
import io.topictracker.cli.support.CliException;
import io.topictracker.cli.support.ExitCode;
import io.topictracker.cli.demo.DemoConfigs;
import io.topictracker.cli.demo.DemoRun;
import io.topictracker.cli.demo.DemoSetup;
import io.topictracker.cli.demo.DemoSummary;
import io.topictracker.engine.config.NodeConfig;
import io.topictracker.engine.config.ProviderSelection;
import io.topictracker.engine.config.ProviderTables;
import io.topictracker.engine.provider.ProviderKind;
import io.topictracker.engine.provider.ProviderRegistry;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.ArrayList;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
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
        description = "Run a local swarm in this process: N nodes joining one topic through a DHT, then broadcasts; "
                + "prints progress and a summary. Any DHT and transport provider found here can be named (listed "
                + "below); with mainline the demo starts a loopback testnet for its nodes, with inmemory a network of "
                + "its own. Exit 0 only if every node joined and every message reached every other node.")
final class DemoCommand implements Callable<Integer> {
    private static final Pattern PROVIDER_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
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
            description = "Transport provider: any found here, e.g. quic or tcp (127.0.0.1, any free port) or "
                    + "inmemory (default: the first of --config's [node] transports, else quic when it is available "
                    + "here, else tcp).")
    private String transport;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "60s", converter = Converters.Time.class,
            description = "Give up after this long, e.g. 90s or 2m (default: ${DEFAULT-VALUE}).")
    private Duration timeout;

    @Option(names = "--topic", paramLabel = "NAME", defaultValue = "topic-tracker-demo",
            converter = Converters.TopicName.class,
            description = "Topic name (default: ${DEFAULT-VALUE}).")
    private String topic;

    @Option(names = "--dht", paramLabel = "ID",
            description = "DHT provider: any found here, e.g. mainline (a loopback testnet of "
                    + DemoCommand.TESTNET_NODES + " plain DHT nodes on 127.0.0.1 that the demo's nodes join) or "
                    + "inmemory (in-process) (default: --config's [node] dht, else mainline when it is available "
                    + "here, else inmemory).")
    private String dht;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", converter = Converters.FilePath.class,
            description = "Node configuration (TOML): its provider tables ([dht.ID], [transport.ID], [signing.ID]) "
                    + "go to every node, and its [node] signing, dht and transports are the defaults. The demo sets "
                    + "its own intervals and, over the tables of inmemory, mainline, tcp and quic, the addresses and "
                    + "networks of a one-process swarm; other sections of the file are not used.")
    private Path config;

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
        NodeConfig file = config == null ? null : ConfigFiles.load(config);
        ProviderSelection fromFile = file == null ? ProviderSelection.defaults() : file.providers();
        ProviderTables tables = file == null ? ProviderTables.none() : file.providerTables();
        // Fail before starting anything if a provider is missing (status 3, naming what exists and what to add).
        ProviderChoice dhtChoice = dht != null ? ProviderChoice.chosenWith(dht, "--dht")
                : fromFile.dht().map(id -> ProviderChoice.chosenWith(id, "--config ([node] dht)"))
                        .orElseGet(() -> ProviderChoice.preferring(registry, ProviderKind.DHT, DemoConfigs.MAINLINE,
                                DemoConfigs.IN_MEMORY));
        registry.select(DhtProvider.class, Optional.of(dhtChoice.id()));
        ProviderChoice transportChoice = transport != null ? ProviderChoice.chosenWith(transport, "--transport")
                : fromFile.transports().stream().findFirst()
                        .map(id -> ProviderChoice.chosenWith(id, "--config ([node] transports)"))
                        .orElseGet(() -> ProviderChoice.preferring(registry, ProviderKind.TRANSPORT, "quic", "tcp"));
        String chosen = transportChoice.id();
        registry.selectAll(TransportProvider.class, List.of(chosen));
        registry.select(SigningProvider.class, fromFile.signing());
        DemoSetup setup = new DemoSetup(fromFile.signing(), dhtChoice.id(), dhtChoice.reason(), chosen,
                transportChoice.reason(), tables, List.of());
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
            if (setup.dht().equals(DemoConfigs.MAINLINE)) {
                setup = setup.withMainlineBootstrap(startTestnet(testnet, progress));
            }
            serving = metrics.enabled() ? metrics.start() : null;
            if (serving != null) {
                serving.announce(progress);
            }
            summary = new DemoRun(registry, progress, nodes, messageCount, setup, topic, timeout,
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
        requireId("--dht", dht);
        requireId("--transport", transport);
    }

    /** An id is a word, as in {@code [node]}; which ids exist is the registry's to say (status 3). */
    private void requireId(String option, String id) {
        if (id != null && !PROVIDER_ID.matcher(id).matches()) {
            throw new ParameterException(spec.commandLine(), option + " must be a provider id (letters, digits, '-',"
                    + " '_' or '.'; see 'topic-tracker providers'), got " + ConfigTable.excerpt(id));
        }
    }
}
