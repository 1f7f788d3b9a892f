package io.topictracker.cli.command;

import io.topictracker.api.ConfigTable;
import io.topictracker.api.dht.BitTorrentDht;
import io.topictracker.api.dht.Dht;
import io.topictracker.api.dht.DhtContext;
import io.topictracker.api.dht.DhtProvider;
import io.topictracker.api.metrics.Metrics;
import io.topictracker.api.signing.SigningProvider;
import io.topictracker.cli.support.CliContext;
import io.topictracker.cli.support.CliException;
import io.topictracker.cli.support.ExitCode;
import io.topictracker.engine.provider.ProviderRegistry;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** One running DHT plus the scheduler its context needs; closing stops both. */
final class DhtSession implements AutoCloseable {
    final Dht dht;
    final SigningProvider signing;
    private final ScheduledThreadPoolExecutor scheduler;

    private DhtSession(Dht dht, SigningProvider signing, ScheduledThreadPoolExecutor scheduler) {
        this.dht = dht;
        this.signing = signing;
        this.scheduler = scheduler;
    }

    /**
     * Builds {@code [dht.mainline]} from the options, creates the DHT through the SPI and starts it.
     *
     * @throws io.topictracker.engine.provider.ProviderException (status 3) when mainline is not on the path
     */
    static DhtSession open(CliContext context, DhtNetworkOptions network, int port, String nodeIdHex,
            boolean requireBootstrap) {
        return open(context, network, port, nodeIdHex, requireBootstrap, Map.of());
    }

    /**
     * A node for one client operation ({@code dht get}, {@code put}, {@code announce}, {@code get-peers}): BEP43
     * read-only, since the process exits right after. A read-only node answers no queries, so other nodes keep it out
     * of their routing tables (instead of handing it out once it is gone), and it is no storage node for its own
     * lookups: a put is acknowledged only by nodes that outlive the command, and one that reached none fails rather
     * than report an item stored in the exiting process alone.
     *
     * @throws CliException usage error without {@code --bootstrap}
     */
    static DhtSession openClient(CliContext context, DhtNetworkOptions network) {
        return open(context, network, 0, null, true, Map.of("read_only", true));
    }

    /** As above, with further {@code [dht.mainline]} keys (the demo's loopback settings). */
    static DhtSession open(CliContext context, DhtNetworkOptions network, int port, String nodeIdHex,
            boolean requireBootstrap, Map<String, Object> extra) {
        return open(context, network, port, nodeIdHex, requireBootstrap, extra, Metrics.none());
    }

    /** As above, the DHT counting its meters (docs/metrics.md) into {@code metrics}. */
    static DhtSession open(CliContext context, DhtNetworkOptions network, int port, String nodeIdHex,
            boolean requireBootstrap, Map<String, Object> extra, Metrics metrics) {
        if (requireBootstrap && network.bootstrap.isEmpty()) {
            throw CliException.usage("--bootstrap HOST:PORT is required (a running node, e.g. one started with"
                    + " 'topic-tracker dht serve'); the public routers are never used by default");
        }
        ProviderRegistry registry = context.registry();
        DhtProvider provider = registry.select(DhtProvider.class, Optional.of(DhtCommand.PROVIDER));
        SigningProvider signing = registry.select(SigningProvider.class, Optional.empty());
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("bind_address", network.bind);
        values.put("port", (long) port);
        values.put("bootstrap", List.copyOf(network.bootstrap));
        if (nodeIdHex != null) {
            values.put("node_id", nodeIdHex);
        }
        values.putAll(extra);
        ConfigTable table = ConfigTable.of("dht." + DhtCommand.PROVIDER, "command line", values, Map.of());
        ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1, r -> {
            Thread thread = new Thread(r, "tt-cli-dht-sched");
            thread.setDaemon(true);
            return thread;
        });
        Dht dht = null;
        try {
            dht = provider.create(new DhtContext(table, signing, Clock.systemUTC(), scheduler, metrics));
            DhtSession.await(dht.start(), network.timeout, "starting the DHT node");
            return new DhtSession(dht, signing, scheduler);
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
                "DHT provider '" + DhtCommand.PROVIDER + "' did not report its UDP address", null));
    }

    BitTorrentDht bitTorrent() {
        if (dht instanceof BitTorrentDht bt) {
            return bt;
        }
        throw new CliException(ExitCode.PROVIDER_MISSING, "DHT provider '" + DhtCommand.PROVIDER
                + "' does not offer BitTorrent get_peers/announce (io.topictracker.api.dht.BitTorrentDht)");
    }

    @Override
    public void close() {
        dht.close();
        scheduler.shutdownNow();
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
}
