package io.topictracker.stream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.DecoderException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * The acceptance confirmation: the first 8 bytes an acceptor sends inside TLS, before any frame.
 *
 * <p>Why: in TLS 1.3 the client's handshake is complete once it sends its Finished, before the server has checked
 * the client's certificate (RFC 8446 §4.4.4, §4.6.2 — the server may still reject it with an alert). A dialler that
 * reported success at that point could hand out a connection the server already refused. So the acceptor writes
 * the transport's magic once it has verified the dialler's identity, and the dialler completes {@code connect} only
 * on reading it; anything else, or the connection closing first, fails the connect.
 *
 * <p>An instance is the dialler's decoder for it: placed before the frame decoder, it reads the 8 bytes, fires
 * {@link #ACCEPTED} and removes itself, passing on any bytes after them. One instance per channel; event-loop only.
 */
public final class Acceptance extends ByteToMessageDecoder {
    /** The length of every transport's magic. */
    public static final int LENGTH = 8;

    /** The user event fired when the acceptor's confirmation arrived. */
    public static final Object ACCEPTED = new Object() {
        @Override
        public String toString() {
            return "ACCEPTED";
        }
    };

    private final byte[] magic;

    /**
     * @param magic the transport's confirmation, {@link #LENGTH} ASCII bytes naming the protocol and its version
     *     (e.g. {@code tt-tcp/1}); not null
     */
    public Acceptance(String magic) {
        this.magic = bytesOf(magic);
    }

    /**
     * @param magic as for {@link #Acceptance(String)}
     * @return a new buffer holding the confirmation, for the acceptor to write; never null
     */
    public static ByteBuf confirmation(String magic) {
        return Unpooled.wrappedBuffer(bytesOf(magic));
    }

    private static byte[] bytesOf(String magic) {
        byte[] bytes = magic.getBytes(StandardCharsets.US_ASCII);
        if (bytes.length != LENGTH) {
            throw new IllegalArgumentException("an acceptance magic is " + LENGTH + " bytes: " + magic);
        }
        return bytes;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (in.readableBytes() < magic.length) {
            return;
        }
        byte[] received = new byte[magic.length];
        in.readBytes(received);
        if (!Arrays.equals(received, magic)) {
            throw new DecoderException("the far end did not confirm acceptance: expected \""
                    + new String(magic, StandardCharsets.US_ASCII) + "\", got bytes "
                    + HexFormat.of().formatHex(received));
        }
        ctx.fireUserEventTriggered(ACCEPTED);
        // Removing a ByteToMessageDecoder hands the bytes still buffered (the first frames) to the next handler.
        ctx.pipeline().remove(this);
    }
}
