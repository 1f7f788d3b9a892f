package io.topictracker.engine.gossip.net;

import static io.topictracker.engine.gossip.net.PeerLinksFixture.PEER;
import static io.topictracker.engine.gossip.net.PeerLinksFixture.RELAY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.api.PeerAddress;
import io.topictracker.api.PeerId;
import io.topictracker.api.PeerInfo;
import io.topictracker.api.transport.NodeAware;
import io.topictracker.api.transport.NodeView;
import io.topictracker.engine.ScriptedTransport;
import io.topictracker.tck.Await;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link PeerLinks} with {@link RelayFirst} (issue 15): a peer none of whose direct addresses can work from here is
 * dialled at its relay address at once, not behind the direct attempts' stagger; the direct ones are still tried, and
 * one that connects after the relayed connection won replaces it as the upgrade does.
 */
class PeerLinksRelayFirstTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    /** The relay lab's B: a LAN address, its NAT's public address with its port (a guess), a reservation at P. */
    private static final PeerInfo BEHIND_ANOTHER_NAT = new PeerInfo(PEER, List.of(
            PeerAddress.parse("tcp://10.2.0.2:41661"), PeerAddress.parse("relay://198.51.100.30:4100"),
            PeerAddress.parse("tcp://198.51.100.2:41661")));
    /** Every dial of either transport, in the order they started. */
    private final List<PeerAddress> dials = new CopyOnWriteArrayList<>();
    /** Dials stay pending until the test answers them. */
    private final ScriptedTransport tcp = new ScriptedTransport("tcp", true, ScriptedTransport.Otherwise.HOLD, dials);
    private final ScriptedTransport relay = new RelayLike(dials);
    private final PeerLinksFixture fixture = new PeerLinksFixture(List.of(tcp, relay));
    private final PeerLinks links = fixture.links;

    {
        links.ownGlobalHosts(() -> Set.of("198.51.100.4")); // we are behind a NAT too, another one
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    @Test
    void aPeerNoDirectAddressOfWhichCanWorkIsDialledAtItsRelayAtOnce() {
        links.send(BEHIND_ANOTHER_NAT, ByteBuffer.wrap(new byte[] {1}));
        assertEquals(PeerAddress.parse("relay://198.51.100.30:4100"), dials.get(0),
                "the relay address first, not after the direct attempts' stagger: " + dials);
        Await.until(WAIT, "the direct addresses tried behind it", () -> dials.size() == 3);
        assertEquals(List.of("relay", "tcp", "tcp"), dials.stream().map(PeerAddress::transport).toList());
    }

    @Test
    void aPeerWeMayReachDirectlyIsDialledAtItsDirectAddressesFirst() {
        links.ownGlobalHosts(() -> Set.of("198.51.100.2")); // behind the peer's NAT: its LAN address may answer
        links.send(BEHIND_ANOTHER_NAT, ByteBuffer.wrap(new byte[] {1}));
        assertEquals(PeerAddress.parse("tcp://10.2.0.2:41661"), dials.get(0));
    }

    @Test
    void aDirectConnectionThatComesUpAfterTheRelayedOneWonReplacesIt() {
        links.send(BEHIND_ANOTHER_NAT, ByteBuffer.wrap(new byte[] {1}));
        Await.until(WAIT, "a direct attempt under way behind the relay's", () -> tcp.heldCount() >= 1);
        RecordingConnection relayed = fake(Optional.of(RELAY));
        relay.answer(0, relayed::listenedBy);
        assertEquals(List.of((byte) 1), relayed.sent, "the relayed connection won and carries the frame");

        RecordingConnection direct = fake(Optional.empty());
        tcp.answer(0, direct::listenedBy);
        assertTrue(direct.isOpen(), "the direct connection is kept, not closed as the race's loser");
        assertEquals(List.of(PEER), fixture.upgraded);
        links.send(BEHIND_ANOTHER_NAT, ByteBuffer.wrap(new byte[] {2}));
        assertEquals(List.of((byte) 2), direct.sent, "frames go over the direct connection");
        Await.result(relayed.closed, WAIT);
        assertTrue(fixture.lost.isEmpty(), "the topics are not told the peer was lost: " + fixture.lost);
        assertTrue(links.isConnected(PEER));
    }

    @Test
    void aSecondDirectConnectionAfterADirectWinnerIsStillClosed() {
        links.ownGlobalHosts(() -> Set.of("198.51.100.2"));
        links.send(BEHIND_ANOTHER_NAT, ByteBuffer.wrap(new byte[] {1}));
        Await.until(WAIT, "both direct attempts under way", () -> tcp.heldCount() == 2);
        RecordingConnection first = fake(Optional.empty());
        RecordingConnection second = fake(Optional.empty());
        tcp.answer(0, first::listenedBy);
        tcp.answer(1, second::listenedBy);
        assertTrue(first.isOpen());
        assertFalse(second.isOpen(), "the race's loser is closed when the winner is direct");
        assertEquals(List.of(), fixture.upgraded);
    }

    /** The relay transport as the engine sees it: node-aware, hence the fallback. Its dials stay pending. */
    private static final class RelayLike extends ScriptedTransport implements NodeAware {
        RelayLike(List<PeerAddress> dialLog) {
            super("relay", true, Otherwise.HOLD, dialLog);
        }

        @Override
        public void attach(NodeView view) {}
    }

    /** A connection to PEER, relayed via {@code via} when present, else direct. */
    private static RecordingConnection fake(Optional<PeerId> via) {
        return PeerLinksFixture.toPeer(via, "relay://198.51.100.30:4100", "tcp://198.51.100.2:41661");
    }
}
