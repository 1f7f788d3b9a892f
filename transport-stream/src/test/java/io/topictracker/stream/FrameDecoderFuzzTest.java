package io.topictracker.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.TooLongFrameException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Fuzzes the {@link FrameDecoder} of the TCP and relay transports (4-byte big-endian length, then the payload) on a
 * Netty {@link EmbeddedChannel}, the bytes arriving in chunks as a socket delivers them. Input: byte 0 picks the chunk
 * size (1–64), byte 1 the frame limit (0–255), the rest is the stream. Whatever the chunking, the decoder must emit
 * exactly the frames a plain reading of the stream finds, fail with {@link TooLongFrameException} at the first length
 * over the limit and emit nothing after it, and leave no buffer unreleased.
 *
 * <p>Seeds: {@code src/test/resources/io/topictracker/stream/FrameDecoderFuzzTestInputs/decode/}.
 */
class FrameDecoderFuzzTest {
    @FuzzTest(maxDuration = "20s")
    void decode(byte[] input) {
        if (input.length < 2) {
            return;
        }
        int chunk = 1 + (input[0] & 0x3f);
        int maxFrameSize = input[1] & 0xff;
        byte[] stream = Arrays.copyOfRange(input, 2, input.length);
        Expected expected = Expected.read(stream, maxFrameSize);

        EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(maxFrameSize));
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
        channel.finish(); // the connection closes: whatever is left of a frame is dropped, never emitted half
        List<byte[]> frames = new ArrayList<>();
        for (Object frame; (frame = channel.readInbound()) != null; ) {
            ByteBuffer buffer = assertInstanceOf(ByteBuffer.class, frame);
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            frames.add(bytes);
        }
        assertEquals(expected.frames.size(), frames.size(), "frames emitted");
        for (int i = 0; i < frames.size(); i++) {
            assertArrayEquals(expected.frames.get(i), frames.get(i), "frame " + i);
        }
        if (expected.tooLong) {
            assertInstanceOf(TooLongFrameException.class, failure);
        } else {
            assertEquals(null, failure);
        }
        written.forEach(bytes -> assertEquals(0, bytes.refCnt(), "every received buffer is released"));
    }

    /**
     * The stream read plainly: complete frames until the end or the first length over the limit; keep-alive records
     * skipped.
     */
    private record Expected(List<byte[]> frames, boolean tooLong) {
        static Expected read(byte[] stream, int maxFrameSize) {
            List<byte[]> frames = new ArrayList<>();
            ByteBuffer in = ByteBuffer.wrap(stream);
            while (in.remaining() >= Integer.BYTES) {
                long length = Integer.toUnsignedLong(in.getInt(in.position()));
                if (length == FrameDecoder.KEEP_ALIVE) {
                    in.getInt(); // a keep-alive record: no payload, nothing emitted
                    continue;
                }
                if (length > maxFrameSize) {
                    return new Expected(frames, true);
                }
                if (in.remaining() < Integer.BYTES + length) {
                    break;
                }
                in.getInt();
                byte[] frame = new byte[(int) length];
                in.get(frame);
                frames.add(frame);
            }
            return new Expected(frames, false);
        }
    }
}
