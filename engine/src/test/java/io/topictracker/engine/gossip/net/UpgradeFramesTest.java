package io.topictracker.engine.gossip.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.api.PeerAddress;
import io.topictracker.api.TopicId;
import io.topictracker.engine.gossip.proto.Message;
import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The direct connection upgrade's frames, Connect (12) and Sync (13): PROTOCOL.md §9. */
class UpgradeFramesTest {
    private final FrameCodec codec = new FrameCodec(4096);
    private final List<PeerAddress> addresses = List.of(PeerAddress.parse("quic://203.0.113.7:4433"),
            PeerAddress.parse("quic://[2001:db8::1]:4433"));

    private FrameCodec.UpgradeFrame roundTrip(FrameCodec.UpgradeFrame message) throws MalformedFrameException {
        return codec.upgrade(codec.encodeUpgrade(message));
    }

    @Test
    void connectAndSyncRoundTrip() throws MalformedFrameException {
        FrameCodec.UpgradeConnect ask = new FrameCodec.UpgradeConnect(false, 1, addresses);
        assertEquals(ask, roundTrip(ask));
        FrameCodec.UpgradeConnect answer = new FrameCodec.UpgradeConnect(true, 255, List.of());
        assertEquals(answer, roundTrip(answer));
        assertEquals(new FrameCodec.UpgradeSync(3), roundTrip(new FrameCodec.UpgradeSync(3)));
    }

    @Test
    void syncIsOfTheConnectionNotATopic() throws MalformedFrameException {
        ByteBuffer frame = codec.encodeUpgrade(new FrameCodec.UpgradeSync(2));
        assertEquals(1 + 4 + 32 + 1 + 1, frame.remaining());
        for (int i = 5; i < 37; i++) {
            assertEquals(0, frame.get(i));
        }
        assertEquals(13, frame.get(37));
    }

    @Test
    void otherFramesAreLeftForTheOtherDecoders() throws MalformedFrameException {
        ByteBuffer prune = codec.encode(TopicId.fromName("t"), new Message.Prune());
        assertNull(codec.upgrade(prune));
        assertEquals(new Message.Prune(), codec.decode(prune).message(), "not consumed");
        assertNull(codec.upgrade(codec.encodeObserved(addresses.get(0))));
        assertNull(codec.upgrade(ByteBuffer.allocate(3)));
    }

    @Test
    void malformedFramesNameWhatIsWrong() {
        assertMalformed(edit(new FrameCodec.UpgradeSync(1), b -> b.put(38, (byte) 0)), "attempt must be 1-255");
        assertMalformed(edit(new FrameCodec.UpgradeSync(1), b -> b.put(10, (byte) 1)), "names a topic");
        assertMalformed(edit(new FrameCodec.UpgradeSync(1), b -> b.put(0, (byte) 2)), "version 2");
        assertMalformed(edit(new FrameCodec.UpgradeConnect(false, 1, addresses), b -> b.put(38, (byte) 2)),
                "answer flag must be 0 or 1");
        assertMalformed(edit(new FrameCodec.UpgradeConnect(false, 1, addresses), b -> b.put(40, (byte) 9)),
                "9 addresses, at most 8");
        assertMalformed(edit(new FrameCodec.UpgradeConnect(false, 1, addresses), b -> b.putShort(41, (short) 301)),
                "301 bytes, at most 300");
        assertMalformed(edit(new FrameCodec.UpgradeConnect(false, 1, addresses), b -> b.put(40, (byte) 1)),
                "trailing bytes after Connect");
        assertMalformed(edit(new FrameCodec.UpgradeConnect(false, 1, addresses), b -> b.put(40, (byte) 3)),
                "ends in the middle of a field");
        ByteBuffer longer = ByteBuffer.allocate(40);
        longer.put(codec.encodeUpgrade(new FrameCodec.UpgradeSync(1))).put((byte) 0).flip();
        assertMalformed(longer, "length 34 (35 bytes follow)");
        ByteBuffer badAddress = codec.encodeUpgrade(new FrameCodec.UpgradeConnect(false, 1,
                List.of(PeerAddress.parse("quic://h:1"))));
        badAddress.put(badAddress.limit() - 1, (byte) 'x'); // port "x"
        assertMalformed(badAddress, "invalid Connect field");
    }

    @Test
    void constructorsBoundTheirFields() {
        assertThrows(IllegalArgumentException.class, () -> new FrameCodec.UpgradeSync(0));
        assertThrows(IllegalArgumentException.class, () -> new FrameCodec.UpgradeSync(256));
        assertThrows(IllegalArgumentException.class, () -> new FrameCodec.UpgradeConnect(false, 1,
                Collections.nCopies(9, addresses.get(0))));
    }

    private ByteBuffer edit(FrameCodec.UpgradeFrame message, java.util.function.Consumer<ByteBuffer> change) {
        ByteBuffer frame = codec.encodeUpgrade(message);
        change.accept(frame);
        return frame;
    }

    private void assertMalformed(ByteBuffer frame, String expected) {
        MalformedFrameException e = assertThrows(MalformedFrameException.class, () -> codec.upgrade(frame));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
