package io.topictracker.cli.command;

import io.topictracker.api.dht.BitTorrentDht;
import io.topictracker.api.metrics.Metrics;
import io.topictracker.cli.metrics.DhtStatusLine;
import io.topictracker.cli.support.CliContext;
import java.time.Duration;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * What {@code dht serve} adds around its node for operators: a meter registry always (the status line reads it),
 * the {@code --metrics} endpoint when asked, and the status line on standard error every {@code --status-interval}
 * (none for 0). Created before the node (so a metrics port in use fails first), told when the node runs, closed after
 * it. Used by the command's thread; the status timer is a daemon thread of its own.
 */
final class ServeMonitoring implements AutoCloseable {
    private final MetricsOption.Serving serving;
    private final Duration statusInterval;
    private final CliContext context;
    private ScheduledThreadPoolExecutor timer;

    private ServeMonitoring(MetricsOption.Serving serving, Duration statusInterval, CliContext context) {
        this.serving = serving;
        this.statusInterval = statusInterval;
        this.context = context;
    }

    /** @throws io.topictracker.cli.support.CliException (status 1) if the metrics address cannot be bound */
    static ServeMonitoring start(MetricsOption option, Duration statusInterval, CliContext context) {
        return new ServeMonitoring(option.start(), statusInterval, context);
    }

    /** @return what the node's DHT counts into */
    Metrics metrics() {
        return serving.metrics();
    }

    /** The node is up: prints the metrics URL (if serving) and starts the status line (if an interval is set). */
    void running(BitTorrentDht dht) {
        serving.announce(context.out());
        if (statusInterval.isZero()) {
            return;
        }
        DhtStatusLine status = new DhtStatusLine(serving.registry, dht::externalAddress);
        timer = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, "tt-dht-status");
            thread.setDaemon(true);
            return thread;
        });
        long millis = statusInterval.toMillis();
        timer.scheduleAtFixedRate(() -> {
            context.err().println(status.next());
            context.err().flush();
        }, millis, millis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
        serving.close();
    }
}
