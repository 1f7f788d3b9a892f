package com.example.dirdht;

import io.topictracker.api.ConfigTable;
import io.topictracker.api.dht.Dht;
import io.topictracker.tck.DhtContract;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.io.TempDir;

/** The dirdht provider passes the DHT contract: nodes sharing one temporary folder. */
class DirDhtContractTest extends DhtContract {
    @TempDir
    Path directory;

    @Override
    protected Network newNetwork() {
        return new Network() {
            private final List<DirDht> made = new CopyOnWriteArrayList<>();
            private volatile Duration delay = Duration.ZERO;

            @Override
            public Dht newDht() {
                ConfigTable table = ConfigTable.of("dht.dirdht", Map.of("directory", directory.toString()));
                DirDht dht = (DirDht) new DirDhtProvider().create(context(table));
                dht.delayForTest(delay);
                made.add(dht);
                return dht;
            }

            @Override
            public boolean slowDown(Duration by) {
                delay = by;
                made.forEach(dht -> dht.delayForTest(by));
                return true;
            }

            @Override
            public void close() {
                made.forEach(Dht::close);
            }
        };
    }
}
