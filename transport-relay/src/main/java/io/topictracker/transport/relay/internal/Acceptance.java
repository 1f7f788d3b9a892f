package io.topictracker.transport.relay.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.DecoderException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * The end-to-end acceptance confirmation, 8 ASCII bytes {@code tt-rly/1} the accepting peer writes inside the
 * end-to-end TLS once it verified the dialler's certificate (in TLS 1.3 the client finishes before the server checked
 * it, RFC 8446 §4.4.4). The dialler's decoder: fires {@link #ACCEPTED} and removes itself. Event-loop only.
 */
final class Acceptance extends ByteToMessageDecoder {
    static final byte[] MAGIC = "tt-rly/1".getBytes(StandardCharsets.US_ASCII);

    /** Fired when the confirmation arrived. */
    static final Object ACCEPTED = new Object() {
        @Override
        public String toString() {
            return "ACCEPTED";
        }
    };

    static ByteBuf confirmation() {
        return Unpooled.wrappedBuffer(MAGIC);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (in.readableBytes() < MAGIC.length) {
            return;
        }
        byte[] received = new byte[MAGIC.length];
        in.readBytes(received);
        if (!Arrays.equals(received, MAGIC)) {
            throw new DecoderException("the far end did not confirm acceptance (expected \"tt-rly/1\")");
        }
        ctx.fireUserEventTriggered(ACCEPTED);
        ctx.pipeline().remove(this);
    }
}
