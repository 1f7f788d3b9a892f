package io.topictracker.engine.gossip.net;

import io.topictracker.api.PeerAddress;
import io.topictracker.api.PeerId;
import io.topictracker.api.PeerInfo;
import io.topictracker.api.TopicId;
import io.topictracker.engine.gossip.proto.Gossip;
import io.topictracker.engine.gossip.proto.Message;
import io.topictracker.engine.gossip.proto.MessageId;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The gossip wire format (internal to the driver; not part of the exported API): one protocol message of one topic per transport frame.
 *
 * <pre>
 * frame   = version:u8 (=1) | length:u32 (bytes after this field) | topic:32 | type:u8 | body
 * peer    = id:32 | count:u8 (≤ 8) | count × (len:u16 (≤ 300) | UTF-8 address text)
 * Join=1        peer | mac:32
 * ForwardJoin=2 peer | ttl:u8
 * Neighbor=3    peer | kind:u8 (0 high, 1 low, 2 accept) | mac:32
 * Disconnect=4  alive:u8 (0|1)
 * Shuffle=5     peer | count:u8 (≤ 64) | count × peer | ttl:u8
 * ShuffleReply=6 peer | count:u8 (≤ 64) | count × peer | mac:32
 * IHave=7       count:u16 (1–1024) | count × (id:32 | round:u16)
 * Graft=8       hasId:u8 (0|1) | [id:32] | round:u16
 * Prune=9       (empty)
 * Gossip=10     author:32 | seq:i64 | flags:u8 (bit 0 neighbours-only) | round:u16 | sigLen:u8 (0|64) | sig
 *               | len:u32 (≤ max message size) | payload
 * Observed=11   len:u16 (≤ 300) | UTF-8 address text      (topic: 32 zero bytes; of the connection, not a topic)
 * Connect=12    answer:u8 (0|1) | attempt:u8 (1–255) | count:u8 (≤ 8) | count × (len:u16 (≤ 300) | UTF-8 address)
 *                                                         (topic: 32 zero bytes; direct connection upgrade, PROTOCOL §9)
 * Sync=13       attempt:u8 (1–255)                        (topic: 32 zero bytes; direct connection upgrade, PROTOCOL §9)
 * 14, 15        connection requests through a neighbour: {@link ConnectFrames} (read before this codec)
 * </pre>
 *
 * Integers are big-endian. Decoding is strict: a wrong version, a length that disagrees with the frame, an unknown
 * type or flag, a count over its bound, an invalid address and trailing bytes are all errors. Stateless and
 * thread-safe.
 */
public final class FrameCodec {
    /** The wire format version this codec speaks. */
    public static final int VERSION = 1;
    /** Bytes of a frame that are not payload, at most, for a Gossip message. */
    public static final int GOSSIP_OVERHEAD = 1 + 4 + 32 + 1 + 32 + 8 + 1 + 2 + 1 + 64 + 4;
    /** Frame budget for every message but Gossip (a Shuffle of 64 peers with 8 long addresses fits). */
    public static final int CONTROL_FRAME_LIMIT = 256 * 1024;

    private final int maxMessageSize;
    private final int maxFrameSize;

    /** @param maxMessageSize the largest payload accepted, as configured */
    public FrameCodec(int maxMessageSize) {
        this.maxMessageSize = maxMessageSize;
        this.maxFrameSize = Math.max(CONTROL_FRAME_LIMIT, maxMessageSize + GOSSIP_OVERHEAD);
    }

    /** @return the largest frame this codec writes or reads */
    public int maxFrameSize() {
        return maxFrameSize;
    }

