package io.topictracker.engine.gossip.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.api.PeerAddress;
import io.topictracker.api.PeerId;
import io.topictracker.api.PeerInfo;
import io.topictracker.api.TopicId;
import io.topictracker.engine.gossip.proto.Message;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The ConnectRequest (14) and ConnectForward (15) frames: round trips, bounds, and strict decoding. */
class ConnectFramesTest {
    private static final TopicId TOPIC = TopicId.fromName("connect");
    private static final PeerId TARGET = id(7);
    private static final PeerInfo REQUESTER = new PeerInfo(id(9), List.of(PeerAddress.parse("quic://10.1.0.2:4000"),
            PeerAddress.parse("quic://198.51.100.1:4000")));

    private static PeerId id(int n) {
        byte[] bytes = new byte[32];
        bytes[0] = (byte) n;
        return PeerId.of(bytes);
    }

    @Test
    void aRequestRoundTrips() throws Exception {
        ByteBuffer frame = ConnectFrames.encodeRequest(TOPIC, TARGET, REQUESTER);
        assertEquals(ConnectFrames.CONNECT_REQUEST, ConnectFrames.typeOf(frame));
        assertEquals(new ConnectFrames.Request(TOPIC, TARGET, REQUESTER), ConnectFrames.decodeRequest(frame));
    }

    @Test
    void aForwardRoundTripsWithAndWithoutTheSeenAddress() throws Exception {
        PeerAddress seen = PeerAddress.parse("quic://198.51.100.1:4001");
        ByteBuffer frame = ConnectFrames.encodeForward(TOPIC, REQUESTER, seen);
        assertEquals(ConnectFrames.CONNECT_FORWARD, ConnectFrames.typeOf(frame));
        assertEquals(new ConnectFrames.Forward(TOPIC, REQUESTER, seen), ConnectFrames.decodeForward(frame));
        ConnectFrames.Forward without = ConnectFrames.decodeForward(ConnectFrames.encodeForward(TOPIC, REQUESTER,
                null));
        assertNull(without.seen());
    }

    @Test
    void theLargestRequesterFits() throws Exception {
        List<PeerAddress> addresses = new ArrayList<>();
        for (int i = 0; i < PeerInfo.MAX_ADDRESSES; i++) {
            addresses.add(PeerAddress.parse("quic://" + "a".repeat(60) + "." + "b".repeat(60) + "." + "c".repeat(60)
                    + "." + "d".repeat(60) + ".e" + i + ":4000"));
        }
        PeerInfo big = new PeerInfo(id(3), addresses);
        PeerAddress seen = addresses.get(0);
        ConnectFrames.Forward forward = ConnectFrames.decodeForward(ConnectFrames.encodeForward(TOPIC, big, seen));
        assertEquals(big, forward.requester());
    }

    @Test
    void otherFramesAreNotOurs() {
        FrameCodec codec = new FrameCodec(1024);
        assertEquals(0, ConnectFrames.typeOf(codec.encode(TOPIC, new Message.Prune())));
        assertEquals(0, ConnectFrames.typeOf(codec.encodeObserved(PeerAddress.parse("quic://10.0.0.1:1"))));
        assertEquals(0, ConnectFrames.typeOf(ByteBuffer.allocate(3)));
    }

    @Test
    void malformedFramesAreRejectedWithWhatIsWrong() {
        ByteBuffer truncated = ConnectFrames.encodeRequest(TOPIC, TARGET, REQUESTER);
        truncated.limit(truncated.limit() - 3);
        assertTrue(assertThrows(MalformedFrameException.class, () -> ConnectFrames.decodeRequest(truncated))
                .getMessage().contains("length field"));

        ByteBuffer trailing = withTrailingByte(ConnectFrames.encodeRequest(TOPIC, TARGET, REQUESTER));
        assertTrue(assertThrows(MalformedFrameException.class, () -> ConnectFrames.decodeRequest(trailing))
                .getMessage().contains("trailing"));

        ByteBuffer wrongType = ConnectFrames.encodeForward(TOPIC, REQUESTER, null);
        assertTrue(assertThrows(MalformedFrameException.class, () -> ConnectFrames.decodeRequest(wrongType))
                .getMessage().contains("expected message type 14"));

        ByteBuffer badAddress = ConnectFrames.encodeForward(TOPIC, REQUESTER, PeerAddress.parse("quic://10.0.0.1:1"));
        int textStart = badAddress.limit() - "quic://10.0.0.1:1".length();
        badAddress.put(textStart, (byte) '!');
        assertTrue(assertThrows(MalformedFrameException.class, () -> ConnectFrames.decodeForward(badAddress))
                .getMessage().contains("invalid ConnectForward field"));

        ByteBuffer tooManyAddresses = ConnectFrames.encodeRequest(TOPIC, TARGET, REQUESTER);
        tooManyAddresses.put(1 + 4 + 32 + 1 + 32 + 32, (byte) (PeerInfo.MAX_ADDRESSES + 1));
        assertTrue(assertThrows(MalformedFrameException.class, () -> ConnectFrames.decodeRequest(tooManyAddresses))
                .getMessage().contains("addresses"));

        ByteBuffer oversize = ByteBuffer.allocate(ConnectFrames.MAX_FRAME + 1);
        oversize.put(1 + 4 + 32, (byte) ConnectFrames.CONNECT_FORWARD);
        assertTrue(assertThrows(MalformedFrameException.class, () -> ConnectFrames.decodeForward(oversize))
                .getMessage().contains("over"));
    }

    private static ByteBuffer withTrailingByte(ByteBuffer frame) {
        ByteBuffer out = ByteBuffer.allocate(frame.remaining() + 1);
        out.put(frame).put((byte) 0);
        out.putInt(1, out.position() - 5);
        return out.flip();
    }

    @Test
    void theSeenAddressIsAddedAfterTheAdvertisedOnesOnlyWhenNewAndThereIsRoom() {
        PeerAddress seen = PeerAddress.parse("quic://198.51.100.1:4001");
        PeerInfo with = ReverseConnect.withSeen(REQUESTER, seen);
        assertEquals(seen, with.addresses().get(2));
        assertEquals(REQUESTER, ReverseConnect.withSeen(REQUESTER, REQUESTER.addresses().get(1)));
        assertEquals(REQUESTER, ReverseConnect.withSeen(REQUESTER, null));
    }
}
