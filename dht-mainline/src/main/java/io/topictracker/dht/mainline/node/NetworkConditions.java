package io.topictracker.dht.mainline.node;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.function.Function;

/**
 * How a node's network differs from the one it runs on: the real network (the default) unless a test changes it, to
 * exercise BEP42 on 127.0.0.1 (which the BEP exempts) or timeouts without losing datagrams.
 *
 * <p>Thread-safe: set from a test thread, read on the node's event loop.
 */
public final class NetworkConditions {
    private volatile Function<InetSocketAddress, InetAddress> addressView = InetSocketAddress::getAddress;
    private volatile long sendDelayNanos;

    /**
     * Every peer's socket address counts as the IP {@code view} gives for it, in id checks, in the {@code ip} the
     * node reports and in the votes on its own address. Set it before the node starts.
     *
     * @param view called on the event loop, not null
     */
    public void countAddressesAs(Function<InetSocketAddress, InetAddress> view) {
        addressView = view;
    }

    /** Every datagram the node sends from now on is held {@code nanos} first (0: none). */
    public void delaySends(long nanos) {
        sendDelayNanos = nanos;
    }

    /** @return the IP {@code peer} counts as for BEP42, never null */
    InetAddress addressOf(InetSocketAddress peer) {
        return addressView.apply(peer);
    }

    /** @return how long to hold each datagram sent, 0 for none */
    long sendDelayNanos() {
        return sendDelayNanos;
    }
}
