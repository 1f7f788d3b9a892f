package io.topictracker.transport.quic;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import java.util.Objects;

/**
 * The first handler of the one QUIC socket, in front of two codecs: {@code [demux, server codec, dial entry, client
 * codec]}. A datagram for a connection we dialled ({@link ConnectionIds#isDialled}) skips the server codec and enters
 * the pipeline at the dial entry, just before the client codec; every other datagram goes to the server codec. Each
 * codec consumes what it reads and does not pass on the end of a read, so both are told of it here. Writes need no
 * help: the client codec's packets pass the server codec's write on their way out, and the client codec is the one
 * nearest the tail, so a dialling {@code QuicChannel}'s connect reaches it first. Runs on the socket's event loop.
 */
final class SharedSocketDemux extends ChannelInboundHandlerAdapter {
    private final ConnectionIds ids;
    /** The context of the pass-through handler just before the client codec; set when it is added. */
    private volatile ChannelHandlerContext dialEntry;

    SharedSocketDemux(ConnectionIds ids) {
        this.ids = Objects.requireNonNull(ids, "ids");
    }

    /** @return the pass-through handler to add just before the client codec */
    ChannelInboundHandlerAdapter dialEntry() {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void handlerAdded(ChannelHandlerContext ctx) {
                dialEntry = ctx;
            }
        };
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ChannelHandlerContext entry = dialEntry;
        if (entry != null && msg instanceof DatagramPacket packet && ids.isDialled(packet.content())) {
            entry.fireChannelRead(msg);
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.fireChannelReadComplete();
        ChannelHandlerContext entry = dialEntry;
        if (entry != null) {
            entry.fireChannelReadComplete();
        }
    }
}
