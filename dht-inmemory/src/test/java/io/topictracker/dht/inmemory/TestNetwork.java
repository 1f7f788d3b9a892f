package io.topictracker.dht.inmemory;

import io.topictracker.api.ConfigTable;
import io.topictracker.api.dht.Dht;
import io.topictracker.api.dht.DhtContext;
import io.topictracker.api.signing.SigningProvider;
import io.topictracker.tck.DhtContract;
import io.topictracker.tck.TestSigning;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/** A programmatic in-memory network with its own scheduler, for one test. */
final class TestNetwork implements DhtContract.Network {
    static final SigningProvider SIGNING = TestSigning.provider();

    final InMemoryNetwork network;
    final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(2, r -> {
        Thread t = new Thread(r, "test-scheduler");
        t.setDaemon(true);
        return t;
    });
    private final List<Dht> made = new CopyOnWriteArrayList<>();

    TestNetwork(InMemoryNetwork.Options options) {
        this.network = new InMemoryNetwork(options);
        scheduler.setRemoveOnCancelPolicy(true);
        // The network's own threads exist before its first DHT, so the contract never counts them as the DHTs'.
        scheduler.prestartAllCoreThreads();
    }

    TestNetwork() {
        this(InMemoryNetwork.Options.DEFAULTS);
    }

    DhtContext context() {
        return new DhtContext(ConfigTable.empty("dht.inmemory"), SIGNING, Clock.systemUTC(), scheduler);
    }

    @Override
    public InMemoryDht newDht() {
        return named(null);
    }

    InMemoryDht named(String name) {
        InMemoryDht dht = network.newDht(context(), name);
        made.add(dht);
        return dht;
    }

    @Override
    public SigningProvider signing() {
        return SIGNING;
    }

    @Override
    public boolean slowDown(Duration delay) {
        network.faults().latency(delay, Duration.ZERO);
        return true;
    }

    @Override
    public void close() {
        made.forEach(Dht::close);
        scheduler.shutdownNow();
    }
}
