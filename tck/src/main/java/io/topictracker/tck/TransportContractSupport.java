package io.topictracker.tck;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.topictracker.api.ConfigTable;
import io.topictracker.api.PeerAddress;
import io.topictracker.api.PeerId;
import io.topictracker.api.signing.SigningKeyPair;
import io.topictracker.api.transport.Connection;
import io.topictracker.api.transport.ConnectionListener;
import io.topictracker.api.transport.Transport;
import io.topictracker.api.transport.TransportContext;
import io.topictracker.api.transport.TransportException;
import io.topictracker.api.transport.TransportException.Reason;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What every transport contract shares: the transport under test, peers started on 127.0.0.1 and closed after each
 * test, a recorder of frames and closes, and the frame pattern. Each behaviour is its own contract class (as Netty's
 * testsuite has one class per behaviour); a provider's tests extend each and return the same
 * {@link TransportUnderTest}.
 *
 * <p>Tests bind 127.0.0.1 only and wait on events with bounded timeouts. One instance per test method (JUnit's
 * default); not for concurrent use.
 */
public abstract class TransportContractSupport {
    /** The bound on every wait; generous because CI machines are shared. */
    protected static final Duration WAIT = Duration.ofSeconds(20);

    private final List<Peer> peers = new ArrayList<>();
    private ScheduledExecutorService scheduler;
    private Set<Thread> threadsBefore = Set.of();

    /** @return the transport under test and its hooks, never null */
    protected abstract TransportUnderTest transport();

