package io.topictracker.transport.relay.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.TooLongFrameException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Splits an end-to-end stream into frames (4-byte big-endian length, payload) as heap {@link ByteBuffer}s, skipping
 * keep-alive records (a bare length of {@link #KEEP_ALIVE}). A length over the limit fails at once. One instance per
 * channel; event-loop only.
 */
final class FrameDecoder extends ByteToMessageDecoder {
    /** The header of a keep-alive record; no frame can be this long. */
    static final long KEEP_ALIVE = 0xFFFF_FFFFL;

    private final int maxFrameSize;
    private boolean failed;

    FrameDecoder(int maxFrameSize) {
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
                in.skipBytes(Integer.BYTES);
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
