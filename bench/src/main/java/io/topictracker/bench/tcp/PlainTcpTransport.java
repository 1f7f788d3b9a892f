package io.topictracker.bench.tcp;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.topictracker.api.PeerAddress;
import io.topictracker.api.PeerId;
import io.topictracker.api.transport.Connection;
import io.topictracker.api.transport.ConnectionListener;
import io.topictracker.api.transport.InboundHandler;
import io.topictracker.api.transport.TransportException;
import io.topictracker.stream.FrameDecoder;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The benchmark's baseline: the TCP transport's pipeline without TLS and without identities — the same framing
 * (4-byte length prefix), flush consolidation, water marks, epoll/NIO choice and send path. Not a provider and not
 * secure: {@link Connection#remote()} is whatever the dialler expected, unproven. Thread-safe.
 */
public final class PlainTcpTransport implements AutoCloseable {
    private static final int MAX_FRAME = 64 * 1024;

    private final EventLoopGroup group;
    private final boolean epoll = Epoll.isAvailable();
    private final PeerId self;
    private Channel server;

    /**
     * @param self the id reported to acceptors' handlers (not proven), not null
     */
    public PlainTcpTransport(PeerId self) {
        this.self = self;
        this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("bench-plain", true),
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    }

    /** Binds 127.0.0.1 on a free port; accepted connections go to {@code inbound}. */
    public PeerAddress start(InboundHandler inbound) throws InterruptedException {
        server = new ServerBootstrap().group(group)
                .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(512 * 1024, 1024 * 1024))
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        pipeline(channel, null);
                        PlainConnection connection = new PlainConnection(channel, self);
                        channel.pipeline().addLast(new Handler(connection, inbound.accepted(connection)));
                    }
                })
                .bind("127.0.0.1", 0).sync().channel();
        return PeerAddress.of("tcp", "127.0.0.1", ((InetSocketAddress) server.localAddress()).getPort());
    }

    /** Connects; completes once TCP is connected. */
    public CompletableFuture<Connection> connect(PeerId expected, PeerAddress address, ConnectionListener listener) {
        CompletableFuture<Connection> result = new CompletableFuture<>();
        new Bootstrap().group(group)
                .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(512 * 1024, 1024 * 1024))
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        pipeline(channel, null);
                        channel.pipeline().addLast(new Handler(new PlainConnection(channel, expected), listener));
                    }
                })
                .connect(address.host(), address.port())
                .addListener((ChannelFuture done) -> {
                    if (done.isSuccess()) {
                        result.complete(done.channel().pipeline().get(Handler.class).connection);
                    } else {
                        result.completeExceptionally(done.cause());
                    }
                });
        return result;
    }

    private static void pipeline(Channel channel, Object unused) {
        channel.pipeline().addLast(new FlushConsolidationHandler(256, true));
        // The transport's own frame decoder (an internal class, reachable on the class path) so both paths decode alike.
        channel.pipeline().addLast(new FrameDecoder(MAX_FRAME));
    }

    @Override
    public void close() {
        if (server != null) {
            server.close();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }

    /** Delivers frames and writability to the connection's listener; event loop only. */
    private static final class Handler extends ChannelInboundHandlerAdapter {
        final PlainConnection connection;
        final ConnectionListener listener;

        Handler(PlainConnection connection, ConnectionListener listener) {
            this.connection = connection;
            this.listener = listener;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            listener.onFrame(connection, (ByteBuffer) message);
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            connection.writabilityChanged();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            connection.closeFuture.complete(null);
            connection.writabilityChanged();
            listener.onClosed(connection, null);
        }
    }

    /** The same send path as the TCP transport's connection. */
    private static final class PlainConnection implements Connection {
        final Channel channel;
        final PeerId remote;
        final CompletableFuture<Void> closeFuture = new CompletableFuture<>();
        final AtomicReference<CompletableFuture<Void>> waiter = new AtomicReference<>();

        PlainConnection(Channel channel, PeerId remote) {
            this.channel = channel;
            this.remote = remote;
        }

        @Override
        public PeerId remote() {
            return remote;
        }

        @Override
        public PeerAddress remoteAddress() {
            InetSocketAddress far = (InetSocketAddress) channel.remoteAddress();
            return PeerAddress.of("tcp", far.getAddress().getHostAddress(), far.getPort());
        }

        @Override
        public CompletableFuture<Void> send(ByteBuffer frame) {
            if (!channel.isWritable()) {
                return CompletableFuture.failedFuture(
                        new TransportException(TransportException.Reason.OVERLOADED, "over the high water mark"));
            }
            ByteBuf buffer = channel.alloc().buffer(4 + frame.remaining());
            buffer.writeInt(frame.remaining());
            buffer.writeBytes(frame);
            CompletableFuture<Void> sent = new CompletableFuture<>();
            channel.writeAndFlush(buffer).addListener(done -> {
                if (done.isSuccess()) {
                    sent.complete(null);
                } else {
                    sent.completeExceptionally(done.cause());
                }
            });
            return sent;
        }

        @Override
        public boolean isWritable() {
            return channel.isWritable();
        }

        @Override
        public CompletableFuture<Void> whenWritable() {
            if (!channel.isActive() || channel.isWritable()) {
                return CompletableFuture.completedFuture(null);
            }
            CompletableFuture<Void> fresh = new CompletableFuture<>();
            CompletableFuture<Void> existing = waiter.compareAndExchange(null, fresh);
            if (!channel.isActive() || channel.isWritable()) {
                writabilityChanged();
            }
            return existing == null ? fresh : existing;
        }

        void writabilityChanged() {
            if (!channel.isActive() || channel.isWritable()) {
                CompletableFuture<Void> current = waiter.getAndSet(null);
                if (current != null) {
                    current.complete(null);
                }
            }
        }

        @Override
        public boolean isOpen() {
            return channel.isActive();
        }

        @Override
        public void close() {
            channel.close();
        }

        @Override
        public CompletableFuture<Void> closeFuture() {
            return closeFuture;
        }
    }
}
