package io.topictracker.cli.command;

import io.topictracker.api.ConfigTable;
import io.topictracker.api.dht.BitTorrentDht;
import io.topictracker.api.dht.Dht;
import io.topictracker.api.dht.DhtContext;
import io.topictracker.api.dht.DhtProvider;
import io.topictracker.api.dht.LookupSummary;
import io.topictracker.api.dht.MutableItem;
import io.topictracker.api.dht.MutableQuery;
import io.topictracker.api.dht.PutSummary;
import io.topictracker.api.signing.SigningKeyPair;
import io.topictracker.api.signing.SigningProvider;
import io.topictracker.cli.support.CliContext;
import io.topictracker.cli.support.CliException;
import io.topictracker.cli.support.ExitCode;
import io.topictracker.cli.support.Json;
import io.topictracker.engine.provider.ProviderRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code topic-tracker dht serve|get|put|announce|get-peers}: the mainline DHT on its own. The command reaches the
 * provider {@code mainline} through the {@link DhtProvider} SPI only (it cannot import the provider), hands it a
 * {@code [dht.mainline]} table built from the options, and uses the optional {@link BitTorrentDht} capability for
 * BEP5. Nothing defaults to the public routers: the clients need {@code --bootstrap}, and {@code serve} without it
 * starts a network of its own.
 */
@Command(name = "dht", mixinStandardHelpOptions = true,
        header = "Run a mainline DHT node, or get, put and announce through one.",
        description = {"Subcommands talk to the BitTorrent mainline DHT through the 'mainline' provider.",
                "Clients need --bootstrap HOST:PORT; the public routers are never used unless named."},
        synopsisSubcommandLabel = "COMMAND")
final class DhtCommand implements Runnable {
    static final String PROVIDER = "mainline";

