package io.topictracker.transport.quic;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.topictracker.api.transport.TransportException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Splits a stream's bytes into {@link Records}: emits each data frame as a heap {@link ByteBuffer} the listener may
 * keep, emits {@link Records.Control#ACCEPTED}, swallows keep-alives. A header over the maximum frame size raises
 * {@link TransportException} FRAME_TOO_LARGE before any of the payload is buffered, so a peer cannot make us hold more
 * than one maximum-size frame. One instance per stream; used on its event loop only.
 */
final class RecordDecoder extends ByteToMessageDecoder {
    private final int maxFrameSize;
    /** Set after a fatal record: the stream is being closed and nothing after it may be delivered. */
    private boolean failed;

    /** @param maxFrameSize the largest payload accepted, at least 1 */
    RecordDecoder(int maxFrameSize) {
        this.maxFrameSize = maxFrameSize;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        while (in.readableBytes() >= Records.HEADER_LENGTH) {
            int header = in.getInt(in.readerIndex());
            if (header == Records.KEEP_ALIVE) {
                in.skipBytes(Records.HEADER_LENGTH);
                continue;
            }
            if (header == Records.ACCEPTED) {
                in.skipBytes(Records.HEADER_LENGTH);
                out.add(Records.Control.ACCEPTED);
                continue;
            }
            long length = Integer.toUnsignedLong(header);
            if (length > maxFrameSize) {
                in.skipBytes(in.readableBytes());
                failed = true;
                throw new TransportException(TransportException.Reason.FRAME_TOO_LARGE,
                        "peer sent a frame of " + length + " bytes; the maximum is " + maxFrameSize);
            }
            if (in.readableBytes() < Records.HEADER_LENGTH + length) {
                return;
            }
            in.skipBytes(Records.HEADER_LENGTH);
            byte[] frame = new byte[(int) length];
            in.readBytes(frame);
            out.add(ByteBuffer.wrap(frame));
        }
    }
}
