package io.topictracker.engine.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.api.Availability;
import io.topictracker.api.dht.DhtProvider;
import io.topictracker.api.signing.SigningProvider;
import io.topictracker.api.transport.TransportProvider;
import io.topictracker.engine.provider.FakeProviders.BrokenDht;
import io.topictracker.engine.provider.FakeProviders.FakeDht;
import io.topictracker.engine.provider.FakeProviders.FakeTransport;
import io.topictracker.engine.provider.FakeProviders.LoadableDht;
import io.topictracker.engine.provider.FakeProviders.NoIdDht;
import io.topictracker.engine.provider.FakeProviders.OtherDht;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProviderRegistryTest {
    private final FakeDht inmemory = new FakeDht("inmemory");
    private final FakeDht mainline = new FakeDht("mainline");

    @Test
    void theProviderNamedInConfigurationIsChosen() {
        ProviderRegistry registry = ProviderRegistry.builder().register(inmemory).register(mainline).build();

        assertSame(mainline, registry.select(DhtProvider.class, Optional.of("mainline")));
        assertSame(inmemory, registry.select(DhtProvider.class, Optional.of("inmemory")));
    }

    @Test
    void theSingleProviderIsChosenWhenNoneIsNamed() {
        ProviderRegistry registry = ProviderRegistry.builder().register(inmemory).build();

        assertSame(inmemory, registry.select(DhtProvider.class, Optional.empty()));
    }

    @Test
    void severalProvidersAndNoNameIsAnErrorListingThem() {
        ProviderRegistry registry = ProviderRegistry.builder().register(mainline).register(inmemory).build();

        ProviderException e = assertThrows(ProviderException.class,
                () -> registry.select(DhtProvider.class, Optional.empty()));
        assertEquals("several DHT providers found: [inmemory, mainline]; name one in the configuration: "
                + "[node] dht = \"mainline\"", e.getMessage());
    }

    @Test
    void aMissingProviderNamesWhatWasAskedWhatExistsAndWhatToAdd() {
        ProviderRegistry registry = ProviderRegistry.builder().register(inmemory).build();

        ProviderException e = assertThrows(ProviderException.class,
                () -> registry.select(DhtProvider.class, Optional.of("mainline")));
        assertEquals("no DHT provider 'mainline'; available: [inmemory]; add the dht-mainline module "
                + "(io.topictracker.dht.mainline) to the module path", e.getMessage());
    }

    @Test
    void aMissingThirdPartyProviderNamesTheSpiAndIdButInventsNoModule() {
        ProviderRegistry registry = ProviderRegistry.builder().register(inmemory).build();

        ProviderException e = assertThrows(ProviderException.class,
                () -> registry.select(DhtProvider.class, Optional.of("dirdht")));
        assertEquals("no DHT provider 'dirdht'; available: [inmemory]; add a module that provides "
                + "io.topictracker.api.dht.DhtProvider with id 'dirdht' to the module path (or its jar to the class "
                + "path)", e.getMessage());
    }

    @Test
    void aMissingFirstPartyTransportNamesItsModule() {
        ProviderRegistry registry = ProviderRegistry.builder().register(inmemory).build();

        ProviderException e = assertThrows(ProviderException.class,
                () -> registry.selectAll(TransportProvider.class, List.of("quic")));
        assertEquals("no transport provider 'quic'; available: []; add the transport-quic module "
                + "(io.topictracker.transport.quic) to the module path", e.getMessage());
    }

    @Test
    void noProviderAtAllNamesTheSpiToProvide() {
        ProviderRegistry registry = ProviderRegistry.builder().build();

        ProviderException e = assertThrows(ProviderException.class,
                () -> registry.select(TransportProvider.class, Optional.empty()));
        assertEquals("no transport provider found; add a module that provides "
                + "io.topictracker.api.transport.TransportProvider to the module path", e.getMessage());
    }

    @Test
    void duplicateIdsAreFatalAndNameBothClasses() {
        ProviderRegistry.Builder builder = ProviderRegistry.builder().register(mainline)
                .register(new OtherDht("mainline"));

        ProviderException e = assertThrows(ProviderException.class, builder::build);
        assertEquals("duplicate DHT provider id 'mainline': " + FakeDht.class.getName() + " (module unnamed) and "
                + OtherDht.class.getName() + " (module unnamed); remove one of them from the module path",
                e.getMessage());
    }

    @Test
    void aBrokenProviderIsReportedWhileTheOthersWork(@TempDir Path dir) throws IOException {
        Path services = dir.resolve("META-INF/services");
        Files.createDirectories(services);
        Files.writeString(services.resolve(DhtProvider.class.getName()), String.join("\n",
                BrokenDht.class.getName(),
                "io.topictracker.engine.provider.NoSuchProvider",
                LoadableDht.class.getName(),
                NoIdDht.class.getName()) + "\n");

        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()},
                getClass().getClassLoader())) {
            ProviderRegistry registry = ProviderRegistry.discover(loader);

            assertEquals("inmemory", registry.select(DhtProvider.class, Optional.empty()).id());
            assertEquals(3, registry.problems().size(), registry.problems().toString());
            assertTrue(registry.problems().get(0).description().contains(BrokenDht.class.getName()),
                    registry.problems().get(0).description());
            assertTrue(registry.problems().get(0).description().contains("native library missing"),
                    registry.problems().get(0).description());
            assertTrue(registry.problems().get(1).description().contains("NoSuchProvider"),
                    registry.problems().get(1).description());
            assertTrue(registry.problems().get(2).description().contains("id lookup failed"),
                    registry.problems().get(2).description());
            // The signing provider the engine ships is found through the same loader and still selectable.
            assertEquals("ed25519-bc", registry.select(SigningProvider.class, Optional.empty()).id());
        }
    }

    @Test
    void anUnavailableProviderIsNeverChosenAndAskingForItNamesTheCause() {
        FakeTransport quic = new FakeTransport("quic",
                Availability.unavailable(new UnsatisfiedLinkError("no netty_quiche in java.library.path")));
        FakeTransport tcp = new FakeTransport("tcp", Availability.AVAILABLE);
        ProviderRegistry registry = ProviderRegistry.builder().register(quic).register(tcp).build();

        assertSame(tcp, registry.select(TransportProvider.class, Optional.empty()));
        assertEquals(List.of(tcp), registry.selectAll(TransportProvider.class, List.of()));
        assertEquals(List.of(tcp), registry.selectAll(TransportProvider.class, List.of("quic", "tcp")),
                "listed with another, the unavailable one is skipped");
        ProviderException e = assertThrows(ProviderException.class,
                () -> registry.selectAll(TransportProvider.class, List.of("quic")));
        assertEquals("transport provider 'quic' (module unnamed) is unavailable here: "
                + "java.lang.UnsatisfiedLinkError: no netty_quiche in java.library.path", e.getMessage());
    }

    @Test
    void selectAllKeepsTheNamedOrderAndRejectsRepeats() {
        FakeTransport quic = new FakeTransport("quic", Availability.AVAILABLE);
        FakeTransport tcp = new FakeTransport("tcp", Availability.AVAILABLE);
        ProviderRegistry registry = ProviderRegistry.builder().register(tcp).register(quic).build();

        assertEquals(List.of(quic, tcp), registry.selectAll(TransportProvider.class, List.of("quic", "tcp")));
        ProviderException e = assertThrows(ProviderException.class,
                () -> registry.selectAll(TransportProvider.class, List.of("tcp", "tcp")));
        assertEquals("transport provider 'tcp' is named twice in [tcp, tcp]", e.getMessage());
    }

    @Test
    void withNoTransportNamedQuicComesFirstThenTcpThenTheOthersInDiscoveryOrder() {
        FakeTransport tcp = new FakeTransport("tcp", Availability.AVAILABLE);
        FakeTransport inmemory = new FakeTransport("inmemory", Availability.AVAILABLE);
        FakeTransport quic = new FakeTransport("quic", Availability.AVAILABLE);
        FakeTransport mine = new FakeTransport("mine", Availability.AVAILABLE);
        ProviderRegistry registry = ProviderRegistry.builder().register(tcp).register(inmemory).register(quic)
                .register(mine).build();

        assertEquals(List.of(quic, tcp, inmemory, mine), registry.selectAll(TransportProvider.class, List.of()));
        assertEquals(List.of(tcp, quic), registry.selectAll(TransportProvider.class, List.of("tcp", "quic")),
                "a named order still wins");
        ProviderRegistry withoutQuic = ProviderRegistry.builder().register(mine).register(tcp).build();
        assertEquals(List.of(tcp, mine), withoutQuic.selectAll(TransportProvider.class, List.of()));
    }

    @Test
    void discoveryFindsTheEnginesSigningProviderWithItsModuleAndVersion() {
        ProviderRegistry registry = ProviderRegistry.discover();

        ProviderInfo info = registry.providers(ProviderKind.SIGNING).stream()
                .filter(p -> p.id().equals("ed25519-bc")).findFirst().orElseThrow();
        assertEquals("io.topictracker.signing.bc.BouncyCastleEd25519Provider", info.className());
        assertEquals("ed25519-bc", registry.select(SigningProvider.class, Optional.of("ed25519-bc")).id());
    }
}
