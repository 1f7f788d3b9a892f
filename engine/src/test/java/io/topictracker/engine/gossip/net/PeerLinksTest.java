package io.topictracker.engine.gossip.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.api.ConfigTable;
import io.topictracker.api.PeerAddress;
import io.topictracker.api.PeerId;
import io.topictracker.api.PeerInfo;
import io.topictracker.api.signing.SigningKeyPair;
import io.topictracker.api.transport.Connection;
import io.topictracker.api.transport.ConnectionListener;
import io.topictracker.api.transport.InboundHandler;
import io.topictracker.api.transport.TransportContext;
import io.topictracker.engine.ScriptedTransport;
import io.topictracker.signing.bc.BouncyCastleEd25519Provider;
import io.topictracker.tck.Await;
import io.topictracker.transport.inmemory.InMemoryHub;
import io.topictracker.transport.inmemory.InMemoryTransport;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Connection management: dial on demand, one connection per peer, idle close, failed dials reported. */
class PeerLinksTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private final BouncyCastleEd25519Provider ed25519 = new BouncyCastleEd25519Provider();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final InMemoryHub hub = new InMemoryHub("links");
    private final List<InMemoryTransport> transports = new CopyOnWriteArrayList<>();
    private final AtomicLong clock = new AtomicLong();
    private final List<byte[]> framesAtB = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Void> closedAtB = new CompletableFuture<>();
    private final Map<PeerId, Boolean> lost = new ConcurrentHashMap<>();

    @AfterEach
    void tearDown() {
        transports.forEach(InMemoryTransport::close);
        scheduler.shutdownNow();
    }

    private InMemoryTransport transport(int seed, InboundHandler inbound) {
        return transport(seed, inbound, 1 << 20);
    }

    private InMemoryTransport transport(int seed, InboundHandler inbound, long maxQueuedBytes) {
        byte[] bytes = new byte[32];
        bytes[0] = (byte) seed;
        SigningKeyPair keys = ed25519.fromSeed(bytes);
        InMemoryTransport transport = new InMemoryTransport(hub, "t" + seed, new TransportContext(
                ConfigTable.empty("t"), keys, ed25519, Clock.systemUTC(), scheduler, inbound), 1 << 20, maxQueuedBytes);
        Await.result(transport.start(), WAIT);
        transports.add(transport);
        return transport;
    }

    private PeerLinks linksOn(InMemoryTransport transport) {
        return new PeerLinks(new Transports(List.of(transport)), clock::get, (c, f) -> { },
                (peer, dialFailed) -> lost.put(peer, dialFailed), scheduler);
    }

    private InMemoryTransport receiver(int seed) {
        return transport(seed, connection -> new ConnectionListener() {
            @Override
            public void onFrame(Connection c, ByteBuffer frame) {
                byte[] bytes = new byte[frame.remaining()];
                frame.get(bytes);
                framesAtB.add(bytes);
            }

            @Override
            public void onClosed(Connection c, Throwable cause) {
                closedAtB.complete(null);
            }
        });
    }

    private static PeerInfo info(InMemoryTransport transport, byte[] seedKey) {
        return new PeerInfo(PeerId.of(seedKey), transport.localAddresses());
    }

    @Test
    void dialsOnDemandKeepsOneConnectionAndClosesItWhenIdleAsAClosedConnection() {
        InMemoryTransport a = transport(1, c -> null);
        InMemoryTransport b = receiver(2);
        byte[] bSeed = new byte[32];
        bSeed[0] = 2;
        PeerInfo bInfo = info(b, ed25519.fromSeed(bSeed).publicKey());
        PeerLinks links = linksOn(a);
        for (int i = 0; i < 10; i++) {
            links.send(bInfo, ByteBuffer.wrap(new byte[] {(byte) i}));
        }
        Await.until(WAIT, "ten frames at b", () -> framesAtB.size() == 10);
        for (int i = 0; i < 10; i++) {
            assertEquals(i, framesAtB.get(i)[0], "frames queued during the dial keep their order");
        }
        assertEquals(1, links.openCount());

        links.closeIdle(peer -> true, 5);
        clock.set(100);
        links.closeIdle(peer -> true, 5);
        assertEquals(1, links.openCount(), "a held peer stays connected");
        links.closeIdle(peer -> false, 500);
        assertEquals(1, links.openCount(), "a recently used peer stays connected");
        links.closeIdle(peer -> false, 50);
        Await.result(closedAtB, WAIT);
        Await.until(WAIT, "link gone", () -> links.openCount() == 0);
        // Reported as a closed connection, not a failed dial: only a topic that still holds the peer acts on it.
        assertEquals(Map.of(bInfo.id(), Boolean.FALSE), lost);
    }

    /** A peer whose listener does not return until {@code reading} opens: its transport stops taking our frames. */
    private InMemoryTransport slowReceiver(int seed, CountDownLatch reading) {
        return transport(seed, connection -> new ConnectionListener() {
            @Override
            public void onFrame(Connection c, ByteBuffer frame) {
                try {
                    if (!reading.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                        return;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                byte[] bytes = new byte[frame.remaining()];
                frame.get(bytes);
                framesAtB.add(bytes);
            }

            @Override
            public void onClosed(Connection c, Throwable cause) {
                closedAtB.complete(null);
            }
        }, 1 << 20);
    }

    private static ByteBuffer numbered(int i, int size) {
        ByteBuffer frame = ByteBuffer.allocate(size);
        frame.putInt(0, i);
        return frame;
    }

    @Test
    void framesForAPeerThatStopsReadingWaitForTheConnectionAndArriveInOrder() {
        InMemoryTransport a = transport(1, c -> null, 2048); // two frames of 1000 bytes fill the connection
        CountDownLatch reading = new CountDownLatch(1);
        InMemoryTransport b = slowReceiver(2, reading);
        byte[] bSeed = new byte[32];
        bSeed[0] = 2;
        PeerInfo bInfo = info(b, ed25519.fromSeed(bSeed).publicKey());
        PeerLinks links = linksOn(a);
        links.send(bInfo, numbered(0, 1000));
        Await.until(WAIT, "connected", () -> links.openCount() == 1);
        int frames = 200; // a membership burst: none may be lost, although the connection takes two at a time
        for (int i = 1; i < frames; i++) {
            links.send(bInfo, numbered(i, 1000));
        }
        reading.countDown();
        Await.until(WAIT, frames + " frames at b", () -> framesAtB.size() == frames);
        for (int i = 0; i < frames; i++) {
            assertEquals(i, ByteBuffer.wrap(framesAtB.get(i)).getInt(), "frame " + i + " in order");
        }
        assertTrue(lost.isEmpty(), "a slow peer is not a lost peer: " + lost);
        assertFalse(closedAtB.isDone());
    }

    @Test
    void aPeerThatReadsNothingForLongerThanTheOutboxHoldsIsResetAndReportedLost() {
        InMemoryTransport a = transport(1, c -> null, 2048);
        CountDownLatch reading = new CountDownLatch(1);
        InMemoryTransport b = slowReceiver(2, reading);
        byte[] bSeed = new byte[32];
        bSeed[0] = 2;
        PeerId bId = PeerId.of(ed25519.fromSeed(bSeed).publicKey());
        PeerInfo bInfo = info(b, bId.toBytes());
        PeerLinks links = linksOn(a);
        links.send(bInfo, numbered(0, 1000));
        Await.until(WAIT, "connected", () -> links.openCount() == 1);
        for (int i = 1; i <= LinkOutbox.MAX_FRAMES + 10; i++) {
            links.send(bInfo, numbered(i, 1000));
        }
        // The in-process transports deliver on one thread, which b's listener holds: the close reaches both ends
        // once b reads again.
        reading.countDown();
        Await.until(WAIT, "b reported lost once the outbox overflowed", () -> lost.containsKey(bId));
        assertEquals(Boolean.FALSE, lost.get(bId), "lost as a closed connection, not as a failed dial");
        Await.result(closedAtB, WAIT);
        assertTrue(framesAtB.size() < LinkOutbox.MAX_FRAMES, "what waited was dropped with the link, "
                + framesAtB.size() + " frames arrived");
    }

    @Test
    void aFailedDialIsReportedAsALostPeer() {
        InMemoryTransport a = transport(1, c -> null);
        PeerId ghost = PeerId.of(new byte[32]);
        PeerLinks links = linksOn(a);
        links.send(new PeerInfo(ghost, List.of(PeerAddress.parse("inmemory://nobody:1"),
                PeerAddress.parse("tcp://127.0.0.1:9"))), ByteBuffer.wrap(new byte[] {1}));
        Await.until(WAIT, "dial failure reported", () -> lost.containsKey(ghost));
        assertEquals(Boolean.TRUE, lost.get(ghost));
        assertEquals(0, links.openCount());
    }

    @Test
    void aDialThatFailsOverThePreferredTransportFallsBackToTheNext() {
        ScriptedTransport refusing = ScriptedTransport.refusing("tcp", true);
        InMemoryTransport a = transport(1, c -> null);
        InMemoryTransport b = receiver(2);
        byte[] bSeed = new byte[32];
        bSeed[0] = 2;
        List<PeerAddress> bAddresses = new ArrayList<>(b.localAddresses());
        bAddresses.add(0, PeerAddress.parse("tcp://127.0.0.1:9"));
        PeerInfo bInfo = new PeerInfo(PeerId.of(ed25519.fromSeed(bSeed).publicKey()), bAddresses);
        PeerLinks links = new PeerLinks(new Transports(List.of(refusing, a)), clock::get, (c, f) -> { },
                (peer, dialFailed) -> lost.put(peer, dialFailed), scheduler);

        links.send(bInfo, ByteBuffer.wrap(new byte[] {7}));
        Await.until(WAIT, "the frame reaches b over the second transport", () -> framesAtB.size() == 1);
        assertEquals(List.of(PeerAddress.parse("tcp://127.0.0.1:9")), refusing.dialled(),
                "the preferred transport was tried first");
        assertTrue(lost.isEmpty(), "a dial that succeeded over another transport is no lost peer");
    }

    private static final PeerAddress HELD_ADDRESS = PeerAddress.parse("tcp://198.51.100.1:9");
    private static final PeerInfo HELD_PEER = new PeerInfo(PeerLinksFixture.PEER, List.of(HELD_ADDRESS));

    /** Links over one transport whose dials wait until the test answers them. */
    private PeerLinks linksOverHeldDials(ScriptedTransport held) {
        return new PeerLinks(new Transports(List.of(held)), clock::get, (c, f) -> { },
                (peer, dialFailed) -> lost.put(peer, dialFailed), scheduler);
    }

    @Test
    void aDialledConnectionThatClosesBeforeTheLinkHoldsItIsReportedLost() {
        ScriptedTransport held = ScriptedTransport.holding("tcp");
        PeerLinks links = linksOverHeldDials(held);
        links.send(HELD_PEER, ByteBuffer.wrap(new byte[] {1}));
        Await.until(WAIT, "the dial under way", () -> held.heldCount() == 1);
        // Closed (its listener told) before the dial's completion reaches the link, as when a cut or the peer closes
        // it right after the handshake.
        held.answer(0, listener -> {
            RecordingConnection connection = new RecordingConnection(PeerLinksFixture.PEER, HELD_ADDRESS,
                    Optional.empty()).listenedBy(listener);
            connection.close();
            return connection;
        });
        Await.until(WAIT, "the peer reported lost", () -> lost.containsKey(PeerLinksFixture.PEER));
        assertEquals(Boolean.FALSE, lost.get(PeerLinksFixture.PEER), "lost as a closed connection");
        assertEquals(0, links.openCount());
    }

    /**
     * Sends frames 1 and 3 with {@code moot}'s test and frame 2 without, to a peer whose dial is held; sets
     * {@code moot} to {@code mootBeforeTheAnswer}, then answers the dial.
     *
     * @return the connection the dial was answered with
     */
    private RecordingConnection threeFramesThenTheAnswer(PeerLinks links, ScriptedTransport held, AtomicBoolean moot,
            boolean mootBeforeTheAnswer) {
        links.send(HELD_PEER, ByteBuffer.wrap(new byte[] {1}), moot::get);
        links.send(HELD_PEER, ByteBuffer.wrap(new byte[] {2}));
        links.send(HELD_PEER, ByteBuffer.wrap(new byte[] {3}), moot::get);
        Await.until(WAIT, "the dial under way", () -> held.heldCount() == 1);
        moot.set(mootBeforeTheAnswer);
        RecordingConnection connection = new RecordingConnection(PeerLinksFixture.PEER, HELD_ADDRESS, Optional.empty());
        held.answer(0, connection::listenedBy);
        return connection;
    }

    @Test
    void framesThatBecameMootDuringTheDialAreDroppedAndTheRestGoInOrder() {
        ScriptedTransport held = ScriptedTransport.holding("tcp");
        PeerLinks links = linksOverHeldDials(held);
        AtomicBoolean joined = new AtomicBoolean();
        // another contact accepted us while this dial was slow
        RecordingConnection connection = threeFramesThenTheAnswer(links, held, joined, true);
        assertEquals(List.of((byte) 2), connection.sent, "only the frame that is never moot went");

        links.send(HELD_PEER, ByteBuffer.wrap(new byte[] {4}), joined::get);
        links.send(HELD_PEER, ByteBuffer.wrap(new byte[] {5}));
        assertEquals(List.of((byte) 2, (byte) 5), connection.sent, "on an open link a moot frame is dropped too");
        assertTrue(lost.isEmpty(), "dropping moot frames loses no peer: " + lost);
    }

    @Test
    void framesStillWantedWhenTheDialEndsAllGoInOrder() {
        ScriptedTransport held = ScriptedTransport.holding("tcp");
        RecordingConnection connection = threeFramesThenTheAnswer(linksOverHeldDials(held), held,
                new AtomicBoolean(), false);
        assertEquals(List.of((byte) 1, (byte) 2, (byte) 3), connection.sent);
    }

    @Test
    void aRouteThatNeverAnswersHoldsTheDialOnlyForTheStagger() {
        ScriptedTransport silent = ScriptedTransport.holding("tcp"); // never answered: an address dropping all
        InMemoryTransport a = transport(1, c -> null);
        InMemoryTransport b = receiver(2);
        byte[] bSeed = new byte[32];
        bSeed[0] = 2;
        List<PeerAddress> bAddresses = new ArrayList<>(b.localAddresses());
        bAddresses.add(0, PeerAddress.parse("tcp://198.51.100.1:9"));
        PeerInfo bInfo = new PeerInfo(PeerId.of(ed25519.fromSeed(bSeed).publicKey()), bAddresses);
        PeerLinks links = new PeerLinks(new Transports(List.of(silent, a)), clock::get, (c, f) -> { },
                (peer, dialFailed) -> lost.put(peer, dialFailed), scheduler);

        links.send(bInfo, ByteBuffer.wrap(new byte[] {7}));
        Await.until(WAIT, "the frame reaches b over the second route", () -> framesAtB.size() == 1);
        assertEquals(List.of(PeerAddress.parse("tcp://198.51.100.1:9")), silent.dialled(),
                "the preferred route was tried first, and only once");
        assertTrue(lost.isEmpty(), "a dial that succeeded over another route is no lost peer");
    }
}
