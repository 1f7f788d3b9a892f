package io.topictracker.transport.inmemory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.api.ConfigTable;
import io.topictracker.api.PeerAddress;
import io.topictracker.api.PeerId;
import io.topictracker.api.signing.SigningKeyPair;
import io.topictracker.api.signing.SigningProvider;
import io.topictracker.api.transport.Connection;
import io.topictracker.api.transport.ConnectionListener;
import io.topictracker.api.transport.InboundHandler;
import io.topictracker.api.transport.Transport;
import io.topictracker.api.transport.TransportContext;
import io.topictracker.api.transport.TransportException;
import io.topictracker.tck.Await;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class InMemoryTransportTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final List<Transport> transports = new CopyOnWriteArrayList<>();

    /** Records frames and the close of every connection it listens to. */
    static final class Recorder implements ConnectionListener, InboundHandler {
        final List<byte[]> frames = new CopyOnWriteArrayList<>();
        final CompletableFuture<Connection> accepted = new CompletableFuture<>();
        final CompletableFuture<Void> closed = new CompletableFuture<>();

        @Override
        public ConnectionListener accepted(Connection connection) {
            accepted.complete(connection);
            return this;
        }

        @Override
        public void onFrame(Connection connection, ByteBuffer frame) {
            byte[] bytes = new byte[frame.remaining()];
            frame.get(bytes);
            frames.add(bytes);
        }

        @Override
        public void onClosed(Connection connection, Throwable cause) {
            closed.complete(null);
        }
    }

    record FakeKeys(byte[] publicKey) implements SigningKeyPair {
        @Override
        public byte[] seed() {
            return new byte[32];
        }

        @Override
        public byte[] sign(byte[] message) {
            return new byte[64];
        }
    }

    static final class FakeSigning implements SigningProvider {
        @Override
        public String id() {
            return "fake";
        }

        @Override
        public SigningKeyPair generate() {
            throw new UnsupportedOperationException();
        }

        @Override
        public SigningKeyPair fromSeed(byte[] seed32) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean verify(byte[] publicKey, byte[] message, byte[] signature) {
            return false;
        }
    }

    private Transport start(int key, InboundHandler inbound) {
        byte[] pub = new byte[32];
        Arrays.fill(pub, (byte) key);
        TransportContext context = new TransportContext(ConfigTable.of("transport.inmemory",
                Map.of("hub", "test-" + System.identityHashCode(this))), new FakeKeys(pub), new FakeSigning(),
                Clock.systemUTC(), scheduler, inbound);
        Transport transport = ServiceLoader.load(io.topictracker.api.transport.TransportProvider.class).stream()
                .map(ServiceLoader.Provider::get).filter(p -> p.id().equals("inmemory")).findFirst().orElseThrow()
                .create(context);
        Await.result(transport.start(), WAIT);
        transports.add(transport);
        return transport;
    }

    @AfterEach
    void close() {
        transports.forEach(Transport::close);
        scheduler.shutdownNow();
    }

    private static PeerId id(int key) {
        byte[] pub = new byte[32];
        Arrays.fill(pub, (byte) key);
        return PeerId.of(pub);
    }

    @Test
    void framesArriveWholeAndInOrderAndCloseReachesBothEnds() {
        Recorder server = new Recorder();
        Transport b = start(2, server);
        Transport a = start(1, c -> new Recorder());
        Recorder client = new Recorder();
        PeerAddress address = b.localAddresses().get(0);
        assertEquals("inmemory", address.transport());
        Connection connection = Await.result(a.connect(id(2), address, client), WAIT);
        assertEquals(id(2), connection.remote());
        for (int i = 0; i < 100; i++) {
            connection.send(ByteBuffer.wrap(new byte[] {(byte) i}));
        }
        connection.close();
        Await.result(server.closed, WAIT);
        assertEquals(100, server.frames.size(), "frames sent before close are delivered");
        for (int i = 0; i < 100; i++) {
            assertArrayEquals(new byte[] {(byte) i}, server.frames.get(i));
        }
        assertEquals(id(1), Await.result(server.accepted, WAIT).remote());
        Await.result(client.closed, WAIT);
    }

    @Test
    void aWrongIdentityOrUnknownAddressFails() {
        Transport b = start(2, new Recorder());
        Transport a = start(1, new Recorder());
        Throwable mismatch = Await.failure(a.connect(id(3), b.localAddresses().get(0), new Recorder()), WAIT);
        assertEquals(TransportException.Reason.IDENTITY_MISMATCH, ((TransportException) mismatch).reason());
        Throwable unknown = Await.failure(a.connect(id(2), PeerAddress.parse("inmemory://nowhere:9"),
                new Recorder()), WAIT);
        assertEquals(TransportException.Reason.CONNECT_FAILED, ((TransportException) unknown).reason());
        Throwable scheme = Await.failure(a.connect(id(2), PeerAddress.parse("tcp://127.0.0.1:9"), new Recorder()),
                WAIT);
        assertEquals(TransportException.Reason.UNSUPPORTED_ADDRESS, ((TransportException) scheme).reason());
    }

    @Test
    void anOverSizeFrameIsRefused() {
        Transport b = start(2, new Recorder());
        Transport a = start(1, new Recorder());
        Connection connection = Await.result(a.connect(id(2), b.localAddresses().get(0), new Recorder()), WAIT);
        Throwable tooLarge = Await.failure(connection.send(ByteBuffer.allocate((1 << 20) + 1)), WAIT);
        assertInstanceOf(TransportException.class, tooLarge);
        assertEquals(TransportException.Reason.FRAME_TOO_LARGE, ((TransportException) tooLarge).reason());
        assertTrue(connection.isOpen());
    }

    @Test
    void closingATransportClosesItsConnections() {
        Recorder server = new Recorder();
        Transport b = start(2, server);
        Transport a = start(1, new Recorder());
        Recorder client = new Recorder();
        Await.result(a.connect(id(2), b.localAddresses().get(0), client), WAIT);
        Await.result(server.accepted, WAIT);
        b.close();
        Await.result(client.closed, WAIT);
    }
}
