package io.topictracker.transport.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.api.ConfigException;
import io.topictracker.api.ConfigTable;
import io.topictracker.api.PeerAddress;
import io.topictracker.api.transport.Transport;
import io.topictracker.api.transport.TransportContext;
import io.topictracker.api.transport.TransportProvider;
import io.topictracker.signing.bc.BouncyCastleEd25519Provider;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The provider is found by {@link ServiceLoader} under its id, and refuses a bad table when creating. */
class TcpTransportProviderTest {
    @Test
    void isFoundByServiceLoaderAsTcp() {
        List<String> ids = ServiceLoader.load(TransportProvider.class).stream()
                .map(provider -> provider.get().id())
                .toList();

        assertEquals(List.of("tcp"), ids);
    }

    @Test
    void createRefusesAnUnknownKeyWithoutStartingAnything() {
        var signing = new BouncyCastleEd25519Provider();
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        try {
            TransportContext context = new TransportContext(
                    ConfigTable.of("transport.tcp", Map.of("max_frame", 10L)), signing.generate(), signing,
                    Clock.systemUTC(), scheduler, connection -> null);

            ConfigException error = assertThrows(ConfigException.class, () -> new TcpTransportProvider().create(context));

            assertTrue(error.getMessage().contains("transport.tcp.max_frame"), error.getMessage());
            assertTrue(error.getMessage().contains("max_frame_size"), "names the known keys: " + error.getMessage());
        } finally {
            scheduler.shutdownNow();
        }
    }

    @Test
    void advertisesTheConfiguredAddressesFirstThenItsBoundOne() throws Exception {
        var signing = new BouncyCastleEd25519Provider();
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        TransportContext context = new TransportContext(ConfigTable.of("transport.tcp", Map.of("bind_address", "127.0.0.1",
                "advertise", List.of("tcp://203.0.113.5:4433"))), signing.generate(), signing, Clock.systemUTC(),
                scheduler, connection -> null);
        Transport transport = new TcpTransportProvider().create(context);
        try {
            transport.start().get(30, TimeUnit.SECONDS);
            List<PeerAddress> advertised = transport.localAddresses();
            assertEquals(2, advertised.size(), advertised.toString());
            assertEquals(PeerAddress.parse("tcp://203.0.113.5:4433"), advertised.get(0));
            assertEquals("127.0.0.1", advertised.get(1).host(), advertised.toString());
        } finally {
            transport.close();
            scheduler.shutdownNow();
        }
    }
}
