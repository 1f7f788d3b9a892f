package io.topictracker.engine;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.topictracker.api.Availability;
import io.topictracker.api.dht.Dht;
import io.topictracker.api.dht.DhtContext;
import io.topictracker.api.dht.DhtProvider;
import io.topictracker.api.dht.LookupSummary;
import io.topictracker.api.dht.MutableItem;
import io.topictracker.api.dht.MutableQuery;
import io.topictracker.api.dht.PutSummary;
import io.topictracker.api.transport.Transport;
import io.topictracker.api.transport.TransportContext;
import io.topictracker.api.transport.TransportProvider;
import io.topictracker.engine.config.NodeConfig;
import io.topictracker.engine.provider.ProviderException;
import io.topictracker.engine.provider.ProviderRegistry;
import io.topictracker.signing.bc.BouncyCastleEd25519Provider;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * A transport whose native library cannot load (a fake registered programmatically, as the QUIC provider reports it):
 * named alone, the node fails with the cause; named with another, the other is used and the registry's one warning
 * is all that is said.
 */
class NodeTransportAvailabilityTest {
    private static final UnsatisfiedLinkError CAUSE =
            new UnsatisfiedLinkError("no netty_quiche42_linux_x86_64 in java.library.path");

    private final List<String> created = new CopyOnWriteArrayList<>();

    @Test
    void anUnavailableTransportNamedAloneFailsWithItsCause() {
        ProviderRegistry registry = registry();
        ProviderException e = assertThrows(ProviderException.class, () -> Node.builder()
                .config(config(List.of("fakequic"))).registry(registry).build());
        assertEquals("transport provider 'fakequic' (module unnamed) is unavailable here: " + CAUSE, e.getMessage());
        assertSame(CAUSE, e.getCause());
        assertEquals(List.of(), created, "no transport was created");
    }

    @Test
    void anUnavailableTransportListedWithAnotherIsSkippedAndSaidOnce() {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        ProviderRegistry registry;
        System.setErr(new PrintStream(captured, true, UTF_8));
        try {
            registry = registry();
            Node node = Node.builder().config(config(List.of("fakequic", "faketcp"))).registry(registry).build();
            node.close();
        } finally {
            System.setErr(original);
        }
        assertEquals(List.of("faketcp"), created, "the available transport is used");
        List<String> lines = captured.toString(UTF_8).lines().filter(l -> l.contains("fakequic")).toList();
        assertEquals(1, lines.size(), "one line about the unavailable transport: " + lines);
        assertEquals(true, lines.get(0).contains("WARN") && lines.get(0).contains(CAUSE.getMessage()), lines.get(0));
    }

    private ProviderRegistry registry() {
        return ProviderRegistry.builder()
                .register(new BouncyCastleEd25519Provider())
                .register(new NoDht())
                .register(new Fake("fakequic", Availability.unavailable(CAUSE)))
                .register(new Fake("faketcp", Availability.AVAILABLE))
                .build();
    }

    private static NodeConfig config(List<String> transports) {
        return NodeConfig.builder().dhtProvider("nodht").transports(transports).build();
    }

    /** A transport provider that records each transport it creates; the transport does nothing. */
    private final class Fake implements TransportProvider {
        private final String id;
        private final Availability availability;

        Fake(String id, Availability availability) {
            this.id = id;
            this.availability = availability;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public Availability availability() {
            return availability;
        }

        @Override
        public Transport create(TransportContext context) {
            created.add(id);
            return ScriptedTransport.refusing(id, false);
        }
    }

    /** A DHT that is never asked anything in these tests. */
    private static final class NoDht implements DhtProvider {
        @Override
        public String id() {
            return "nodht";
        }

        @Override
        public Dht create(DhtContext context) {
            return new Dht() {
                @Override
                public CompletableFuture<Void> start() {
                    return CompletableFuture.completedFuture(null);
                }

                @Override
                public CompletableFuture<LookupSummary> getMutable(MutableQuery query, Consumer<MutableItem> onItem) {
                    return CompletableFuture.completedFuture(new LookupSummary(0, 0, 0));
                }

                @Override
                public CompletableFuture<PutSummary> putMutable(MutableItem item, OptionalLong cas) {
                    return CompletableFuture.completedFuture(new PutSummary(0, 0, 0));
                }

                @Override
                public void close() {
                }
            };
        }
    }
}
