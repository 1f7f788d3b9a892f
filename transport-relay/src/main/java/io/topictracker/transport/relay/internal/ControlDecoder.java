package io.topictracker.transport.relay.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.DecoderException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Reads the hop's control messages ({@link RelayMessage}: 2-byte length, body) and emits each decoded. Emits at most
 * one message per call, so a handler that removes this decoder on {@link RelayMessage.Connected} leaves the bytes
 * after it (the far end's first bytes) buffered here, and Netty hands them to the next handler on removal. One
 * instance per channel; event-loop only.
 */
final class ControlDecoder extends ByteToMessageDecoder {
    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (in.readableBytes() < 2) {
            return;
        }
        int length = in.getUnsignedShort(in.readerIndex());
        if (length == 0 || length > RelayMessage.MAX_BODY + RelayMessage.MAX_TEXT) {
            in.skipBytes(in.readableBytes());
            throw new DecoderException(new MalformedRelayMessage("control message length " + length
                    + " out of range"));
        }
        if (in.readableBytes() < 2 + length) {
            return;
        }
        in.skipBytes(2);
        ByteBuffer body = ByteBuffer.allocate(length);
        in.readBytes(body);
        try {
            out.add(RelayMessage.decode(body.flip()));
        } catch (MalformedRelayMessage e) {
            throw new DecoderException(e);
        }
    }

    @Override
    protected void callDecode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        // one message at a time: the handler may switch the pipeline after any of them
        while (in.isReadable() && !ctx.isRemoved()) {
            int before = in.readableBytes();
            decode(ctx, in, out);
            if (!out.isEmpty()) {
                Object message = out.remove(0);
                ctx.fireChannelRead(message);
                continue;
            }
            if (before == in.readableBytes()) {
                return;
            }
        }
    }
}