    /**
     * @return the frame, positioned for reading; never null
     * @throws IllegalArgumentException if the message does not fit the frame limit
     */
    public ByteBuffer encode(TopicId topic, Message message) {
        ByteBuffer out = ByteBuffer.allocate(estimate(message));
        out.put((byte) VERSION).putInt(0).put(topic.toBytes());
        if (message instanceof Message.Join join) {
            out.put((byte) 1);
            putPeer(out, join.from());
            out.put(join.mac());
        } else if (message instanceof Message.ForwardJoin forward) {
            out.put((byte) 2);
            putPeer(out, forward.joiner());
            out.put((byte) forward.ttl());
        } else if (message instanceof Message.Neighbor neighbor) {
            out.put((byte) 3);
            putPeer(out, neighbor.from());
            out.put((byte) neighbor.kind().ordinal());
            out.put(neighbor.mac());
        } else if (message instanceof Message.Disconnect disconnect) {
            out.put((byte) 4).put((byte) (disconnect.alive() ? 1 : 0));
        } else if (message instanceof Message.Shuffle shuffle) {
            out.put((byte) 5);
            putPeer(out, shuffle.origin());
            putPeers(out, shuffle.peers());
            out.put((byte) shuffle.ttl());
        } else if (message instanceof Message.ShuffleReply reply) {
            out.put((byte) 6);
            putPeer(out, reply.from());
            putPeers(out, reply.peers());
            out.put(reply.mac());
        } else if (message instanceof Message.IHave ihave) {
            out.put((byte) 7).putShort((short) ihave.entries().size());
            for (Message.IHaveEntry entry : ihave.entries()) {
                out.put(entry.id().toBytes()).putShort((short) Math.min(entry.round(), 0xFFFF));
            }
        } else if (message instanceof Message.Graft graft) {
            out.put((byte) 8);
            if (graft.id() == null) {
                out.put((byte) 0);
            } else {
                out.put((byte) 1).put(graft.id().toBytes());
            }
            out.putShort((short) Math.min(Math.max(graft.round(), 0), 0xFFFF));
        } else if (message instanceof Message.Prune) {
            out.put((byte) 9);
        } else if (message instanceof Gossip gossip) {
            out.put((byte) 10).put(gossip.author().toBytes()).putLong(gossip.seq())
                    .put((byte) (gossip.neighborsOnly() ? 1 : 0)).putShort((short) gossip.round())
                    .put((byte) gossip.signatureUnsafe().length).put(gossip.signatureUnsafe())
                    .putInt(gossip.payloadUnsafe().length).put(gossip.payloadUnsafe());
        } else {
            throw new IllegalArgumentException("unknown message type " + message.getClass().getName());
        }
        out.putInt(1, out.position() - 5);
        out.flip();
        if (out.remaining() > maxFrameSize) {
            throw new IllegalArgumentException("frame of " + out.remaining() + " bytes is over " + maxFrameSize);
        }
        return out;
    }

    /**
     * The exact size of the frame {@link #encode} writes for {@code message} (the Gossip and IHave bounds are exact
     * or a few bytes over). Exact rather than the frame limit because the buffer is allocated, zeroed and copied per
     * message: sized at the 256 KiB control frame limit, each Graft, Prune and membership message cost a quarter of
     * a megabyte of zeroing and page faults, most of the swarm benchmark's allocation (issue 18, BENCHMARKS.md).
     */
    private static int estimate(Message message) {
        int size = TYPE_OFFSET + 1;
        if (message instanceof Gossip gossip) {
            return GOSSIP_OVERHEAD + gossip.payloadUnsafe().length;
        } else if (message instanceof Message.IHave ihave) {
            return size + 2 + ihave.entries().size() * (MessageId.LENGTH + 2);
        } else if (message instanceof Message.Graft) {
            return size + 1 + MessageId.LENGTH + 2;
        } else if (message instanceof Message.Prune) {
            return size;
        } else if (message instanceof Message.Disconnect) {
            return size + 1;
        } else if (message instanceof Message.Join join) {
            return size + peerSize(join.from()) + join.mac().length;
        } else if (message instanceof Message.ForwardJoin forward) {
            return size + peerSize(forward.joiner()) + 1;
        } else if (message instanceof Message.Neighbor neighbor) {
            return size + peerSize(neighbor.from()) + 1 + neighbor.mac().length;
        } else if (message instanceof Message.Shuffle shuffle) {
            return size + peerSize(shuffle.origin()) + peersSize(shuffle.peers()) + 1;
        } else if (message instanceof Message.ShuffleReply reply) {
            return size + peerSize(reply.from()) + peersSize(reply.peers()) + reply.mac().length;
        }
        throw new IllegalArgumentException("unknown message type " + message.getClass().getName());
    }

