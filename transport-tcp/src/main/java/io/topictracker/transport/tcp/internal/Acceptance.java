package io.topictracker.transport.tcp.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.DecoderException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * The acceptance confirmation: the first 8 bytes an acceptor sends inside TLS, before any frame.
 *
 * <p>Why: in TLS 1.3 the client's handshake is complete once it sends its Finished, before the server has checked
 * the client's certificate (RFC 8446 §4.4.4, §4.6.2 — the server may still reject it with an alert). A dialler that
 * reported success at that point could hand out a connection the server already refused. So the acceptor writes
 * {@link #MAGIC} once it has verified the dialler's identity, and the dialler completes {@code connect} only on
 * reading it; anything else, or the connection closing first, fails the connect.
 *
 * <p>This class is the dialler's decoder for it: placed before the frame decoder, it reads the 8 bytes, fires
 * {@link #ACCEPTED} and removes itself, passing on any bytes after them. One instance per channel; event-loop only.
 */
final class Acceptance extends ByteToMessageDecoder {
    /** ASCII "tt-tcp/1": names the protocol and its version. */
    static final byte[] MAGIC = "tt-tcp/1".getBytes(StandardCharsets.US_ASCII);

    /** The user event fired when the acceptor's confirmation arrived. */
    static final Object ACCEPTED = new Object() {
        @Override
        public String toString() {
            return "ACCEPTED";
        }
    };

    /** @return a new buffer holding the confirmation, for the acceptor to write */
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
            throw new DecoderException("the far end did not confirm acceptance: expected \"tt-tcp/1\", got bytes "
                    + java.util.HexFormat.of().formatHex(received));
        }
        ctx.fireUserEventTriggered(ACCEPTED);
        // Removing a ByteToMessageDecoder hands the bytes still buffered (the first frames) to the next handler.
        ctx.pipeline().remove(this);
    }
}