    @Spec
    private CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing COMMAND: one of " + spec.subcommands().keySet());
    }

    /** @return the {@code dht} command with its subcommands */
    static CommandLine create(CliContext context) {
        CommandLine dht = new CommandLine(new DhtCommand());
        dht.addSubcommand(new Serve(context));
        dht.addSubcommand(new Get(context));
        dht.addSubcommand(new Put(context));
        dht.addSubcommand(new Announce(context));
        dht.addSubcommand(new GetPeers(context));
        return dht;
    }

    /** Options shared by every subcommand: where the node binds and whom it joins through. */
    static final class NetworkOptions {
        @Option(names = "--bootstrap", paramLabel = "HOST:PORT", converter = Converters.HostPort.class,
                description = "A node to join through (repeatable), e.g. 127.0.0.1:6881.")
        List<String> bootstrap = new ArrayList<>();

        @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
                converter = Converters.BindAddress.class, description = "Local address of the UDP socket (default: ${DEFAULT-VALUE}).")
        String bind;

        @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "15s", converter = Converters.Time.class,
                description = "Longest wait for start-up and for the operation (default: ${DEFAULT-VALUE}).")
        Duration timeout;
    }

    /** One running DHT plus the scheduler its context needs; closing stops both. */
    static final class Session implements AutoCloseable {
        final Dht dht;
        final SigningProvider signing;
        private final ScheduledThreadPoolExecutor scheduler;

        private Session(Dht dht, SigningProvider signing, ScheduledThreadPoolExecutor scheduler) {
            this.dht = dht;
            this.signing = signing;
            this.scheduler = scheduler;
        }

        /**
         * Builds {@code [dht.mainline]} from the options, creates the DHT through the SPI and starts it.
         *
         * @throws io.topictracker.engine.provider.ProviderException (status 3) when mainline is not on the path
         */
        static Session open(CliContext context, NetworkOptions network, int port, String nodeIdHex,
                boolean requireBootstrap) {
            return open(context, network, port, nodeIdHex, requireBootstrap, Map.of());
        }

        /** As above, with further {@code [dht.mainline]} keys (the demo's loopback settings). */
        static Session open(CliContext context, NetworkOptions network, int port, String nodeIdHex,
                boolean requireBootstrap, Map<String, Object> extra) {
            if (requireBootstrap && network.bootstrap.isEmpty()) {
                throw CliException.usage("--bootstrap HOST:PORT is required (a running node, e.g. one started with"
                        + " 'topic-tracker dht serve'); the public routers are never used by default");
            }
            ProviderRegistry registry = context.registry();
            DhtProvider provider = registry.select(DhtProvider.class, Optional.of(PROVIDER));
            SigningProvider signing = registry.select(SigningProvider.class, Optional.empty());
            Map<String, Object> values = new LinkedHashMap<>();
            values.put("bind_address", network.bind);
            values.put("port", (long) port);
            values.put("bootstrap", List.copyOf(network.bootstrap));
            if (nodeIdHex != null) {
                values.put("node_id", nodeIdHex);
            }
            values.putAll(extra);
            ConfigTable table = ConfigTable.of("dht." + PROVIDER, "command line", values, Map.of());
            ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1, r -> {
                Thread thread = new Thread(r, "tt-cli-dht-sched");
                thread.setDaemon(true);
                return thread;
            });
            Dht dht = null;
            try {
                dht = provider.create(new DhtContext(table, signing, Clock.systemUTC(), scheduler));
                await(dht.start(), network.timeout, "starting the DHT node");
                return new Session(dht, signing, scheduler);
            } catch (RuntimeException e) {
                if (dht != null) {
                    dht.close();
                }
                scheduler.shutdownNow();
                throw e;
            }
        }

        /** @return the node's bound UDP address (its real port when 0 was asked for), never null */
        InetSocketAddress boundAddress() {
            return bitTorrent().udpAddress().orElseThrow(() -> CliException.failed(
                    "DHT provider '" + PROVIDER + "' did not report its UDP address", null));
        }

        BitTorrentDht bitTorrent() {
            if (dht instanceof BitTorrentDht bt) {
                return bt;
            }
            throw new CliException(ExitCode.PROVIDER_MISSING, "DHT provider '" + PROVIDER
                    + "' does not offer BitTorrent get_peers/announce (io.topictracker.api.dht.BitTorrentDht)");
        }

        @Override
        public void close() {
            dht.close();
            scheduler.shutdownNow();
        }
    }

    /** Waits for a DHT future; a failure or timeout becomes status 1 naming what was being done. */
    static <T> T await(CompletableFuture<T> future, Duration timeout, String what) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            future.cancel(true);
            throw CliException.failed(what + ": interrupted", e);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw CliException.failed(what + ": no result within " + ConfigTable.format(timeout), e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof CliException cli) {
                throw cli;
            }
            throw CliException.failed(what + ": " + cause.getMessage(), cause);
        }
    }

    /**
     * What every {@code dht} subcommand shares: the context it prints to, the {@code --verbose} switch and the network
     * options. Picocli reads the annotated fields of a superclass too, so each subcommand declares only its own.
     * Instances are used on the command's thread only.
     */
    abstract static class NetworkSubcommand implements Callable<Integer> {
        /** Where output goes and which providers exist; never null. */
        final CliContext context;

        @Mixin
        private LoggingOption logging;

        /** Bind address, port, bootstrap nodes and timeout; never null. */
        @Mixin
        NetworkOptions network = new NetworkOptions();

        NetworkSubcommand(CliContext context) {
            this.context = context;
        }
    }

    private static byte[] salt(String salt) {
        byte[] bytes = salt.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > 64) {
            throw CliException.usage("--salt must be at most 64 bytes (UTF-8), got " + bytes.length);
        }
        return bytes;
    }

    @Command(name = "serve", mixinStandardHelpOptions = true,
            header = "Run a mainline DHT node (server mode) until input closes, SIGTERM or --seconds.",
            description = {"Prints 'dht-node: ADDRESS:PORT NODE_ID' once the node is ready. Without --bootstrap it",
                    "is the first node of a network of its own (others join with --bootstrap ADDRESS:PORT)."})
    static final class Serve extends NetworkSubcommand {
        /** BEP5's customary DHT port, so a local node has an address known in advance; 0 picks any free port. */
        static final int DEFAULT_PORT = 6881;

        @Option(names = "--port", paramLabel = "PORT", defaultValue = "" + DEFAULT_PORT,
                description = "UDP port, 1 to 65535, or 0 for any free port (the ready line shows which; "
                        + "default: ${DEFAULT-VALUE}, BEP5's customary port).")
        private int port;

        @Option(names = "--seconds", paramLabel = "N", description = "Stop after N seconds (default: run on).")
        private Long seconds;

        Serve(CliContext context) {
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
            byte[] id = new byte[20];
            new SecureRandom().nextBytes(id);
            String idHex = HexFormat.of().formatHex(id);
            Session session = Session.open(context, network, port, idHex, false);
            try (CloseOnShutdown closing = CloseOnShutdown.register(session::close, "dht-serve-shutdown")) {
                InetSocketAddress bound = session.boundAddress();
                context.out().println("dht-node: " + bound.getAddress().getHostAddress() + ":" + bound.getPort()
                        + " " + idHex);
                context.out().flush();
                CountDownLatch inputClosed = new CountDownLatch(1);
                Thread reader = new Thread(() -> drain(context.in(), inputClosed), "dht-serve-stdin");
                reader.setDaemon(true);
                reader.start();
                if (seconds == null) {
                    inputClosed.await();
                } else {
                    inputClosed.await(seconds, TimeUnit.SECONDS);
                }
            }
            return ExitCode.OK;
        }

        private static void drain(InputStream in, CountDownLatch closed) {
            byte[] buffer = new byte[1024];
            try {
                while (in.read(buffer) >= 0) {
                    // input is ignored; only its end matters
                }
            } catch (IOException e) {
                // a broken input ends the node like a closed one
            } finally {
                closed.countDown();
            }
        }
    }

    @Command(name = "put", mixinStandardHelpOptions = true,
            header = "Sign and store a BEP44 mutable item.",
            description = {"Signs VALUE with the Ed25519 key from --seed and stores it under (key, salt).",
                    "Without --seq: one more than the highest seq found, or 0."})
    static final class Put extends NetworkSubcommand {

        @Option(names = "--seed", required = true, paramLabel = "HEX32", converter = Converters.Hex32.class,
                description = "The signing key's 32-byte seed, 64 hex digits.")
        private Converters.HexValue seed;

        @Option(names = "--salt", defaultValue = "", paramLabel = "S", description = "Salt (UTF-8, at most 64 bytes).")
        private String salt;

        @Option(names = "--value", required = true, paramLabel = "V", description = "Value (UTF-8, at most 996 bytes).")
        private String value;

        @Option(names = "--seq", paramLabel = "N", description = "Sequence number, at least 0.")
        private Long seq;

        Put(CliContext context) {
            super(context);
        }

        @Override
        public Integer call() {
            byte[] saltBytes = salt(salt);
            byte[] valueBytes = value.getBytes(StandardCharsets.UTF_8);
            if (valueBytes.length > io.topictracker.api.dht.Bep44.MAX_VALUE_LENGTH) {
                throw CliException.usage("--value must be at most " + io.topictracker.api.dht.Bep44.MAX_VALUE_LENGTH
                        + " bytes (UTF-8), got " + valueBytes.length);
            }
            if (seq != null && seq < 0) {
                throw CliException.usage("--seq must be at least 0, got " + seq);
            }
            try (Session session = Session.open(context, network, 0, null, true)) {
                SigningKeyPair keys = session.signing.fromSeed(seed.bytes());
                long useSeq;
                if (seq != null) {
                    useSeq = seq;
                } else {
                    long[] highest = {-1};
                    MutableQuery query = MutableQuery.of(keys.publicKey(), saltBytes, OptionalLong.empty(),
                            network.timeout);
                    await(session.dht.getMutable(query, item -> highest[0] = Math.max(highest[0], item.seq())),
                            network.timeout.plusSeconds(1), "looking up the current seq");
                    useSeq = highest[0] + 1;
                }
                MutableItem item = MutableItem.sign(keys, saltBytes, useSeq, valueBytes);
                PutSummary summary = await(session.dht.putMutable(item), network.timeout, "put");
                HexFormat hex = HexFormat.of();
                context.out().println("put: pubkey " + hex.formatHex(keys.publicKey()) + " seq " + useSeq
                        + " target " + hex.formatHex(item.target()) + " acknowledged " + summary.acknowledged() + "/"
                        + summary.attempted());
                context.out().flush();
                return ExitCode.OK;
            }
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true,
            header = "Look up the BEP44 mutable items of a public key and salt.",
            description = {"Prints each distinct valid item found; status 1 if none was found."})
    static final class Get extends NetworkSubcommand {

        @Option(names = "--pubkey", required = true, paramLabel = "HEX32", converter = Converters.Hex32.class,
                description = "The item's 32-byte public key, 64 hex digits.")
        private Converters.HexValue pubkey;

        @Option(names = "--salt", defaultValue = "", paramLabel = "S", description = "Salt (UTF-8, at most 64 bytes).")
        private String salt;

        @Option(names = "--json", description = "One JSON object per item: pubkey, salt, seq, value, signature.")
        private boolean json;

        Get(CliContext context) {
            super(context);
        }

        @Override
        public Integer call() {
            byte[] saltBytes = salt(salt);
            try (Session session = Session.open(context, network, 0, null, true)) {
                MutableQuery query = MutableQuery.of(pubkey.bytes(), saltBytes, OptionalLong.empty(), network.timeout);
                HexFormat hex = HexFormat.of();
                LookupSummary summary = await(session.dht.getMutable(query, item -> {
                    String text = new String(item.value(), StandardCharsets.UTF_8);
                    if (json) {
                        Map<String, Object> entry = new LinkedHashMap<>();
                        entry.put("pubkey", hex.formatHex(item.publicKey()));
                        entry.put("salt", new String(item.salt(), StandardCharsets.UTF_8));
                        entry.put("seq", item.seq());
                        entry.put("value", text);
                        entry.put("signature", hex.formatHex(item.signature()));
                        context.out().println(Json.write(entry));
                    } else {
                        context.out().println("item: seq " + item.seq() + " value " + text);
                    }
                    context.out().flush();
                }), network.timeout.plusSeconds(1), "get");
                if (summary.itemsDelivered() == 0) {
                    context.err().println("topic-tracker: no item found (" + summary.nodesResponded()
                            + " nodes answered)");
                    return ExitCode.FAILED;
                }
                return ExitCode.OK;
            }
        }
    }

    @Command(name = "announce", mixinStandardHelpOptions = true, header = "BEP5 announce_peer for an info-hash.")
    static final class Announce extends NetworkSubcommand {

        @Option(names = "--infohash", required = true, paramLabel = "HEX20", converter = Converters.Hex20.class,
                description = "The 20-byte info-hash, 40 hex digits.")
        private Converters.HexValue infoHash;

        @Option(names = "--port", required = true, paramLabel = "P",
                description = "The peer port to announce, 1 to 65535 (0: the DHT socket's own port).")
        private int port;

        Announce(CliContext context) {
            super(context);
        }

        @Override
        public Integer call() {
            if (port < 0 || port > 65535) {
                throw CliException.usage("--port must be 0 to 65535, got " + port);
            }
            try (Session session = Session.open(context, network, 0, null, true)) {
                PutSummary summary = await(session.bitTorrent().announcePeer(infoHash.bytes(), port), network.timeout,
                        "announce");
                context.out().println("announced: " + HexFormat.of().formatHex(infoHash.bytes()) + " port " + port
                        + " acknowledged " + summary.acknowledged() + "/" + summary.attempted());
                context.out().flush();
                return ExitCode.OK;
            }
        }
    }

    @Command(name = "get-peers", mixinStandardHelpOptions = true, header = "BEP5 get_peers for an info-hash.",
            description = "Prints 'peer: HOST:PORT' per peer found, then a count.")
    static final class GetPeers extends NetworkSubcommand {

        @Option(names = "--infohash", required = true, paramLabel = "HEX20", converter = Converters.Hex20.class,
                description = "The 20-byte info-hash, 40 hex digits.")
        private Converters.HexValue infoHash;

        GetPeers(CliContext context) {
            super(context);
        }

        @Override
        public Integer call() {
            try (Session session = Session.open(context, network, 0, null, true)) {
                List<InetSocketAddress> peers = await(session.bitTorrent().getPeers(infoHash.bytes(), network.timeout),
                        network.timeout.plusSeconds(1), "get-peers");
                for (InetSocketAddress peer : peers) {
                    context.out().println("peer: " + peer.getAddress().getHostAddress() + ":" + peer.getPort());
                }
                context.out().println("peers found: " + peers.size());
                context.out().flush();
                return ExitCode.OK;
            }
        }
    }
}
