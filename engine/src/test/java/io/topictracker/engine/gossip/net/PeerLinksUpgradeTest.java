package io.topictracker.engine.gossip.net;

import static io.topictracker.engine.gossip.net.PeerLinksFixture.PEER;
import static io.topictracker.engine.gossip.net.PeerLinksFixture.RELAY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.api.PeerAddress;
import io.topictracker.api.PeerId;
import io.topictracker.api.PeerInfo;
import io.topictracker.engine.ScriptedTransport;
import io.topictracker.tck.Await;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The direct connection upgrade in {@link PeerLinks} (issue 15): with a direct and a relayed connection to one peer,
 * frames go over the direct one and the relayed one is closed, without the topics hearing the peer was lost.
 */
class PeerLinksUpgradeTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    /** The punching transport: its dials answer with the connections the test queues, or are refused. */
    private final ScriptedTransport quic = ScriptedTransport.refusing("quic", true);
    private final PeerLinksFixture fixture = new PeerLinksFixture(List.of(quic));
    private final PeerLinks links = fixture.links;

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    /** A connection to PEER, relayed via {@code via} when present, else direct. */
    private static RecordingConnection fake(Optional<PeerId> via) {
        return PeerLinksFixture.toPeer(via, "relay://203.0.113.1:7000", "quic://198.51.100.9:4433");
    }

    private RecordingConnection accept(Optional<PeerId> via) {
        RecordingConnection connection = fake(via);
        connection.listener = links.accepted(connection);
        return connection;
    }

    private void send(int marker) {
        links.send(new PeerInfo(PEER, List.of()), ByteBuffer.wrap(new byte[] {(byte) marker}));
    }

    @Test
    void anAcceptedDirectConnectionTakesTheFramesAndTheRelayedOneIsClosedWithoutALoss() {
        RecordingConnection relayed = accept(Optional.of(RELAY));
        send(1);
        assertEquals(List.of((byte) 1), relayed.sent);
        assertEquals(List.of(PEER), links.relayedOnly());
        assertEquals(List.of(), fixture.upgraded);

        RecordingConnection direct = accept(Optional.empty());
        assertEquals(List.of(PEER), fixture.upgraded, "the upgrade is announced once");
        assertEquals(List.of(), links.relayedOnly());
        send(2);
        assertEquals(List.of((byte) 2), direct.sent, "frames go over the direct connection");
        assertEquals(List.of((byte) 1), relayed.sent);

        Await.result(relayed.closed, WAIT);
        assertTrue(direct.isOpen());
        assertTrue(links.isConnected(PEER));
        assertTrue(fixture.lost.isEmpty(), "the topics are not told the peer was lost: " + fixture.lost);
        send(3);
        assertEquals(List.of((byte) 2, (byte) 3), direct.sent);
    }

    @Test
    void aRelayedConnectionArrivingBesideADirectOneIsClosedWithoutAnUpgradeEvent() {
        RecordingConnection direct = accept(Optional.empty());
        RecordingConnection relayed = accept(Optional.of(RELAY));
        send(1);
        assertEquals(List.of((byte) 1), direct.sent);
        Await.result(relayed.closed, WAIT);
        assertEquals(List.of(), fixture.upgraded);
        assertTrue(fixture.lost.isEmpty());
    }

    @Test
    void theUpgradeDialJoinsTheLinkOrReportsAFailure() {
        RecordingConnection relayed = accept(Optional.of(RELAY));
        PeerAddress at = PeerAddress.parse("quic://198.51.100.9:4433");
        Transports.Route route = new Transports.Route(quic, at);

        assertFalse(Await.result(links.dialDirect(PEER, List.of(route)), WAIT), "no answer: the dial failed");
        assertTrue(relayed.isOpen());
        assertEquals(List.of(), fixture.upgraded);
        assertTrue(fixture.lost.isEmpty(), "a failed upgrade dial does not lose the relayed peer");

        RecordingConnection direct = fake(Optional.empty());
        quic.queueAnswer(direct::listenedBy);
        assertTrue(Await.result(links.dialDirect(PEER, List.of(route)), WAIT));
        assertEquals(List.of(PEER), fixture.upgraded);
        send(7);
        assertEquals(List.of((byte) 7), direct.sent);
        Await.result(relayed.closed, WAIT);
        assertTrue(fixture.lost.isEmpty());
        assertEquals(List.of(at, at), quic.dialled());
        assertFalse(Await.result(links.dialDirect(PEER, List.of()), WAIT), "no route: nothing dialled");
    }

    @Test
    void whenTheDirectConnectionDiesThePeerIsLost() {
        RecordingConnection relayed = accept(Optional.of(RELAY));
        RecordingConnection direct = accept(Optional.empty());
        Await.result(relayed.closed, WAIT);
        direct.close();
        assertEquals(Boolean.FALSE, fixture.lost.get(PEER), "with no connection left the topics hear of it");
    }
}
