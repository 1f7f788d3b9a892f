package io.topictracker.engine.gossip.net;

import io.topictracker.api.PeerAddress;
import io.topictracker.api.PeerId;
import io.topictracker.api.PeerInfo;
import io.topictracker.api.TopicId;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The two frames of a connection request through a neighbour (issue 15, PROTOCOL.md §10), in the gossip frame
 * layout of {@link FrameCodec} (same header; the topic is the one the forwarder must share with both ends):
 *
 * <pre>
 * ConnectRequest=14  target:32 | peer (the requester: its id and addresses, as FrameCodec's peer)
 * ConnectForward=15  peer (the requester) | len:u16 (0 or ≤ 300) | UTF-8 address text (where the forwarder sees
 *                    the requester's connection come from; empty when relayed)
 * </pre>
 *
 * Decoding is strict, as {@link FrameCodec}'s: a wrong version or length, a field cut short, an invalid address and
 * trailing bytes are errors. Stateless.
 */
final class ConnectFrames {
    static final int CONNECT_REQUEST = 14;
    static final int CONNECT_FORWARD = 15;
    private static final int TYPE_OFFSET = 1 + 4 + 32;
    /** Largest frame of either type: header, a target id, a peer of 8 addresses of 300 bytes, one more address. */
    static final int MAX_FRAME = TYPE_OFFSET + 1 + 32 + (32 + 1 + PeerInfo.MAX_ADDRESSES * (2 + 300)) + 2 + 300;

    private ConnectFrames() {}

    /** A ConnectRequest: {@code requester} wants {@code target} to dial it, within {@code topic}. */
    record Request(TopicId topic, PeerId target, PeerInfo requester) {}

    /** A ConnectForward: {@code requester} wants us to dial it; {@code seen} may be null. */
    record Forward(TopicId topic, PeerInfo requester, PeerAddress seen) {}

    /** @return the frame's type if it is one of these two, else 0 (another frame: {@link FrameCodec} reads it) */
    static int typeOf(ByteBuffer frame) {
        if (frame.remaining() <= TYPE_OFFSET) {
            return 0;
        }
        int type = frame.get(frame.position() + TYPE_OFFSET) & 0xFF;
        return type == CONNECT_REQUEST || type == CONNECT_FORWARD ? type : 0;
    }

    static ByteBuffer encodeRequest(TopicId topic, PeerId target, PeerInfo requester) {
        ByteBuffer out = header(topic, CONNECT_REQUEST);
        out.put(target.toBytes());
        FrameCodec.putPeer(out, requester);
        return finish(out);
    }

    static ByteBuffer encodeForward(TopicId topic, PeerInfo requester, PeerAddress seen) {
        ByteBuffer out = header(topic, CONNECT_FORWARD);
        FrameCodec.putPeer(out, requester);
        byte[] text = seen == null ? new byte[0] : seen.toString().getBytes(StandardCharsets.UTF_8);
        out.putShort((short) text.length).put(text);
        return finish(out);
    }

    private static ByteBuffer header(TopicId topic, int type) {
        return ByteBuffer.allocate(MAX_FRAME).put((byte) FrameCodec.VERSION).putInt(0).put(topic.toBytes())
                .put((byte) type);
    }

    private static ByteBuffer finish(ByteBuffer out) {
        out.putInt(1, out.position() - 5);
        return out.flip();
    }

    /** @throws MalformedFrameException naming what is wrong, also if the frame is a ConnectForward */
    static Request decodeRequest(ByteBuffer frame) throws MalformedFrameException {
        try {
            TopicId topic = header(frame, CONNECT_REQUEST);
            PeerId target = PeerId.of(FrameCodec.bytes(frame, 32));
            PeerInfo requester = FrameCodec.peer(frame);
            noTrailingBytes(frame, "ConnectRequest");
            return new Request(topic, target, requester);
        } catch (BufferUnderflowException e) {
            throw new MalformedFrameException("ConnectRequest ends in the middle of a field");
        } catch (IllegalArgumentException e) {
            throw new MalformedFrameException("invalid ConnectRequest field: " + e.getMessage());
        }
    }

    /** @throws MalformedFrameException naming what is wrong, also if the frame is a ConnectRequest */
    static Forward decodeForward(ByteBuffer frame) throws MalformedFrameException {
        try {
            TopicId topic = header(frame, CONNECT_FORWARD);
            PeerInfo requester = FrameCodec.peer(frame);
            int length = frame.getShort() & 0xFFFF;
            if (length > PeerAddress.MAX_TEXT_LENGTH) {
                throw new MalformedFrameException("ConnectForward's seen address of " + length + " bytes, at most "
                        + PeerAddress.MAX_TEXT_LENGTH);
            }
            PeerAddress seen = length == 0 ? null
                    : PeerAddress.parse(new String(FrameCodec.bytes(frame, length), StandardCharsets.UTF_8));
            noTrailingBytes(frame, "ConnectForward");
            return new Forward(topic, requester, seen);
        } catch (BufferUnderflowException e) {
            throw new MalformedFrameException("ConnectForward ends in the middle of a field");
        } catch (IllegalArgumentException e) {
            throw new MalformedFrameException("invalid ConnectForward field: " + e.getMessage());
        }
    }

    private static TopicId header(ByteBuffer frame, int expectedType) throws MalformedFrameException {
        if (frame.remaining() > MAX_FRAME) {
            throw new MalformedFrameException("connect frame of " + frame.remaining() + " bytes is over " + MAX_FRAME);
        }
        int version = frame.get() & 0xFF;
        if (version != FrameCodec.VERSION) {
            throw new MalformedFrameException("unsupported wire version " + version);
        }
        long length = frame.getInt() & 0xFFFFFFFFL;
        if (length != frame.remaining()) {
            throw new MalformedFrameException("length field says " + length + " bytes, frame has "
                    + frame.remaining());
        }
        TopicId topic = TopicId.of(FrameCodec.bytes(frame, 32));
        int type = frame.get() & 0xFF;
        if (type != expectedType) {
            throw new MalformedFrameException("expected message type " + expectedType + ", got " + type);
        }
        return topic;
    }

    private static void noTrailingBytes(ByteBuffer frame, String what) throws MalformedFrameException {
        if (frame.hasRemaining()) {
            throw new MalformedFrameException(frame.remaining() + " trailing bytes after a " + what);
        }
    }
}
