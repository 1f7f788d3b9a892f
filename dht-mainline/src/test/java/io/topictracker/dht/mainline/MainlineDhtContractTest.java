package io.topictracker.dht.mainline;

import io.topictracker.api.ConfigTable;
import io.topictracker.api.dht.Dht;
import io.topictracker.api.dht.DhtContext;
import io.topictracker.api.signing.SigningProvider;
import io.topictracker.tck.DhtContract;
import io.topictracker.tck.TestSigning;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The DHT contract against the mainline provider: every DHT under test is a standalone node made by the provider
 * (its own event loop), joined to an 8-node loopback testnet. {@link Network#slowDown} holds every datagram each
 * node sends, through a test hook.
 */
class MainlineDhtContractTest extends DhtContract {
    private static final SigningProvider SIGNING = TestSigning.provider();

    @Override
    protected Network newNetwork() {
        LocalTestnet net = LocalTestnet.builder(SIGNING).nodes(8).startTimeout(Duration.ofSeconds(30)).start();
        List<Dht> made = new ArrayList<>();
        return new Network() {
            @Override
            public Dht newDht() {
                Map<String, Object> settings = Map.of("bind_address", "127.0.0.1", "port", 0L, "bootstrap",
                        List.of(net.bootstrapAddress()), "enforce_bep42", false, "rate_limit_per_ip", 0L,
                        "max_items_per_ip", 100_000L, "operation_timeout", "5s");
                Dht dht = new MainlineDhtProvider().create(new DhtContext(ConfigTable.of("dht.mainline", settings),
                        SIGNING, Clock.systemUTC(), net.scheduler()));
                made.add(dht);
                return dht;
            }

            @Override
            public SigningProvider signing() {
                return SIGNING;
            }

            @Override
            public boolean slowDown(Duration delay) {
                // real UDP: every node, ours under test and the testnet's, holds each datagram it sends
                made.forEach(dht -> ((MainlineDht) dht).delaySendsForTest(delay));
                net.nodes().forEach(dht -> dht.delaySendsForTest(delay));
                return true;
            }

            @Override
            public void close() {
                made.forEach(Dht::close);
                net.close();
            }
        };
    }
}