    private static int peersSize(List<PeerInfo> peers) {
        int size = 1;
        for (PeerInfo peer : peers) {
            size += peerSize(peer);
        }
        return size;
    }

    /** The bytes {@link #putPeer} writes. */
    private static int peerSize(PeerInfo peer) {
        int size = PeerId.LENGTH + 1;
        for (PeerAddress address : peer.addresses()) {
            size += 2 + address.toString().getBytes(StandardCharsets.UTF_8).length;
        }
        return size;
    }

    private static void putPeers(ByteBuffer out, List<PeerInfo> peers) {
        out.put((byte) peers.size());
        for (PeerInfo peer : peers) {
            putPeer(out, peer);
        }
    }

    static void putPeer(ByteBuffer out, PeerInfo peer) {
        out.put(peer.id().toBytes()).put((byte) peer.addresses().size());
        for (PeerAddress address : peer.addresses()) {
            byte[] text = address.toString().getBytes(StandardCharsets.UTF_8);
            out.putShort((short) text.length).put(text);
        }
    }

    /** A decoded frame: which topic, which message. */
    public record Decoded(TopicId topic, Message message) {}

    /** The type of the frame an accepting node sends first: the address it sees the dialler at. */
    static final int OBSERVED = 11;
    private static final int TYPE_OFFSET = 1 + 4 + 32;

    /**
     * @param seen the dialler's address as the acceptor sees it, not null
     * @return an Observed frame, positioned for reading; never null
     */
    public ByteBuffer encodeObserved(PeerAddress seen) {
        byte[] text = seen.toString().getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(TYPE_OFFSET + 1 + 2 + text.length);
        out.put((byte) VERSION).putInt(out.capacity() - 5).put(new byte[32]).put((byte) OBSERVED)
                .putShort((short) text.length).put(text);
        return out.flip();
    }

    /**
     * Reads an Observed frame.
     *
     * @param frame not null; consumed only if it is an Observed frame
     * @return the address in it, or null if the frame is of another type (then {@link #decode} reads it)
     * @throws MalformedFrameException if it is an Observed frame but not a valid one
     */
    public PeerAddress observed(ByteBuffer frame) throws MalformedFrameException {
        if (frame.remaining() <= TYPE_OFFSET || (frame.get(frame.position() + TYPE_OFFSET) & 0xFF) != OBSERVED) {
            return null;
        }
        try {
            int version = frame.get() & 0xFF;
            long length = frame.getInt() & 0xFFFFFFFFL;
            if (version != VERSION || length != frame.remaining()) {
                throw new MalformedFrameException("Observed frame with version " + version + " and length " + length);
            }
            for (byte b : bytes(frame, 32)) {
                if (b != 0) {
                    throw new MalformedFrameException("Observed frame names a topic");
                }
            }
            frame.get();
            int textLength = frame.getShort() & 0xFFFF;
            if (textLength > PeerAddress.MAX_TEXT_LENGTH || textLength != frame.remaining()) {
                throw new MalformedFrameException("Observed address of " + textLength + " bytes in a frame with "
                        + frame.remaining() + " left");
            }
            return PeerAddress.parse(new String(bytes(frame, textLength), StandardCharsets.UTF_8));
        } catch (BufferUnderflowException e) {
            throw new MalformedFrameException("Observed frame ends in the middle of a field");
        } catch (IllegalArgumentException e) {
            throw new MalformedFrameException("invalid Observed address: " + e.getMessage());
        }
    }

