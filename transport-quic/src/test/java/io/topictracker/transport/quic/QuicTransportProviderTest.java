package io.topictracker.transport.quic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.api.Availability;
import io.topictracker.api.ConfigTable;
import io.topictracker.api.PeerAddress;
import io.topictracker.api.transport.Transport;
import io.topictracker.api.transport.TransportContext;
import io.topictracker.api.transport.TransportProvider;
import io.topictracker.signing.bc.BouncyCastleEd25519Provider;
import io.topictracker.tck.Await;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class QuicTransportProviderTest {
    @Test
    void isFoundByServiceLoaderUnderItsId() {
        List<TransportProvider> found = ServiceLoader.load(TransportProvider.class).stream()
                .map(ServiceLoader.Provider::get).filter(p -> p.id().equals("quic")).toList();

        assertEquals(1, found.size());
        assertInstanceOf(QuicTransportProvider.class, found.get(0));
    }

    @Test
    void isAvailableWhereItsNativeLibraryLoads() {
        // This build ships the linux-x86_64 native jar; elsewhere the cause would say what failed to load.
        Availability availability = new QuicTransportProvider().availability();

        assertTrue(availability.isAvailable(), availability.toString());
    }

    @Test
    void anUnavailableTransportFailsToStartWithTheCause() {
        IOException cause = new IOException("no native QUIC library for this platform");
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        try {
            TransportContext context = new TransportContext(ConfigTable.empty("transport.quic"),
                    QuicTestNode.SIGNING.generate(), QuicTestNode.SIGNING, Clock.systemUTC(), scheduler,
                    connection -> new RecordingListener());
            QuicTransport transport = new QuicTransport(context, QuicSettings.defaults(),
                    Availability.unavailable(cause));

            Throwable failure = Await.failure(transport.start(), QuicTestNode.WAIT);

            assertInstanceOf(IllegalStateException.class, failure);
            assertSame(cause, failure.getCause());
            assertTrue(failure.getMessage().contains("no native QUIC library"), failure.getMessage());
            transport.close();
        } finally {
            scheduler.shutdownNow();
        }
    }

    @Test
    void advertisesTheConfiguredAddressesFirstThenItsBoundOne() throws Exception {
        var signing = new BouncyCastleEd25519Provider();
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        TransportContext context = new TransportContext(ConfigTable.of("transport.quic", Map.of("bind_address", "127.0.0.1",
                "advertise", List.of("quic://203.0.113.5:4433"))), signing.generate(), signing, Clock.systemUTC(),
                scheduler, connection -> null);
        Transport transport = new QuicTransportProvider().create(context);
        try {
            transport.start().get(30, TimeUnit.SECONDS);
            List<PeerAddress> advertised = transport.localAddresses();
            assertEquals(2, advertised.size(), advertised.toString());
            assertEquals(PeerAddress.parse("quic://203.0.113.5:4433"), advertised.get(0));
            assertEquals("127.0.0.1", advertised.get(1).host(), advertised.toString());
        } finally {
            transport.close();
            scheduler.shutdownNow();
        }
    }
}
