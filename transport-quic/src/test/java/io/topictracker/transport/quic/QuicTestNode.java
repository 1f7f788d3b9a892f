package io.topictracker.transport.quic;

import io.topictracker.api.Availability;
import io.topictracker.api.ConfigTable;
import io.topictracker.api.PeerAddress;
import io.topictracker.api.PeerId;
import io.topictracker.api.signing.SigningKeyPair;
import io.topictracker.api.signing.SigningProvider;
import io.topictracker.api.transport.Connection;
import io.topictracker.api.transport.TransportContext;
import io.topictracker.signing.bc.BouncyCastleEd25519Provider;
import io.topictracker.tck.Await;
import io.topictracker.tls.NodeCredentials;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;

/** One started QUIC transport with its identity and a record of what it accepted. Close it after the test. */
final class QuicTestNode implements AutoCloseable {
    static final SigningProvider SIGNING = new BouncyCastleEd25519Provider();
    static final Duration WAIT = Duration.ofSeconds(20);

    final SigningKeyPair identity;
    final QuicTransport transport;
    /** Accepted connections and their listeners, in order. */
    final BlockingQueue<Accepted> accepted = new LinkedBlockingQueue<>();

    record Accepted(Connection connection, RecordingListener listener) {}

    QuicTestNode(ScheduledExecutorService scheduler, Map<String, ?> settings) {
        this(scheduler, settings, NodeCredentials::create);
    }

    QuicTestNode(ScheduledExecutorService scheduler, Map<String, ?> settings, CredentialsSource credentials) {
        this(scheduler, settings, credentials, null);
    }

    /** With {@code inbound} instead of recording accepted connections (then {@link #accepted} stays empty). */
    QuicTestNode(ScheduledExecutorService scheduler, Map<String, ?> settings, CredentialsSource credentials,
            io.topictracker.api.transport.InboundHandler inbound) {
        this(scheduler, settings, credentials, inbound, io.topictracker.api.metrics.Metrics.none());
    }

    /** As above, counting into {@code metrics}. */
    QuicTestNode(ScheduledExecutorService scheduler, Map<String, ?> settings, CredentialsSource credentials,
            io.topictracker.api.transport.InboundHandler inbound, io.topictracker.api.metrics.Metrics metrics) {
        this.identity = SIGNING.generate();
        Map<String, Object> withBind = new java.util.HashMap<>(settings);
        withBind.putIfAbsent("bind_address", "127.0.0.1"); // tests stay on loopback
        ConfigTable table = ConfigTable.of("transport.quic", withBind);
        TransportContext context = new TransportContext(table, identity, SIGNING, Clock.systemUTC(), scheduler,
                inbound != null ? inbound : connection -> {
                    RecordingListener listener = new RecordingListener();
                    accepted.add(new Accepted(connection, listener));
                    return listener;
                }, metrics);
        this.transport = new QuicTransport(context, QuicSettings.from(table), Availability.AVAILABLE, credentials);
        Await.result(transport.start(), WAIT);
    }

    PeerId id() {
        return identity.peerId();
    }

    PeerAddress address() {
        return transport.localAddresses().get(0);
    }

    /** Waits for the next accepted connection. */
    Accepted nextAccepted() {
        try {
            Accepted next = accepted.poll(WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            if (next == null) {
                throw new AssertionError("no connection accepted within " + WAIT);
            }
            return next;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() {
        transport.close();
    }
}
