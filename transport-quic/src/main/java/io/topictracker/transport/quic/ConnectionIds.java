package io.topictracker.transport.quic;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.quic.QuicConnectionIdGenerator;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;

/**
 * The connection ids of one QUIC transport, chosen so that one UDP socket can serve both the connections it accepts
 * and those it dials (hole punching needs both to use the listening socket: a NAT lets in only packets from the exact
 * address and port it has sent to). Every id we choose is {@link #LENGTH} bytes (RFC 9000 §5.1: an endpoint picks the
 * ids its peer puts in the Destination Connection ID field). Ids of connections we dial start with a
 * {@link #PREFIX_LENGTH}-byte prefix drawn at random per transport; ids of connections we accept never do. A datagram
 * is then routed by the first bytes of its Destination Connection ID ({@link #isDialled}) — including a new peer's
 * first Initial, whose id the peer drew at random: it matches the prefix with probability 2<sup>-32</sup>, and a peer
 * who forges a match only loses its own handshake.
 *
 * <p>Immutable after construction; thread-safe.
 */
final class ConnectionIds {
    /** Length of every connection id we issue (the RFC 9000 maximum, quiche's default). */
    static final int LENGTH = 20;
    /** Bytes of the dialled-connection prefix. */
    static final int PREFIX_LENGTH = 4;

    private final byte[] dialPrefix;
    private final SecureRandom random;

    /** With a fresh random prefix. */
    ConnectionIds() {
        this(new SecureRandom());
    }

    /** @param random draws the prefix and the ids of dialled connections; not null */
    ConnectionIds(SecureRandom random) {
        this.random = Objects.requireNonNull(random, "random");
        this.dialPrefix = new byte[PREFIX_LENGTH];
        random.nextBytes(dialPrefix);
    }

    /** @return a new source connection id for a connection we dial: the prefix, then random bytes; never null */
    byte[] newDialId() {
        byte[] id = new byte[LENGTH];
        random.nextBytes(id);
        System.arraycopy(dialPrefix, 0, id, 0, PREFIX_LENGTH);
        return id;
    }

    /**
     * @return the generator of ids for accepted connections: netty's signing generator (idempotent, so a repeated
     *     Initial maps to the same connection), with the first byte changed whenever an id would carry the prefix
     */
    QuicConnectionIdGenerator acceptedIds() {
        QuicConnectionIdGenerator signed = QuicConnectionIdGenerator.signGenerator();
        return new QuicConnectionIdGenerator() {
            @Override
            public ByteBuffer newId(int length) {
                return avoidPrefix(signed.newId(length));
            }

            @Override
            public ByteBuffer newId(ByteBuffer input, int length) {
                return avoidPrefix(signed.newId(input, length));
            }

            @Override
            public ByteBuffer newId(ByteBuffer scid, ByteBuffer dcid, int length) {
                return avoidPrefix(signed.newId(scid, dcid, length));
            }

            @Override
            public int maxConnectionIdLength() {
                return signed.maxConnectionIdLength();
            }

            @Override
            public boolean isIdempotent() {
                return signed.isIdempotent();
            }
        };
    }

    /** @return {@code id} with its first byte flipped if it starts with the dial prefix; the same buffer otherwise */
    ByteBuffer avoidPrefix(ByteBuffer id) {
        if (!startsWithPrefix(id.duplicate())) {
            return id;
        }
        byte[] copy = new byte[id.remaining()];
        id.duplicate().get(copy);
        copy[0] ^= (byte) 0x80;
        return ByteBuffer.wrap(copy);
    }

    private boolean startsWithPrefix(ByteBuffer id) {
        if (id.remaining() < PREFIX_LENGTH) {
            return false;
        }
        for (int i = 0; i < PREFIX_LENGTH; i++) {
            if (id.get(id.position() + i) != dialPrefix[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether a datagram belongs to a connection we dialled: its Destination Connection ID (RFC 9000 §17.2 long
     * header: after the first byte, the 4-byte version and a length byte; §17.3 short header: right after the first
     * byte, {@link #LENGTH} bytes, the length we issue) starts with our prefix. Anything malformed or too short is
     * not ours (the accepting side's codec drops it).
     *
     * @param datagram the UDP payload, not null; its indices are not moved
     */
    boolean isDialled(ByteBuf datagram) {
        int start = datagram.readerIndex();
        int length = datagram.readableBytes();
        if (length < 1) {
            return false;
        }
        int first = datagram.getUnsignedByte(start);
        int idStart;
        if ((first & 0x80) != 0) {
            if (length < 6) {
                return false;
            }
            int idLength = datagram.getUnsignedByte(start + 5);
            if (idLength < PREFIX_LENGTH) {
                return false;
            }
            idStart = start + 6;
        } else {
            idStart = start + 1;
        }
        if (idStart + PREFIX_LENGTH > start + length) {
            return false;
        }
        for (int i = 0; i < PREFIX_LENGTH; i++) {
            if (datagram.getByte(idStart + i) != dialPrefix[i]) {
                return false;
            }
        }
        return true;
    }

    /** @return a copy of the prefix (for tests) */
    byte[] dialPrefix() {
        return Arrays.copyOf(dialPrefix, PREFIX_LENGTH);
    }
}
