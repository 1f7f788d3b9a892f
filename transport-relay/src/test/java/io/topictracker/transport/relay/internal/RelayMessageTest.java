package io.topictracker.transport.relay.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.api.PeerId;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The control messages' wire form: round trips, and refusals of malformed bodies naming what is wrong. */
class RelayMessageTest {
    private static final PeerId PEER = PeerId.of(filled(7, 32));

    private static byte[] filled(int value, int length) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) value);
        return bytes;
    }

    private static RelayMessage roundTrip(RelayMessage message) {
        ByteBuffer wire = RelayMessage.encode(message);
        int length = wire.getShort() & 0xFFFF;
        assertEquals(wire.remaining(), length, "the length prefix counts the body");
        return RelayMessage.decode(wire);
    }

    @Test
    void everyMessageSurvivesARoundTrip() {
        RelayMessage.Reserve reserve = (RelayMessage.Reserve) roundTrip(new RelayMessage.Reserve(
                List.of(filled(1, 32), filled(2, 32))));
        assertArrayEquals(filled(2, 32), reserve.proofs().get(1));
        assertEquals(new RelayMessage.ReserveOk(1, 2, 3), roundTrip(new RelayMessage.ReserveOk(1, 2, 3)));
        RelayMessage.Connect connect = (RelayMessage.Connect) roundTrip(new RelayMessage.Connect(PEER, List.of()));
        assertEquals(PEER, connect.target());
        assertEquals(new RelayMessage.Incoming(-5, PEER), roundTrip(new RelayMessage.Incoming(-5, PEER)));
        assertEquals(new RelayMessage.Accept(9), roundTrip(new RelayMessage.Accept(9)));
        assertEquals(new RelayMessage.Connected(true), roundTrip(new RelayMessage.Connected(true)));
        assertEquals(new RelayMessage.Refused(RelayMessage.Status.NO_RESERVATION, "gone"),
                roundTrip(new RelayMessage.Refused(RelayMessage.Status.NO_RESERVATION, "gone")));
    }

    @Test
    void aLongRefusalIsShortenedToFit() {
        RelayMessage.Refused refused = (RelayMessage.Refused) roundTrip(new RelayMessage.Refused(
                RelayMessage.Status.PERMISSION_DENIED, "x".repeat(1000)));
        assertTrue(refused.reason().length() <= RelayMessage.MAX_TEXT);
    }

    @Test
    void malformedBodiesAreRefusedWithTheReason() {
        assertThrows(MalformedRelayMessage.class, () -> RelayMessage.decode(ByteBuffer.wrap(new byte[] {99})),
                "unknown type");
        MalformedRelayMessage early = assertThrows(MalformedRelayMessage.class,
                () -> RelayMessage.decode(ByteBuffer.wrap(new byte[] {RelayMessage.ACCEPT, 1, 2})));
        assertTrue(early.getMessage().contains("ends early"), early.getMessage());
        MalformedRelayMessage trailing = assertThrows(MalformedRelayMessage.class,
                () -> RelayMessage.decode(ByteBuffer.wrap(new byte[] {RelayMessage.CONNECTED, 0, 0})));
        assertTrue(trailing.getMessage().contains("after a message"), trailing.getMessage());
        assertThrows(MalformedRelayMessage.class,
                () -> RelayMessage.decode(ByteBuffer.wrap(new byte[] {RelayMessage.CONNECTED, 2})), "flag 2");
        assertThrows(MalformedRelayMessage.class,
                () -> RelayMessage.decode(ByteBuffer.wrap(new byte[] {RelayMessage.RESERVE, 17})), "17 proofs");
        ByteBuffer negative = ByteBuffer.allocate(25).put(RelayMessage.RESERVE_OK).putLong(-1).putLong(0).putLong(0);
        assertThrows(MalformedRelayMessage.class, () -> RelayMessage.decode(negative.flip()));
        assertThrows(IllegalArgumentException.class, () -> new RelayMessage.Reserve(List.of(new byte[31])));
    }
}
