package io.topictracker.transport.tcp.internal;

import io.netty.channel.Channel;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

/**
 * The IO flavour chosen at start: Netty's native epoll when it loads, NIO otherwise. Immutable and thread-safe.
 *
 * @param handlers creates the event loops' IO handlers, never null
 * @param serverChannel the listening channel class, never null
 * @param channel the connection channel class, never null
 * @param description what was chosen and, for NIO, why epoll was not; for the start log line; never null
 */
record IoRuntime(IoHandlerFactory handlers, Class<? extends ServerChannel> serverChannel,
        Class<? extends Channel> channel, String description) {

    /** Picks epoll if {@link Epoll#isAvailable()}, else NIO, and says why. */
    static IoRuntime select() {
        if (Epoll.isAvailable()) {
            return new IoRuntime(EpollIoHandler.newFactory(), EpollServerSocketChannel.class, EpollSocketChannel.class,
                    "epoll (native)");
        }
        return new IoRuntime(NioIoHandler.newFactory(), NioServerSocketChannel.class, NioSocketChannel.class,
                "NIO (epoll unavailable: " + Epoll.unavailabilityCause() + ")");
    }
}