    @BeforeEach
    void createScheduler() {
        scheduler = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "tck-transport-scheduler");
            thread.setDaemon(true);
            return thread;
        });
        scheduler.execute(() -> { }); // start its thread now, so it counts as there before the test
        threadsBefore = Set.copyOf(Thread.getAllStackTraces().keySet());
    }

    @AfterEach
    void closeEverything() throws InterruptedException {
        // Only what started: a failed setup must not hide its own error behind one thrown here.
        for (Peer peer : peers) {
            if (peer.transport != null) {
                peer.transport.close();
            }
        }
        if (scheduler != null) {
            scheduler.shutdownNow();
            assertTrue(scheduler.awaitTermination(WAIT.toMillis(), TimeUnit.MILLISECONDS),
                    "the TCK's scheduler did not stop within " + WAIT.toMillis() + " ms");
        }
    }

    /** Starts a peer with a fresh key and the transport's settings; closed after the test. */
    protected final Peer startPeer() {
        return startPeer(transport().settings());
    }

    /** Starts a peer with a fresh key and the given table; closed after the test. */
    protected final Peer startPeer(ConfigTable table) {
        SigningKeyPair keys = transport().signing().generate();
        Peer peer = new Peer(keys);
        TransportContext context = new TransportContext(table, keys, transport().signing(), Clock.systemUTC(),
                scheduler, connection -> peer.accept(connection));
        peer.transport = transport().provider().create(context);
        peers.add(peer);
        Await.result(peer.transport.start(), WAIT);
        assertFalse(peer.transport.localAddresses().isEmpty(), "a started transport has an address");
        return peer;
    }

    /** The frame number {@code index} of the test pattern: lengths 0 to 2 KiB, content derived from the index. */
    protected static byte[] pattern(int index) {
        byte[] frame = new byte[(index * 7919) % 2049];
        for (int i = 0; i < frame.length; i++) {
            frame[i] = (byte) (index + i);
        }
        return frame;
    }

    /** Sends frames {@code 0..count-1} of {@link #pattern}, honouring backpressure, and waits until all are sent. */
    protected static void sendPattern(Connection connection, int count) {
        List<CompletableFuture<Void>> sent = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            sent.add(sendWhenWritable(connection, ByteBuffer.wrap(pattern(i))));
        }
        for (CompletableFuture<Void> future : sent) {
            Await.result(future, WAIT);
        }
    }

    /**
     * Sends one frame, waiting for {@link Connection#whenWritable()} while the transport refuses it as OVERLOADED.
     * An OVERLOADED refusal means the frame was not queued, so retrying keeps the order.
     */
    protected static CompletableFuture<Void> sendWhenWritable(Connection connection, ByteBuffer frame) {
        for (int attempt = 0; attempt < 10_000; attempt++) {
            if (!connection.isWritable()) {
                Await.result(connection.whenWritable(), WAIT);
            }
            CompletableFuture<Void> sent = connection.send(frame.duplicate());
            if (!sent.isCompletedExceptionally()) {
                return sent;
            }
            Throwable failure = Await.failure(sent, WAIT);
            if (!(failure instanceof TransportException error) || error.reason() != Reason.OVERLOADED) {
                throw new AssertionError("send failed: " + failure, failure);
            }
        }
        throw new AssertionError("connection stayed overloaded through 10000 attempts");
    }

    /**
     * @return the names of the live threads that were not alive when the test began (the JDK's shared pools, which
     *     any code may wake, excepted), sorted; never null
     */
    protected final List<String> threadsStartedSinceTheTestBegan() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.isAlive() && !threadsBefore.contains(thread))
                .map(Thread::getName)
                .filter(name -> !name.startsWith("ForkJoinPool.commonPool-worker-") && !name.equals("process reaper")
                        && !name.equals("Attach Listener"))
                .sorted()
                .toList();
    }

    /** @return the frame's bytes from position to limit, without moving it; never null */
    protected static byte[] bytes(ByteBuffer buffer) {
        byte[] copy = new byte[buffer.remaining()];
        buffer.duplicate().get(copy);
        return copy;
    }

    /** A started transport with its key and what it accepted. Thread-safe. */
    protected static final class Peer {
        private final SigningKeyPair keys;
        private final BlockingQueue<Accepted> accepted = new LinkedBlockingQueue<>();
        /** When true, every accepted connection echoes each frame back. */
        volatile boolean echo;
        /** When set, every accepted connection's listener waits for it to open before it takes a frame. */
        volatile CountDownLatch readGate;
        Transport transport;

        private Peer(SigningKeyPair keys) {
            this.keys = keys;
        }

        /** @return this peer's identity */
        public PeerId id() {
            return keys.peerId();
        }

        /** @return the transport, started */
        public Transport transport() {
            return transport;
        }

        /** @return the first address the transport listens on */
        public PeerAddress address() {
            return transport.localAddresses().get(0);
        }

        /** @return the next accepted connection, waiting at most {@link #WAIT} */
        public Accepted nextAccepted() {
            try {
                Accepted next = accepted.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                if (next == null) {
                    throw new AssertionError("no inbound connection within " + WAIT.toMillis() + " ms");
                }
                return next;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }

        private ConnectionListener accept(Connection connection) {
            Recorder recorder = new Recorder();
            recorder.echo = echo;
            recorder.readGate = readGate;
            accepted.add(new Accepted(connection, recorder));
            return recorder;
        }
    }

    /**
     * A connection a peer accepted, with the recorder of its frames.
     *
     * @param connection never null
     * @param recorder never null
     */
    protected record Accepted(Connection connection, Recorder recorder) {}

    /** Records one connection's frames and its end; optionally echoes frames. Thread-safe. */
    protected static final class Recorder implements ConnectionListener {
        private final BlockingQueue<ByteBuffer> frames = new LinkedBlockingQueue<>();
        private final CompletableFuture<Optional<Throwable>> closed = new CompletableFuture<>();
        private final AtomicInteger closes = new AtomicInteger();
        private final List<String> misuse = new CopyOnWriteArrayList<>();
        volatile boolean echo;
        volatile CountDownLatch readGate;

        @Override
        public void onFrame(Connection connection, ByteBuffer frame) {
            CountDownLatch gate = readGate;
            if (gate != null) {
                try {
                    // Holding the transport's delivering thread is how a peer "stops reading" through the SPI.
                    if (!gate.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                        misuse.add("the read gate stayed closed for " + WAIT.toMillis() + " ms");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (closed.isDone()) {
                misuse.add("frame after onClosed");
            }
            if (echo) {
                connection.send(frame.duplicate());
            }
            frames.add(frame);
        }

        @Override
        public void onClosed(Connection connection, Throwable cause) {
            closes.incrementAndGet();
            closed.complete(Optional.ofNullable(cause));
        }

        /** @return the next frame, waiting at most {@link #WAIT} */
        public ByteBuffer next() {
            try {
                ByteBuffer next = frames.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                if (next == null) {
                    throw new AssertionError("no frame within " + WAIT.toMillis() + " ms");
                }
                return next;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }

        /** @return how many frames arrived and were not taken by {@link #next()} yet */
        public int framesWaiting() {
            return frames.size();
        }

        /** @return how many times onClosed was called (a transport must call it exactly once) */
        public int closeCount() {
            return closes.get();
        }

        /** @return the cause given to onClosed (empty for an orderly close), waiting at most {@link #WAIT} */
        public Optional<Throwable> awaitClosed() {
            Optional<Throwable> cause = Await.result(closed, WAIT);
            if (!misuse.isEmpty()) {
                fail("listener misuse: " + misuse);
            }
            return cause;
        }
    }
}
