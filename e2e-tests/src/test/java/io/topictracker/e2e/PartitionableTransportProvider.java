package io.topictracker.e2e;

import io.topictracker.api.Availability;
import io.topictracker.api.PeerAddress;
import io.topictracker.api.PeerId;
import io.topictracker.api.dht.DhtProvider;
import io.topictracker.api.signing.SigningProvider;
import io.topictracker.api.transport.Connection;
import io.topictracker.api.transport.ConnectionListener;
import io.topictracker.api.transport.Transport;
import io.topictracker.api.transport.TransportContext;
import io.topictracker.api.transport.TransportException;
import io.topictracker.api.transport.TransportProvider;
import io.topictracker.engine.provider.ProviderRegistry;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A real transport provider (same id, same addresses) whose transports obey a {@link TransportPartition}: dials and
 * accepts across the cut are refused, and the partition closes connections across it when it starts. Everything
 * else is the wrapped transport's. Stateless and thread-safe.
 */
final class PartitionableTransportProvider implements TransportProvider {
    private final TransportProvider inner;
    private final TransportPartition partition;

    PartitionableTransportProvider(TransportProvider inner, TransportPartition partition) {
        this.inner = inner;
        this.partition = partition;
    }

    /**
     * @return the discovered signing and DHT providers ({@code ed25519-bc}, {@code inmemory}) and the named transports,
     *     each wrapped to obey {@code partition}; never null
     */
    static ProviderRegistry registry(TransportPartition partition, String... transports) {
        ProviderRegistry discovered = ProviderRegistry.discover();
        ProviderRegistry.Builder builder = ProviderRegistry.builder()
                .register(discovered.select(SigningProvider.class, Optional.of("ed25519-bc")))
                .register(discovered.select(DhtProvider.class, Optional.of("inmemory")));
        for (String id : transports) {
            builder.register(new PartitionableTransportProvider(
                    discovered.select(TransportProvider.class, Optional.of(id)), partition));
        }
        return builder.build();
    }

    @Override
    public String id() {
        return inner.id();
    }

    @Override
    public Availability availability() {
        return inner.availability();
    }

    @Override
    public Transport create(TransportContext context) {
        PeerId self = context.identity().peerId();
        TransportContext gated = new TransportContext(context.settings(), context.identity(), context.signing(),
                context.clock(), context.scheduler(), connection -> partition.admit(self, connection)
                        ? context.inbound().accepted(connection) : DISCARD);
        return new Gated(inner.create(gated), self);
    }

    /** The listener of a connection refused on arrival: it was closed before any frame could matter. */
    private static final ConnectionListener DISCARD = new ConnectionListener() {
        @Override
        public void onFrame(Connection connection, ByteBuffer frame) {}

        @Override
        public void onClosed(Connection connection, Throwable cause) {}
    };

    /** The wrapped transport, refusing dials across the cut. */
    private final class Gated implements Transport {
        private final Transport transport;
        private final PeerId self;

        Gated(Transport transport, PeerId self) {
            this.transport = transport;
            this.self = self;
        }

        @Override
        public String id() {
            return transport.id();
        }

        @Override
        public CompletableFuture<Void> start() {
            return transport.start();
        }

        @Override
        public List<PeerAddress> localAddresses() {
            return transport.localAddresses();
        }

        @Override
        public boolean handles(PeerAddress address) {
            return transport.handles(address);
        }

        @Override
        public CompletableFuture<Connection> connect(PeerId expected, PeerAddress address,
                ConnectionListener listener) {
            partition.dialed(transport.id());
            if (partition.refusesDial(self, expected)) {
                partition.refusedOne();
                return CompletableFuture.failedFuture(new TransportException(TransportException.Reason.CONNECT_FAILED,
                        "partitioned: " + self.shortText() + " cannot reach " + expected.shortText()));
            }
            return transport.connect(expected, address, listener).thenApply(connection -> {
                if (!partition.admit(self, connection)) {
                    throw new TransportException(TransportException.Reason.CONNECT_FAILED,
                            "partitioned while dialling " + expected.shortText());
                }
                return connection;
            });
        }

        @Override
        public void close() {
            transport.close();
        }
    }
}
