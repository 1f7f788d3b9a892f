package io.topictracker.transport.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.api.ConfigTable;
import io.topictracker.api.PeerAddress;
import io.topictracker.api.PeerId;
import io.topictracker.api.PeerInfo;
import io.topictracker.api.signing.SigningKeyPair;
import io.topictracker.api.signing.SigningProvider;
import io.topictracker.api.transport.Connection;
import io.topictracker.api.transport.ConnectionListener;
import io.topictracker.api.transport.NodeView;
import io.topictracker.api.transport.TransportContext;
import io.topictracker.tck.Await;
import io.topictracker.tck.TestSigning;
import io.topictracker.transport.relay.internal.RelaySettings;
import io.topictracker.transport.relay.internal.RelayTransport;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Issue 15's relay figures for BENCHMARKS.md, not part of CI (the class name is outside surefire's default includes):
 * one relayed connection on 127.0.0.1 (a relay and two peers in this JVM, each transport with its own event loop),
 * {@code relay.megabytes} (default 256) MB of 16 KiB frames from the dialler to the target, after a warm-up of 32
 * MB; throughput from the first frame sent to the last received, and the relay's CPU time per MB (the CPU time of its
 * event loop threads, {@code tt-relay-<relay id>-*}, over the run). Appends to {@code target/relay-measurements.txt}.
 *
 * <pre>
 * mvn -B -o verify -pl transport-relay -am -Dtest=RelayThroughputMeasurement -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 */
class RelayThroughputMeasurement {
    private static final SigningProvider SIGNING = TestSigning.provider();
    private static final int FRAME = 16 * 1024;
    private static final Duration WAIT = Duration.ofMinutes(5);

    /** Membership: every node of this JVM is a member (the proofs are not what is measured). */
    private static final class Everyone implements NodeView {
        @Override
        public boolean reachable() {
            return false;
        }

        @Override
        public List<PeerInfo> knownPeers() {
            return List.of();
        }

        @Override
        public List<byte[]> membershipProofs(PeerId verifier) {
            return List.of(new byte[32]);
        }

        @Override
        public boolean isMember(PeerId claimant, List<byte[]> proofs) {
            return !proofs.isEmpty();
        }

        @Override
        public List<PeerAddress> confirmedAddresses() {
            return List.of();
        }
    }

    @Test
    void oneRelayedConnection() throws Exception {
        long megabytes = Long.getLong("relay.megabytes", 256);
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        List<RelayTransport> all = new ArrayList<>();
        AtomicLong received = new AtomicLong();
        ConnectionListener counting = new ConnectionListener() {
            @Override
            public void onFrame(Connection connection, ByteBuffer frame) {
                received.addAndGet(frame.remaining());
            }

            @Override
            public void onClosed(Connection connection, Throwable cause) {
            }
        };
        try {
            SigningKeyPair relayKeys = SIGNING.generate();
            RelayTransport relay = start(all, scheduler, relayKeys, Map.of("serve", "always", "reserve", "off",
                    "circuit_bytes", 1L << 40), counting);
            PeerAddress relayAddress = relay.localAddresses().get(0);
            SigningKeyPair targetKeys = SIGNING.generate();
            RelayTransport targetTransport = start(all, scheduler, targetKeys, Map.of("reserve", "always",
                    "relays", List.of(relayAddress.toString())), counting);
            Await.until(WAIT, "the target reserved", () -> !targetTransport.reservedAt().isEmpty());
            RelayTransport dialler = start(all, scheduler, SIGNING.generate(), Map.of("reserve", "off"), counting);
            Connection connection = Await.result(dialler.connect(targetKeys.peerId(), relayAddress, counting), WAIT);
            assertTrue(connection.relayedVia().isPresent());

            send(connection, 32L * 1024 * 1024, received); // warm-up: JIT, buffers, TLS
            // Linux names a thread by its first 15 characters: "tt-relay-" and 6 hex digits of the relay's id
            String relayThreads = ("tt-relay-" + relayKeys.peerId().shortText()).substring(0, 15);
            long cpuBefore = cpuOf(relayThreads);
            long bytes = megabytes * 1024 * 1024;
            long started = System.nanoTime();
            long ended = send(connection, bytes, received);
            long cpu = cpuOf(relayThreads) - cpuBefore;
            double seconds = (ended - started) / 1e9;
            double mb = bytes / (1024.0 * 1024.0);
            String line = String.format(Locale.ROOT, "relay, one relayed connection on 127.0.0.1, %d MB of %d KiB "
                    + "frames: %.1f MB/s; relay CPU %.2f ms per MB (%d processors, load average %.2f)", megabytes,
                    FRAME / 1024, mb / seconds, cpu / 1e6 / mb, Runtime.getRuntime().availableProcessors(),
                    Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]));
            System.out.println(line);
            Files.writeString(Path.of("target", "relay-measurements.txt"), line + "\n", StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            assertEquals(1, relay.servedCounts()[1], "one circuit carried it all");
        } finally {
            all.forEach(RelayTransport::close);
            scheduler.shutdownNow();
        }
    }

    /** Sends {@code bytes} more, honouring backpressure; @return when the last byte arrived */
    private static long send(Connection connection, long bytes, AtomicLong received) {
        long goal = received.get() + bytes;
        byte[] payload = new byte[FRAME];
        long sent = 0;
        while (sent < bytes) {
            if (!connection.isOpen()) {
                throw new AssertionError("the relayed connection closed after " + sent + " bytes");
            }
            if (!connection.isWritable()) {
                Await.result(connection.whenWritable(), WAIT);
                continue;
            }
            if (!connection.send(ByteBuffer.wrap(payload)).isCompletedExceptionally()) {
                sent += FRAME; // else refused (OVERLOADED in a race with the water mark): not queued, so resent
            }
        }
        Await.until(WAIT, "all bytes arrived", () -> received.get() >= goal);
        return System.nanoTime();
    }

    /** @return nanoseconds on a CPU of this process's threads whose name starts with {@code prefix} (Linux procfs) */
    private static long cpuOf(String prefix) throws java.io.IOException {
        long total = 0;
        try (java.nio.file.DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path task : tasks) {
                try {
                    if (Files.readString(task.resolve("comm")).strip().startsWith(prefix)) {
                        String schedstat = Files.readString(task.resolve("schedstat")).strip();
                        total += Long.parseLong(schedstat.substring(0, schedstat.indexOf(' ')));
                    }
                } catch (java.io.IOException ended) {
                    // the thread ended between listing and reading
                }
            }
        }
        return total;
    }

    private static RelayTransport start(List<RelayTransport> all, ScheduledExecutorService scheduler,
            SigningKeyPair keys, Map<String, Object> settings, ConnectionListener listener) {
        Map<String, Object> table = new HashMap<>(Map.of("bind_address", "127.0.0.1", "port", 0L,
                "check_interval", "100ms"));
        table.putAll(settings);
        TransportContext context = new TransportContext(ConfigTable.of("transport.relay", table), keys, SIGNING,
                Clock.systemUTC(), scheduler, connection -> listener);
        RelayTransport transport = new RelayTransport(context, RelaySettings.from(context.settings()));
        transport.attach(new Everyone());
        all.add(transport);
        Await.result(transport.start(), WAIT);
        return transport;
    }
}
