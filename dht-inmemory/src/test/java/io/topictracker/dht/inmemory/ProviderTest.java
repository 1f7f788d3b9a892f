package io.topictracker.dht.inmemory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.api.ConfigException;
import io.topictracker.api.ConfigTable;
import io.topictracker.api.dht.Dht;
import io.topictracker.api.dht.DhtContext;
import io.topictracker.api.dht.DhtProvider;
import io.topictracker.api.dht.MutableItem;
import io.topictracker.api.dht.MutableQuery;
import io.topictracker.tck.Await;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.ServiceLoader;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ProviderTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    /**
     * The provider as ServiceLoader finds it. On the module path these tests run inside the provider's module, which
     * declares {@code provides} but (being no consumer) no {@code uses}; the test adds the {@code uses} a consumer
     * such as the engine declares. On the class path the module is unnamed and this does nothing.
     */
    private DhtProvider provider() {
        ProviderTest.class.getModule().addUses(DhtProvider.class);
        return ServiceLoader.load(DhtProvider.class).stream().map(ServiceLoader.Provider::get)
                .filter(p -> p.id().equals("inmemory")).findFirst().orElseThrow();
    }

    private DhtContext context(Map<String, ?> table) {
        return new DhtContext(ConfigTable.of("dht.inmemory", table), TestNetwork.SIGNING, Clock.systemUTC(), scheduler);
    }

    @Test
    void dhtsNamingOneNetworkShareItemsAndOthersDoNot() {
        String name = "provider-test-" + System.nanoTime();
        try (Dht a = provider().create(context(Map.of("network", name)));
                Dht b = provider().create(context(Map.of("network", name)));
                Dht c = provider().create(context(Map.of("network", name + "-other")))) {
            for (Dht d : List.of(a, b, c)) {
                Await.result(d.start(), WAIT);
            }
            var key = TestNetwork.SIGNING.generate();
            MutableItem item = MutableItem.sign(key, new byte[0], 1, "v".getBytes(StandardCharsets.UTF_8));
            Await.result(a.putMutable(item), WAIT);
            MutableQuery query = MutableQuery.of(key.publicKey(), new byte[0], OptionalLong.empty(), WAIT);
            List<MutableItem> inB = new ArrayList<>();
            Await.result(b.getMutable(query, inB::add), WAIT);
            List<MutableItem> inC = new ArrayList<>();
            Await.result(c.getMutable(query, inC::add), WAIT);
            assertEquals(List.of(item), inB);
            assertEquals(List.of(), inC);
        }
    }

    @Test
    void unknownKeysAndBadValuesAreErrorsNamingTheKey() {
        ConfigException unknown = assertThrows(ConfigException.class,
                () -> provider().create(context(Map.of("replica", 3L))));
        assertTrue(unknown.getMessage().contains("replica"), unknown.getMessage());
        ConfigException range = assertThrows(ConfigException.class,
                () -> provider().create(context(Map.of("replicas", 0L))));
        assertTrue(range.getMessage().contains("replicas"), range.getMessage());
        String name = "provider-conflict-" + System.nanoTime();
        try (Dht first = provider().create(context(Map.of("network", name, "replicas", 4L)))) {
            ConfigException conflict = assertThrows(ConfigException.class,
                    () -> provider().create(context(Map.of("network", name, "replicas", 5L))));
            assertTrue(conflict.getMessage().contains("network"), conflict.getMessage());
            assertEquals("inmemory", provider().id());
            assertTrue(first.toString().contains("NEW"), "a created DHT is not started: " + first);
        }
    }
}