    /** The types of the direct connection upgrade's frames (PROTOCOL.md §9, after libp2p DCUtR's CONNECT and SYNC). */
    static final int UPGRADE_CONNECT = 12;
    static final int UPGRADE_SYNC = 13;

    /** A frame of the direct connection upgrade (PROTOCOL.md §9); of the connection, not of a topic. */
    sealed interface UpgradeFrame permits UpgradeConnect, UpgradeSync {}

    /**
     * Our addresses for a direct dial, sent over a relayed connection.
     *
     * @param answer false from the initiator, true in the responder's answer
     * @param attempt which attempt of the initiator's this belongs to, 1–255 (an answer echoes it)
     * @param addresses where the sender's punching transport listens, at most {@link PeerInfo#MAX_ADDRESSES};
     *     empty when it has none (the upgrade is given up); never null
     */
    record UpgradeConnect(boolean answer, int attempt, List<PeerAddress> addresses) implements UpgradeFrame {
        UpgradeConnect {
            requireAttempt(attempt);
            addresses = List.copyOf(addresses);
            if (addresses.size() > PeerInfo.MAX_ADDRESSES) {
                throw new IllegalArgumentException(addresses.size() + " addresses, at most " + PeerInfo.MAX_ADDRESSES);
            }
        }
    }

    /** The initiator's signal to dial now (the responder) and after half the round trip (itself). */
    record UpgradeSync(int attempt) implements UpgradeFrame {
        UpgradeSync {
            requireAttempt(attempt);
        }
    }

    private static void requireAttempt(int attempt) {
        if (attempt < 1 || attempt > 255) {
            throw new IllegalArgumentException("upgrade attempt must be 1-255, got " + attempt);
        }
    }

    /** @return the frame of {@code message}, positioned for reading; never null */
    public ByteBuffer encodeUpgrade(UpgradeFrame message) {
        ByteBuffer out = ByteBuffer.allocate(TYPE_OFFSET + 1 + 3 + PeerInfo.MAX_ADDRESSES
                * (2 + PeerAddress.MAX_TEXT_LENGTH * 4));
        out.put((byte) VERSION).putInt(0).put(new byte[32]);
        if (message instanceof UpgradeConnect connect) {
            out.put((byte) UPGRADE_CONNECT).put((byte) (connect.answer() ? 1 : 0)).put((byte) connect.attempt())
                    .put((byte) connect.addresses().size());
            for (PeerAddress address : connect.addresses()) {
                byte[] text = address.toString().getBytes(StandardCharsets.UTF_8);
                out.putShort((short) text.length).put(text);
            }
        } else {
            out.put((byte) UPGRADE_SYNC).put((byte) ((UpgradeSync) message).attempt());
        }
        out.putInt(1, out.position() - 5);
        return out.flip();
    }

