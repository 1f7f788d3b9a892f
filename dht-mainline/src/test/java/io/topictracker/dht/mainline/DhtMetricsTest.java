package io.topictracker.dht.mainline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.api.ConfigTable;
import io.topictracker.api.dht.MutableItem;
import io.topictracker.api.signing.SigningProvider;
import io.topictracker.signing.bc.BouncyCastleEd25519Provider;
import io.topictracker.tck.Await;
import io.topictracker.tck.CountingMetrics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The DHT meters of docs/metrics.md, counted by real nodes of a loopback testnet through the api facade. */
class DhtMetricsTest {
    private static final SigningProvider SIGNING = new BouncyCastleEd25519Provider();
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void aPutAndAnAnnounceMoveTheQueryLookupAndStorageMeters() {
        CountingMetrics metrics = new CountingMetrics();
        try (LocalTestnet net = LocalTestnet.builder(SIGNING).nodes(6).startTimeout(WAIT)
                .metrics(metrics).start()) {
            long putsInBefore = metrics.count("topictracker.dht.queries", "type", "put", "direction", "in",
                    "outcome", "ok");
            assertTrue(metrics.count("topictracker.dht.queries", "type", "find_node", "direction", "out",
                    "outcome", "ok") > 0, "bootstrapping sent find_node queries that were answered");
            assertTrue(metrics.timed("topictracker.dht.lookup.duration", "operation", "find_node") > 0);

            MutableItem item = MutableItem.sign(SIGNING.generate(), new byte[0], 1,
                    "metered".getBytes(StandardCharsets.UTF_8));
            Await.result(net.nodes().get(2).putMutable(item), WAIT);
            Await.result(net.nodes().get(3).announcePeer(new byte[20], 6881), WAIT);

            assertTrue(metrics.count("topictracker.dht.queries", "type", "put", "direction", "out", "outcome", "ok")
                    > 0);
            assertTrue(metrics.count("topictracker.dht.queries", "type", "put", "direction", "in", "outcome", "ok")
                    > putsInBefore);
            assertTrue(metrics.count("topictracker.dht.queries", "type", "announce_peer", "direction", "in",
                    "outcome", "ok") > 0);
            assertTrue(metrics.timed("topictracker.dht.lookup.duration", "operation", "get") > 0);
            assertTrue(metrics.timed("topictracker.dht.lookup.duration", "operation", "get_peers") > 0);
            // the gauges read the first node's sample, taken on its event loop every second
            Await.until(WAIT, "the first node's routing table sampled",
                    () -> metrics.gauge("topictracker.dht.routing.nodes", "family", "ipv4") >= 1);
            assertEquals(0, metrics.count("topictracker.dht.ratelimited"), "the testnet has no rate limit");
        }
        assertTrue(Double.isNaN(metrics.gauge("topictracker.dht.routing.nodes", "family", "ipv4")), "closing removed the gauges");
    }

    @Test
    void queriesOverThePerIpRateLimitAreCounted() {
        CountingMetrics metrics = new CountingMetrics();
        // one query per second per IP, a burst of 10: every node of the testnet shares 127.0.0.1
        ConfigTable limited = ConfigTable.of("dht.mainline", Map.of("rate_limit_per_ip", 1L));
        try (LocalTestnet net = LocalTestnet.builder(SIGNING).nodes(2).settings(limited)
                .startTimeout(WAIT).metrics(metrics).start()) {
            Await.until(WAIT, "a query refused by the rate limit", () -> {
                Await.result(net.nodes().get(1).getImmutable(new byte[20], Duration.ofMillis(300)), WAIT);
                return metrics.count("topictracker.dht.ratelimited") > 0;
            });
        }
    }
}
