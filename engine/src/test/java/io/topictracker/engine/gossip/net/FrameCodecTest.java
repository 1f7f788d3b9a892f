package io.topictracker.engine.gossip.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.api.PeerAddress;
import io.topictracker.api.PeerId;
import io.topictracker.api.PeerInfo;
import io.topictracker.api.TopicId;
import io.topictracker.engine.gossip.proto.Gossip;
import io.topictracker.engine.gossip.proto.Message;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class FrameCodecTest {
    private final FrameCodec codec = new FrameCodec(4096);
    private final TopicId topic = TopicId.fromName("codec");

    private static byte[] filled(int n, int v) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) v);
        return b;
    }

    private static PeerInfo peer(int i) {
        return new PeerInfo(PeerId.of(filled(32, i)), List.of(PeerAddress.parse("inmemory://n" + i + ":" + (i + 1)),
                PeerAddress.parse("tcp://[::1]:4000")));
    }

    private Message roundTrip(Message message) throws MalformedFrameException {
        FrameCodec.Decoded decoded = codec.decode(codec.encode(topic, message));
        assertEquals(topic, decoded.topic());
        return decoded.message();
    }

    @Test
    void everyMessageTypeRoundTrips() throws MalformedFrameException {
        Message.Join join = (Message.Join) roundTrip(new Message.Join(peer(1), filled(32, 5)));
        assertEquals(peer(1), join.from());
        assertArrayEquals(filled(32, 5), join.mac());
        assertEquals(new Message.ForwardJoin(peer(2), 6), roundTrip(new Message.ForwardJoin(peer(2), 6)));
        Message.Neighbor neighbor = (Message.Neighbor) roundTrip(new Message.Neighbor(peer(3),
                Message.NeighborKind.REQUEST_LOW, filled(32, 1)));
        assertEquals(Message.NeighborKind.REQUEST_LOW, neighbor.kind());
        assertEquals(new Message.Disconnect(true), roundTrip(new Message.Disconnect(true)));
        Message.Shuffle shuffle = (Message.Shuffle) roundTrip(new Message.Shuffle(peer(4), List.of(peer(5), peer(6)),
                3));
        assertEquals(List.of(peer(5), peer(6)), shuffle.peers());
        assertEquals(3, shuffle.ttl());
        Message.ShuffleReply reply = (Message.ShuffleReply) roundTrip(new Message.ShuffleReply(peer(7), List.of(),
                filled(32, 2)));
        assertTrue(reply.peers().isEmpty());
        Gossip g = new Gossip(peer(8).id(), 42, new byte[] {1, 2, 3}, filled(64, 9), 7, true);
        Message.IHave ihave = new Message.IHave(List.of(new Message.IHaveEntry(g.id(), 3)));
        assertEquals(ihave, roundTrip(ihave));
        assertEquals(new Message.Graft(g.id(), 4), roundTrip(new Message.Graft(g.id(), 4)));
        assertNull(((Message.Graft) roundTrip(new Message.Graft(null, 0))).id());
        assertEquals(new Message.Prune(), roundTrip(new Message.Prune()));
        Gossip back = (Gossip) roundTrip(g);
        assertEquals(g.id(), back.id());
        assertEquals(7, back.round());
        assertTrue(back.neighborsOnly());
        assertArrayEquals(filled(64, 9), back.signatureUnsafe());
    }

    /**
     * Each frame's buffer is as large as the frame: it is allocated and zeroed per message, and one sized at the
     * control frame limit (256 KiB) made each Graft and Prune cost a quarter of a megabyte (issue 18).
     */
    @Test
    void everyFrameIsEncodedIntoABufferOfItsOwnSize() {
        Gossip g = new Gossip(peer(8).id(), 42, new byte[] {1, 2, 3}, filled(64, 9), 7, false);
        List<Message> messages = List.of(new Message.Join(peer(1), filled(32, 5)), new Message.ForwardJoin(peer(2), 6),
                new Message.Neighbor(peer(3), Message.NeighborKind.REQUEST_HIGH, filled(32, 1)),
                new Message.Disconnect(false), new Message.Shuffle(peer(4), List.of(peer(5), peer(6)), 3),
                new Message.ShuffleReply(peer(7), List.of(peer(9)), filled(32, 2)),
                new Message.IHave(List.of(new Message.IHaveEntry(g.id(), 3), new Message.IHaveEntry(g.id(), 4))),
                new Message.Graft(g.id(), 4), new Message.Prune(), g);
        for (Message message : messages) {
            ByteBuffer frame = codec.encode(topic, message);
            assertEquals(frame.remaining(), frame.capacity(), message.getClass().getSimpleName());
        }
        assertTrue(codec.encode(topic, new Message.Graft(null, 0)).capacity() <= 80);
    }

    private String malformed(byte[] frame) {
        return assertThrows(MalformedFrameException.class, () -> codec.decode(ByteBuffer.wrap(frame))).getMessage();
    }

    private byte[] frame(Message message) {
        ByteBuffer buffer = codec.encode(topic, message);
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }

    @Test
    void malformedFramesAreRejectedWithAReason() {
        byte[] prune = frame(new Message.Prune());
        byte[] wrongVersion = prune.clone();
        wrongVersion[0] = 2;
        assertTrue(malformed(wrongVersion).contains("version"));
        assertTrue(malformed(Arrays.copyOf(prune, prune.length + 1)).contains("length"));
        byte[] unknownType = prune.clone();
        unknownType[37] = 99;
        assertTrue(malformed(unknownType).contains("unknown message type"));
        assertTrue(malformed(new byte[] {1, 0}).contains("middle"));
        byte[] join = frame(new Message.Join(peer(1), filled(32, 5)));
        assertTrue(malformed(Arrays.copyOf(join, join.length - 1)).contains("length"));
        assertTrue(malformed(new byte[0]).contains("middle"));
    }

    @Test
    void anOverSizePayloadIsRejectedBeforeItIsRead() {
        FrameCodec big = new FrameCodec(8192);
        ByteBuffer buffer = big.encode(topic, new Gossip(peer(1).id(), 1, new byte[5000], new byte[0], 0, false));
        String reason = assertThrows(MalformedFrameException.class, () -> codec.decode(buffer)).getMessage();
        assertTrue(reason.contains("max_message_size"), reason);
    }

    @Test
    void anInvalidAddressIsMalformed() {
        byte[] join = frame(new Message.Join(new PeerInfo(PeerId.of(filled(32, 1)),
                List.of(PeerAddress.parse("inmemory://ab:1"))), filled(32, 5)));
        // the address text starts after version, length, topic, type, id, count and its own length
        int text = 1 + 4 + 32 + 1 + 32 + 1 + 2;
        join[text + "inmemory://".length()] = '_';
        assertTrue(malformed(join).contains("invalid"));
    }
}
