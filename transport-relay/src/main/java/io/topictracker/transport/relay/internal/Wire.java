package io.topictracker.transport.relay.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import java.nio.ByteBuffer;

/** Writing control messages to a hop channel. Stateless. */
final class Wire {
    private Wire() {}

    /** Writes and flushes {@code message}; @return the write's future */
    static ChannelFuture send(Channel channel, RelayMessage message) {
        ByteBuffer encoded = RelayMessage.encode(message);
        ByteBuf buffer = Unpooled.wrappedBuffer(encoded);
        return channel.writeAndFlush(buffer);
    }

    /** Sends a refusal and closes the channel once it is written. */
    static void refuse(Channel channel, RelayMessage.Refused refused) {
        send(channel, refused).addListener(done -> channel.close());
    }
}
