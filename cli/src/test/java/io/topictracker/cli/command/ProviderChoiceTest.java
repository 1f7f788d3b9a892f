package io.topictracker.cli.command;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.topictracker.api.Availability;
import io.topictracker.api.dht.Dht;
import io.topictracker.api.dht.DhtContext;
import io.topictracker.api.dht.DhtProvider;
import io.topictracker.engine.provider.ProviderKind;
import io.topictracker.engine.provider.ProviderRegistry;
import org.junit.jupiter.api.Test;

/**
 * The demo's default-provider rule, for the DHT: mainline when available, else inmemory, else the only one present,
 * with the reason.
 */
class ProviderChoiceTest {
    /** A DHT provider with an id and an availability; never creates anything. */
    private record FakeDht(String id, Availability availability) implements DhtProvider {
        @Override
        public Dht create(DhtContext context) {
            throw new UnsupportedOperationException("not used by the choice");
        }
    }

    private static ProviderChoice choose(FakeDht... providers) {
        ProviderRegistry.Builder builder = ProviderRegistry.builder();
        for (FakeDht p : providers) {
            builder.register(p);
        }
        return ProviderChoice.preferring(builder.build(), ProviderKind.DHT, "mainline", "inmemory");
    }

    @Test
    void thePreferredProviderWhenItIsAvailable() {
        assertEquals(new ProviderChoice("mainline", "default: mainline is available"),
                choose(new FakeDht("inmemory", Availability.AVAILABLE),
                        new FakeDht("mainline", Availability.AVAILABLE)));
    }

    @Test
    void theFallbackWithTheCauseWhenThePreferredOneIsUnavailable() {
        assertEquals(new ProviderChoice("inmemory", "default: mainline is unavailable here "
                        + "(java.lang.IllegalStateException: no UDP)"),
                choose(new FakeDht("inmemory", Availability.AVAILABLE),
                        new FakeDht("mainline", Availability.unavailable(new IllegalStateException("no UDP")))));
    }

    @Test
    void theFallbackWhenThePreferredOneIsNotOnThePath() {
        assertEquals(new ProviderChoice("inmemory", "default: no mainline provider on the module path"),
                choose(new FakeDht("inmemory", Availability.AVAILABLE)));
    }

    @Test
    void theOnlyProviderHereWhenNeitherDefaultIsOnThePath() {
        assertEquals(new ProviderChoice("dirdht", "default: no mainline provider on the module path, nor inmemory; "
                + "the only DHT provider here"), choose(new FakeDht("dirdht", Availability.AVAILABLE)));
    }
}
