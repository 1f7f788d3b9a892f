package io.topictracker.transport.quic;

import java.nio.ByteBuffer;

/**
 * The wire format on a connection's one QUIC stream: a sequence of records, each a 4-byte big-endian unsigned header
 * followed by its payload. A header up to the maximum frame size is a data frame of that many bytes; the two highest
 * header values are control records without payload; every other value is a protocol violation. Stateless.
 *
 * <p>QUIC already frames and orders stream bytes (RFC 9000 §2.2), but a stream is a byte stream, so message
 * boundaries need this prefix, exactly as over TCP.
 */
final class Records {
    /** Header length in bytes. */
    static final int HEADER_LENGTH = 4;
    /** Control: sent by the server as the first record once it has accepted the client's identity. */
    static final int ACCEPTED = 0xFFFF_FFFE;
    /** Control: sent by either side on a connection that was otherwise silent, so the idle timer does not fire. */
    static final int KEEP_ALIVE = 0xFFFF_FFFF;

    /** The decoder's signal that the server accepted this client. */
    enum Control {
        ACCEPTED
    }

    private Records() {}

    /** @return the header and a copy of {@code frame}'s remaining bytes; the frame's position is untouched */
    static byte[] dataRecord(ByteBuffer frame) {
        int length = frame.remaining();
        byte[] record = new byte[HEADER_LENGTH + length];
        ByteBuffer.wrap(record).putInt(length).put(frame.duplicate());
        return record;
    }

    /** @return one bare header: a control record, or in tests a forged length */
    static byte[] header(int value) {
        return ByteBuffer.allocate(HEADER_LENGTH).putInt(value).array();
    }
}