    /**
     * Reads a frame of the direct connection upgrade.
     *
     * @param frame not null; consumed only if it is an upgrade frame
     * @return the message, or null if the frame is of another type (then {@link #decode} reads it)
     * @throws MalformedFrameException naming what is wrong, if it is an upgrade frame but not a valid one
     */
    public UpgradeFrame upgrade(ByteBuffer frame) throws MalformedFrameException {
        if (frame.remaining() <= TYPE_OFFSET) {
            return null;
        }
        int type = frame.get(frame.position() + TYPE_OFFSET) & 0xFF;
        if (type != UPGRADE_CONNECT && type != UPGRADE_SYNC) {
            return null;
        }
        String name = type == UPGRADE_CONNECT ? "Connect" : "Sync";
        try {
            int version = frame.get() & 0xFF;
            long length = frame.getInt() & 0xFFFFFFFFL;
            if (version != VERSION || length != frame.remaining()) {
                throw new MalformedFrameException(name + " frame with version " + version + " and length " + length
                        + " (" + frame.remaining() + " bytes follow)");
            }
            for (byte b : bytes(frame, 32)) {
                if (b != 0) {
                    throw new MalformedFrameException(name + " frame names a topic");
                }
            }
            frame.get();
            UpgradeFrame message;
            if (type == UPGRADE_CONNECT) {
                boolean answer = flag(frame.get() & 0xFF, "Connect answer flag");
                int attempt = attempt(frame.get() & 0xFF, name);
                int count = frame.get() & 0xFF;
                if (count > PeerInfo.MAX_ADDRESSES) {
                    throw new MalformedFrameException("Connect with " + count + " addresses, at most "
                            + PeerInfo.MAX_ADDRESSES);
                }
                List<PeerAddress> addresses = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    int textLength = frame.getShort() & 0xFFFF;
                    if (textLength > PeerAddress.MAX_TEXT_LENGTH) {
                        throw new MalformedFrameException("Connect address of " + textLength + " bytes, at most "
                                + PeerAddress.MAX_TEXT_LENGTH);
                    }
                    addresses.add(PeerAddress.parse(new String(bytes(frame, textLength), StandardCharsets.UTF_8)));
                }
                message = new UpgradeConnect(answer, attempt, addresses);
            } else {
                message = new UpgradeSync(attempt(frame.get() & 0xFF, name));
            }
            if (frame.hasRemaining()) {
                throw new MalformedFrameException(frame.remaining() + " trailing bytes after " + name);
            }
            return message;
        } catch (BufferUnderflowException e) {
            throw new MalformedFrameException(name + " frame ends in the middle of a field");
        } catch (IllegalArgumentException e) {
            throw new MalformedFrameException("invalid " + name + " field: " + e.getMessage());
        }
    }

    private static int attempt(int value, String frame) throws MalformedFrameException {
        if (value == 0) {
            throw new MalformedFrameException(frame + " attempt must be 1-255, got 0");
        }
        return value;
    }

    /**
     * @param frame the bytes from position to limit, not null; consumed
     * @return the topic and message, never null
     * @throws MalformedFrameException naming what is wrong
     */
    public Decoded decode(ByteBuffer frame) throws MalformedFrameException {
        if (frame.remaining() > maxFrameSize) {
            throw new MalformedFrameException("frame of " + frame.remaining() + " bytes is over " + maxFrameSize);
        }
        try {
            int version = frame.get() & 0xFF;
            if (version != VERSION) {
                throw new MalformedFrameException("unsupported wire version " + version + " (this node speaks "
                        + VERSION + ")");
            }
            long length = frame.getInt() & 0xFFFFFFFFL;
            if (length != frame.remaining()) {
                throw new MalformedFrameException("length field says " + length + " bytes, frame has "
                        + frame.remaining());
            }
            TopicId topic = TopicId.of(bytes(frame, 32));
            int type = frame.get() & 0xFF;
            Message message = switch (type) {
                case 1 -> new Message.Join(peer(frame), bytes(frame, 32));
                case 2 -> new Message.ForwardJoin(peer(frame), frame.get() & 0xFF);
                case 3 -> new Message.Neighbor(peer(frame), kind(frame.get() & 0xFF), bytes(frame, 32));
                case 4 -> new Message.Disconnect(flag(frame.get() & 0xFF, "alive"));
                case 5 -> new Message.Shuffle(peer(frame), peers(frame), frame.get() & 0xFF);
                case 6 -> new Message.ShuffleReply(peer(frame), peers(frame), bytes(frame, 32));
                case 7 -> ihave(frame);
                case 8 -> {
                    boolean hasId = flag(frame.get() & 0xFF, "graft id flag");
                    MessageId id = hasId ? MessageId.of(bytes(frame, 32)) : null;
                    yield new Message.Graft(id, frame.getShort() & 0xFFFF);
                }
                case 9 -> new Message.Prune();
                case 10 -> gossip(frame);
                default -> throw new MalformedFrameException("unknown message type " + type);
            };
            if (frame.hasRemaining()) {
                throw new MalformedFrameException(frame.remaining() + " trailing bytes after message type " + type);
            }
            return new Decoded(topic, message);
        } catch (BufferUnderflowException e) {
            throw new MalformedFrameException("frame ends in the middle of a field");
        } catch (IllegalArgumentException e) {
            throw new MalformedFrameException("invalid field: " + e.getMessage());
        }
    }

    private Gossip gossip(ByteBuffer frame) throws MalformedFrameException {
        PeerId author = PeerId.of(bytes(frame, 32));
        long seq = frame.getLong();
        int flags = frame.get() & 0xFF;
        if ((flags & ~1) != 0) {
            throw new MalformedFrameException("unknown gossip flags " + flags);
        }
        int round = frame.getShort() & 0xFFFF;
        int signatureLength = frame.get() & 0xFF;
        if (signatureLength != 0 && signatureLength != 64) {
            throw new MalformedFrameException("signature length must be 0 or 64, got " + signatureLength);
        }
        byte[] signature = bytes(frame, signatureLength);
        long payloadLength = frame.getInt() & 0xFFFFFFFFL;
        if (payloadLength > maxMessageSize) {
            throw new MalformedFrameException("payload of " + payloadLength + " bytes is over max_message_size "
                    + maxMessageSize);
        }
        byte[] payload = bytes(frame, (int) payloadLength);
        return new Gossip(author, seq, payload, signature, round, (flags & 1) != 0);
    }

    private static Message.IHave ihave(ByteBuffer frame) throws MalformedFrameException {
        int count = frame.getShort() & 0xFFFF;
        if (count == 0 || count > Message.MAX_IHAVE_ENTRIES) {
            throw new MalformedFrameException("IHave count must be 1-" + Message.MAX_IHAVE_ENTRIES + ", got " + count);
        }
        List<Message.IHaveEntry> entries = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            entries.add(new Message.IHaveEntry(MessageId.of(bytes(frame, 32)), frame.getShort() & 0xFFFF));
        }
        return new Message.IHave(entries);
    }

    private static Message.NeighborKind kind(int value) throws MalformedFrameException {
        Message.NeighborKind[] kinds = Message.NeighborKind.values();
        if (value >= kinds.length) {
            throw new MalformedFrameException("unknown neighbor kind " + value);
        }
        return kinds[value];
    }

    private static boolean flag(int value, String what) throws MalformedFrameException {
        if (value > 1) {
            throw new MalformedFrameException(what + " must be 0 or 1, got " + value);
        }
        return value == 1;
    }

    private static List<PeerInfo> peers(ByteBuffer frame) throws MalformedFrameException {
        int count = frame.get() & 0xFF;
        if (count > Message.MAX_SHUFFLE_PEERS) {
            throw new MalformedFrameException("peer list of " + count + " is over " + Message.MAX_SHUFFLE_PEERS);
        }
        List<PeerInfo> peers = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            peers.add(peer(frame));
        }
        return peers;
    }

    static PeerInfo peer(ByteBuffer frame) throws MalformedFrameException {
        PeerId id = PeerId.of(bytes(frame, 32));
        int count = frame.get() & 0xFF;
        if (count > PeerInfo.MAX_ADDRESSES) {
            throw new MalformedFrameException("peer with " + count + " addresses, at most " + PeerInfo.MAX_ADDRESSES);
        }
        List<PeerAddress> addresses = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int length = frame.getShort() & 0xFFFF;
            if (length > PeerAddress.MAX_TEXT_LENGTH) {
                throw new MalformedFrameException("address of " + length + " bytes, at most "
                        + PeerAddress.MAX_TEXT_LENGTH);
            }
            addresses.add(PeerAddress.parse(new String(bytes(frame, length), StandardCharsets.UTF_8)));
        }
        return new PeerInfo(id, addresses);
    }

    static byte[] bytes(ByteBuffer frame, int length) {
        if (length > frame.remaining()) {
            throw new BufferUnderflowException();
        }
        byte[] bytes = new byte[length];
        frame.get(bytes);
        return bytes;
    }
}
