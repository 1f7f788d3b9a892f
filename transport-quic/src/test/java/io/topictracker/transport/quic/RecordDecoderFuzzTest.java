package io.topictracker.transport.quic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.topictracker.api.transport.TransportException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Fuzzes the QUIC transport's {@link RecordDecoder} (a stream of 4-byte headers: a length up to the frame limit and
 * its payload, or one of the two control records) on a Netty {@link EmbeddedChannel}, the bytes arriving in chunks
 * as a stream delivers them. Input: byte 0 picks the chunk size (1–64), byte 1 the frame limit (1–256), the rest is
 * the stream. Whatever the chunking, the decoder must emit exactly what a plain reading of the stream finds (data
 * frames and {@link Records.Control#ACCEPTED}; keep-alives vanish), fail with {@link TransportException}
 * FRAME_TOO_LARGE at the first header over the limit and emit nothing after it, and release every buffer.
 *
 * <p>Seeds: {@code src/test/resources/io/topictracker/transport/quic/RecordDecoderFuzzTestInputs/decode/}.
 */
class RecordDecoderFuzzTest {
    @FuzzTest(maxDuration = "20s")
    void decode(byte[] input) {
        if (input.length < 2) {
            return;
        }
        int chunk = 1 + (input[0] & 0x3f);
        int maxFrameSize = 1 + (input[1] & 0xff);
        byte[] stream = Arrays.copyOfRange(input, 2, input.length);
        Expected expected = Expected.read(stream, maxFrameSize);

        EmbeddedChannel channel = new EmbeddedChannel(new RecordDecoder(maxFrameSize));
        List<ByteBuf> written = new ArrayList<>();
        Throwable failure = null;
        for (int at = 0; at < stream.length; at += chunk) {
            ByteBuf bytes = Unpooled.wrappedBuffer(Arrays.copyOfRange(stream, at, Math.min(stream.length, at + chunk)));
            written.add(bytes);
            try {
                channel.writeInbound(bytes);
            } catch (RuntimeException e) {
                assertEquals(null, failure, "one failure, then silence");
                failure = e;
            }
        }
        channel.finish(); // the stream ends: whatever is left of a record is dropped, never emitted half
        List<Object> records = new ArrayList<>();
        for (Object record; (record = channel.readInbound()) != null; ) {
            if (record instanceof ByteBuffer buffer) {
                byte[] bytes = new byte[buffer.remaining()];
                buffer.get(bytes);
                records.add(bytes);
            } else {
                records.add(assertInstanceOf(Records.Control.class, record));
            }
        }
        assertEquals(expected.records.size(), records.size(), "records emitted");
        for (int i = 0; i < records.size(); i++) {
            if (expected.records.get(i) instanceof byte[] frame) {
                assertArrayEquals(frame, (byte[]) records.get(i), "record " + i);
            } else {
                assertEquals(expected.records.get(i), records.get(i), "record " + i);
            }
        }
        if (expected.tooLarge) {
            assertNotNull(failure, "a header over the limit fails the stream");
            TransportException cause = assertInstanceOf(TransportException.class, failure.getCause() == null
                    ? failure : failure.getCause());
            assertEquals(TransportException.Reason.FRAME_TOO_LARGE, cause.reason());
        } else {
            assertEquals(null, failure);
        }
        written.forEach(bytes -> assertEquals(0, bytes.refCnt(), "every received buffer is released"));
    }

    /** The stream read plainly: records until the end or the first header over the limit. */
    private record Expected(List<Object> records, boolean tooLarge) {
        static Expected read(byte[] stream, int maxFrameSize) {
            List<Object> records = new ArrayList<>();
            ByteBuffer in = ByteBuffer.wrap(stream);
            while (in.remaining() >= Records.HEADER_LENGTH) {
                int header = in.getInt(in.position());
                if (header == Records.KEEP_ALIVE || header == Records.ACCEPTED) {
                    in.getInt();
                    if (header == Records.ACCEPTED) {
                        records.add(Records.Control.ACCEPTED);
                    }
                    continue;
                }
                long length = Integer.toUnsignedLong(header);
                if (length > maxFrameSize) {
                    return new Expected(records, true);
                }
                if (in.remaining() < Records.HEADER_LENGTH + length) {
                    break;
                }
                in.getInt();
                byte[] frame = new byte[(int) length];
                in.get(frame);
                records.add(frame);
            }
            return new Expected(records, false);
        }
    }
}
