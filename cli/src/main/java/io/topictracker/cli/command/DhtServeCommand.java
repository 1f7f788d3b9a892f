package io.topictracker.cli.command;

import io.topictracker.api.ConfigTable;
import io.topictracker.cli.support.CliContext;
import io.topictracker.cli.support.CliException;
import io.topictracker.cli.support.ExitCode;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "serve", mixinStandardHelpOptions = true,
        header = "Run a mainline DHT node (server mode) until SIGTERM, Ctrl-C or --seconds.",
        description = {"Prints 'dht-node: ADDRESS:PORT NODE_ID' once the node is ready. Without --bootstrap it",
                "is the first node of a network of its own (others join with --bootstrap ADDRESS:PORT).",
                "Standard input is not read (so '< /dev/null', nohup and systemd are fine) unless --stop-on-eof"
                        + " is given.",
                "On SIGTERM, SIGINT, --seconds or end of input it closes the node (saving --routing-table) and"
                        + " exits 0; if closing takes over 15 s it exits 1 anyway."})
final class DhtServeCommand extends DhtSubcommand {
    /** BEP5's customary DHT port, so a local node has an address known in advance; 0 picks any free port. */
    static final int DEFAULT_PORT = 6881;

    /**
     * The longest the node may take to close before the process exits anyway (status 1). The mainline provider
     * bounds its own close at about 10 s (5 s for the node to save its table and close its socket, 5 s for its
     * event loops), so 15 s lets a slow but healthy close finish; past it something is stuck. A service
     * manager's stop timeout must be above this (docs/systemd/topic-tracker-dht.service has 30 s).
     */
    static final Duration SHUTDOWN_BOUND = Duration.ofSeconds(15);

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "" + DEFAULT_PORT,
            description = "UDP port, 1 to 65535, or 0 for any free port (the ready line shows which; "
                    + "default: ${DEFAULT-VALUE}, BEP5's customary port).")
    private int port;

    @Option(names = "--seconds", paramLabel = "N", description = "Stop after N seconds (default: run on).")
    private Long seconds;

    @Option(names = "--stop-on-eof", description = "Also stop when standard input ends (for pipelines and "
            + "tests; without it input is not read).")
    private boolean stopOnEof;

    @Option(names = "--routing-table", paramLabel = "FILE", description = "Load the routing table from FILE "
            + "at start if it exists, and save it there when the node stops (its directory must exist).")
    private Path routingTable;

    @Option(names = "--rate-limit-per-ip", paramLabel = "N",
            description = "Queries answered per second from one IP, burst twice that; 0: no limit (default: 250, "
                    + "[dht.mainline] rate_limit_per_ip). Raise it when several local processes or a NAT full of "
                    + "nodes use this node: they all count as one IP.")
    private Integer rateLimitPerIp;

    @Mixin
    private MetricsOption metrics = new MetricsOption();

    @Option(names = "--status-interval", paramLabel = "DURATION", defaultValue = "1m",
            converter = Converters.TimeOrZero.class,
            description = "Print a status line on standard error this often: routing table, queries per second "
                    + "by type, stored items and peers, external address (default: ${DEFAULT-VALUE}; 0: never).")
    private Duration statusInterval;

    DhtServeCommand(CliContext context) {
        super(context);
    }

    @Override
    public Integer call() throws InterruptedException {
        if (port < 0 || port > 65535) {
            throw CliException.usage("--port must be 0 to 65535, got " + port);
        }
        if (seconds != null && seconds < 1) {
            throw CliException.usage("--seconds must be at least 1, got " + seconds);
        }
        if (rateLimitPerIp != null && (rateLimitPerIp < 0 || rateLimitPerIp > 10_000_000)) {
            throw CliException.usage("--rate-limit-per-ip must be 0 to 10000000, got " + rateLimitPerIp);
        }
        Map<String, Object> extra = new java.util.HashMap<>();
        if (routingTable != null) {
            extra.put("routing_table_file", checkedRoutingTable(routingTable).toString());
        }
        if (rateLimitPerIp != null) {
            extra.put("rate_limit_per_ip", (long) rateLimitPerIp);
        }
        byte[] id = new byte[20];
        new SecureRandom().nextBytes(id);
        String idHex = HexFormat.of().formatHex(id);
        // Handlers first: a SIGTERM while the node starts is kept and answered once it is up.
        try (StopSignals stop = StopSignals.install()) {
            ServeMonitoring monitoring = ServeMonitoring.start(metrics, statusInterval, context);
            DhtSession session;
            try {
                session = DhtSession.open(context, network, port, idHex, false, extra, monitoring.metrics());
            } catch (RuntimeException e) {
                monitoring.close();
                throw e;
            }
            BoundedClose closing = new BoundedClose(session::close, SHUTDOWN_BOUND, "dht-serve-close");
            // The hook covers what the handlers do not: SIGHUP, and signals this JVM cannot handle (-Xrs).
            try (monitoring; CloseOnShutdown hook = CloseOnShutdown.register(closing::close,
                    "dht-serve-shutdown")) {
                InetSocketAddress bound = session.boundAddress();
                // an IPv6 address in brackets, as --bootstrap takes it: [2001:db8:0:0:0:0:0:10]:6881
                String host = bound.getAddress() instanceof java.net.Inet6Address
                        ? "[" + bound.getAddress().getHostAddress() + "]" : bound.getAddress().getHostAddress();
                context.out().println("dht-node: " + host + ":" + bound.getPort() + " " + idHex);
                context.out().flush();
                monitoring.running(session.bitTorrent());
                if (stopOnEof) {
                    Thread reader = new Thread(() -> drain(context.in(), stop), "dht-serve-stdin");
                    reader.setDaemon(true);
                    reader.start();
                }
                String why = stop.await(seconds == null ? null : Duration.ofSeconds(seconds));
                context.err().println("dht-node: stopping (" + (why == null ? "--seconds " + seconds : why)
                        + ")");
                context.err().flush();
                if (!closing.close()) {
                    throw CliException.failed("the DHT node did not close within "
                            + ConfigTable.format(SHUTDOWN_BOUND) + "; exiting anyway", null);
                }
            }
        }
        return ExitCode.OK;
    }

    /** @return {@code file}, once it is known the node can write it: its directory exists, it is no directory */
    private static Path checkedRoutingTable(Path file) {
        Path absolute = file.toAbsolutePath();
        Path dir = absolute.getParent();
        if (Files.isDirectory(absolute)) {
            throw CliException.usage("--routing-table " + file + " is a directory; name a file in it");
        }
        if (dir == null || !Files.isDirectory(dir)) {
            throw CliException.usage("--routing-table " + file + ": directory " + dir + " does not exist");
        }
        if (!Files.isWritable(dir)) {
            throw CliException.usage("--routing-table " + file + ": directory " + dir + " is not writable");
        }
        return absolute;
    }

    private static void drain(InputStream in, StopSignals stop) {
        byte[] buffer = new byte[1024];
        try {
            while (in.read(buffer) >= 0) {
                // input is ignored; only its end matters
            }
        } catch (IOException e) {
            // a broken input ends the node like a closed one
        } finally {
            stop.request("end of input");
        }
    }
}
