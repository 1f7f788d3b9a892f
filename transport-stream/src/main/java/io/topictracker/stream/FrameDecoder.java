package io.topictracker.stream;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.TooLongFrameException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Splits the byte stream into frames (4-byte big-endian length, then the payload) and emits each as a heap
 * {@link ByteBuffer} the listener can own; skips keep-alive records ({@link #KEEP_ALIVE}). One instance per channel;
 * event-loop only.
 *
 * <p>Why not Netty's {@code LengthFieldBasedFrameDecoder}: it emits a retained slice per frame, which the connection
 * then copies and releases; profiling showed the slice release among the receiving loop's top costs, and a
 * single copy straight from the cumulation does the same job. A length over the limit (read as unsigned, so a
 * negative one is too) fails as soon as the header is read, before any of the payload is buffered; after that the
 * decoder discards all input while the connection closes.
 */
public final class FrameDecoder extends ByteToMessageDecoder {
    /**
     * The header of a keep-alive record: no payload, nothing emitted. No frame can have this length (the largest
     * {@code max_frame_size} is 16 MiB), so it cannot be mistaken for one.
     */
    public static final long KEEP_ALIVE = 0xFFFF_FFFFL;

    private final int maxFrameSize;
    private boolean failed;

    /** @param maxFrameSize the largest payload accepted, in bytes */
    public FrameDecoder(int maxFrameSize) {
        this.maxFrameSize = maxFrameSize;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        while (in.readableBytes() >= Integer.BYTES) {
            long length = in.getUnsignedInt(in.readerIndex());
            if (length == KEEP_ALIVE) {
                in.skipBytes(Integer.BYTES); // it did its job by arriving (the idle timer saw the bytes)
                continue;
            }
            if (length > maxFrameSize) {
                failed = true;
                in.skipBytes(in.readableBytes());
                throw new TooLongFrameException("frame of " + length + " bytes is over the limit of "
                        + maxFrameSize + " bytes");
            }
            if (in.readableBytes() < Integer.BYTES + length) {
                return;
            }
            in.skipBytes(Integer.BYTES);
            ByteBuffer frame = ByteBuffer.allocate((int) length);
            in.readBytes(frame);
            out.add(frame.flip());
        }
    }
}
