package io.topictracker.dht.mainline;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Chooses Netty's native epoll transport when it is available and wanted, NIO otherwise, and makes event loop
 * groups with daemon threads. Stateless and thread-safe.
 */
final class NettyTransport {
    private NettyTransport() {}

    /** @return true if epoll will be used */
    static boolean epoll(boolean wanted) {
        return wanted && Epoll.isAvailable();
    }

    /** @return a new group of {@code threads} event loops for datagram channels */
    static EventLoopGroup group(int threads, boolean epoll, String name) {
        IoHandlerFactory factory = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        AtomicInteger counter = new AtomicInteger();
        ThreadFactory threadFactory = r -> {
            Thread t = new Thread(r, name + "-" + counter.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        return new MultiThreadIoEventLoopGroup(threads, threadFactory, factory);
    }

    /** @return the datagram channel class matching {@link #group} */
    static Class<? extends DatagramChannel> channelClass(boolean epoll) {
        return epoll ? EpollDatagramChannel.class : NioDatagramChannel.class;
    }
}
