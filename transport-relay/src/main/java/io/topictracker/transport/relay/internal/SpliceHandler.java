package io.topictracker.transport.relay.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.topictracker.api.metrics.Metrics;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * One direction of a relay's circuit: what arrives (decrypted from this hop's TLS: the end-to-end TLS records, which
 * the relay cannot read) is written to the partner hop, counted against the circuit's {@link CircuitBudget}. Over the
 * budget both hops are closed, and {@code overLimit} hears which limit (once per circuit). Backpressure: while the partner cannot take more, this side stops reading. Event-loop
 * only; one per hop.
 */
final class SpliceHandler extends ChannelInboundHandlerAdapter {
    private final Channel partner;
    private final CircuitBudget budget;
    private final LongSupplier clock;
    private final Runnable onClose;
    private final Metrics.Counter relayedBytes;
    private final Consumer<String> overLimit;

    /** @param overLimit told which limit the circuit went over, from {@link CircuitBudget#overLimit} */
    SpliceHandler(Channel partner, CircuitBudget budget, LongSupplier clock, Runnable onClose,
            Metrics.Counter relayedBytes, Consumer<String> overLimit) {
        this.partner = partner;
        this.budget = budget;
        this.clock = clock;
        this.onClose = onClose;
        this.relayedBytes = relayedBytes;
        this.overLimit = overLimit;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        if (!(message instanceof ByteBuf bytes)) {
            ReferenceCountUtil.release(message);
            return;
        }
        int length = bytes.readableBytes();
        long now = clock.getAsLong();
        if (!budget.spend(length) || budget.expired(now)) {
            bytes.release();
            String why = budget.overLimit(now);
            if (why != null && budget.firstReport()) {
                overLimit.accept(why);
            }
            ctx.close();
            partner.close();
            return;
        }
        relayedBytes.increment(length);
        partner.writeAndFlush(bytes).addListener(ChannelFutureListener.FIRE_EXCEPTION_ON_FAILURE);
        if (!partner.isWritable()) {
            ctx.channel().config().setAutoRead(false);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            partner.config().setAutoRead(true);
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        partner.close();
        onClose.run();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
