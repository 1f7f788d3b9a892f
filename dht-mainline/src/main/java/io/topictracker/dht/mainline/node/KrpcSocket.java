package io.topictracker.dht.mainline.node;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.unix.IntegerUnixChannelOption;
import io.netty.util.concurrent.ScheduledFuture;
import io.topictracker.dht.mainline.bencode.BencodeLimits;
import io.topictracker.dht.mainline.krpc.KrpcError;
import io.topictracker.dht.mainline.krpc.KrpcException;
import io.topictracker.dht.mainline.krpc.KrpcMessage;
import io.topictracker.dht.mainline.krpc.Query;
import io.topictracker.dht.mainline.krpc.Response;
import io.topictracker.dht.mainline.routing.NodeInfo;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The KRPC layer of a node (BEP5): one UDP socket, the table of our queries in flight keyed by transaction id, their
 * adaptive timeouts, and the dispatch of what arrives — queries to an {@link Inbound} that answers them, responses
 * and errors to the handler of the query they answer. Malformed datagrams are answered with error 203 when their
 * transaction id can be read, and counted.
 *
 * <p>Threading: confined to the event loop, except {@link #bind} and {@link #localAddress}. Handlers run there.
 * Bounds: at most {@code max_pending_queries} in flight; incoming queries rate-limited per IP; datagrams over the
 * KRPC size limit are truncated and so refused as malformed.
 */
final class KrpcSocket {
    private static final Logger LOG = LoggerFactory.getLogger(KrpcSocket.class);
    private static final int MAX_DATAGRAM = BencodeLimits.KRPC.maxInputLength();
    /** Below this a slow answer is more likely a busy event loop than a lost datagram. */
    private static final long SOFT_TIMEOUT_FLOOR_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    /** What the socket hands up: queries to answer, and who answered ours. Called on the event loop. */
    interface Inbound {
        /**
         * @param query a well-formed query, not null
         * @param sender the querying node (its id and address), not null
         * @param senderReadOnly BEP43: the sender asked not to be added to routing tables
         * @return the answer, not null
         * @throws KrpcException the error to answer with instead
         */
        Response answer(Query<?> query, NodeInfo sender, boolean senderReadOnly) throws KrpcException;

        /**
         * A valid response to one of our queries arrived.
         *
         * @param responder its id and the address it answered from, not null
         * @param reportedAddress BEP42: the address it says it saw us at, or null
         */
        void responded(NodeInfo responder, InetSocketAddress reportedAddress);
    }

    /** One query awaiting its reply; {@code type} is its method's index in {@link DhtMeters}. */
    private record InFlight(InetSocketAddress to, Query<?> query, ReplyHandler<?> handler, long sentNanos,
            ScheduledFuture<?> timeout, int type) {}

    /** IPV6_V6ONLY (Linux: IPPROTO_IPV6 41, option 26): the IPv6 socket leaves IPv4 to the IPv4 node's socket. */
    private static final IntegerUnixChannelOption IPV6_ONLY = new IntegerUnixChannelOption("IPV6_V6ONLY", 41, 26);

    private final MainlineSettings settings;
    private final String bindAddress;
    private final EventLoop loop;
    private final Class<? extends DatagramChannel> channelClass;
    private final Supplier<byte[]> ownId;
    private final Inbound inbound;
    private final NetworkConditions conditions;
    private final NodeCounters counters;
    private final DhtMeters meters;
    private final RttEstimator rtt;
    private final SilentNodes silentNodes = new SilentNodes();
    private final RateLimiter limiter;
    private final Map<Integer, InFlight> inFlight = new HashMap<>();
    private Channel channel;
    private int nextTransactionId;
    private boolean inRead;
    private boolean closed;
    private volatile InetSocketAddress localAddress;
    /** Whether the socket is IPv6 (the bind address's family); set by {@link #bind}. */
    private volatile boolean ipv6;

    /** @param bindAddress the IP (or name) to bind with the settings' port, not null */
    KrpcSocket(MainlineSettings settings, String bindAddress, EventLoop loop,
            Class<? extends DatagramChannel> channelClass,
            Supplier<byte[]> ownId, Inbound inbound, NetworkConditions conditions, NodeCounters counters,
            DhtMeters meters) {
        this.settings = settings;
        this.bindAddress = bindAddress;
        this.loop = loop;
        this.channelClass = channelClass;
        this.ownId = ownId;
        this.inbound = inbound;
        this.conditions = conditions;
        this.counters = counters;
        this.meters = meters;
        this.rtt = new RttEstimator(settings.minQueryTimeout().toNanos(), settings.maxQueryTimeout().toNanos());
        this.limiter = new RateLimiter(settings.rateLimitPerIp(), Math.max(10, settings.rateLimitPerIp() * 2.0),
                10_000);
    }

    /** Binds the configured address; completes with the bound address on the event loop. Any thread. */
    CompletableFuture<InetSocketAddress> bind() {
        CompletableFuture<InetSocketAddress> bound = new CompletableFuture<>();
        InetSocketAddress address = new InetSocketAddress(bindAddress, settings.port());
        boolean bindsIpv6 = address.getAddress() instanceof Inet6Address;
        ipv6 = bindsIpv6;
        // A socket of the bind address's own family. Netty's default datagram channel is an IPv6 socket, and bound
        // to 0.0.0.0 it binds [::], both families (measured in the lab: "dht serve --bind 0.0.0.0" reported [::]),
        // which would take the IPv6 node's datagrams and port.
        SocketProtocolFamily family = bindsIpv6 ? SocketProtocolFamily.INET6 : SocketProtocolFamily.INET;
        boolean epoll = EpollDatagramChannel.class.equals(channelClass);
        Bootstrap bootstrap = new Bootstrap().group(loop)
                .channelFactory(() -> epoll ? new EpollDatagramChannel(family) : new NioDatagramChannel(family))
                .option(ChannelOption.RECVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_DATAGRAM + 1))
                .option(ChannelOption.SO_RCVBUF, settings.receiveBufferBytes())
                .handler(new Receiver());
        if (bindsIpv6 && epoll) {
            // BEP32: IPv4 and IPv6 are separate nodes on separate sockets (as libtorrent's listen sockets), which may
            // share a port only if the IPv6 one is IPv6-only; Linux makes IPv6 sockets dual-stack by default. NIO
            // offers no such option: there a dual-stack socket's IPv4 datagrams are dropped in receive().
            bootstrap.option(IPV6_ONLY, 1);
        }
        bootstrap.bind(address).addListener(f -> {
                    if (!f.isSuccess()) {
                        bound.completeExceptionally(f.cause());
                        return;
                    }
                    channel = ((ChannelFuture) f).channel();
                    localAddress = (InetSocketAddress) channel.localAddress();
                    bound.complete(localAddress);
                });
        return bound;
    }

    /** @return the bound address, or null before {@link #bind} completed; any thread */
    InetSocketAddress localAddress() {
        return localAddress;
    }

    /**
     * @return whether lookups should leave {@code address} out: it keeps not answering us (see {@link SilentNodes});
     *     on the event loop
     */
    boolean isSilent(InetSocketAddress address) {
        return silentNodes.isSilent(address, System.nanoTime());
    }

    /** @return whether the socket is IPv6 (BEP32), valid once {@link #bind} completed; any thread */
    boolean isIpv6() {
        return ipv6;
    }

    /**
     * Sends one query; {@code handler} learns its outcome once, on the event loop.
     *
     * @param to not null
     * @param query not null
     * @param handler not null
     */
    <R extends Response> void send(InetSocketAddress to, Query<R> query, ReplyHandler<R> handler) {
        send(to, query, rtt.timeoutNanos(), handler);
    }

    /** As above, waiting {@code timeoutNanos} for the reply instead of the adaptive timeout. */
    <R extends Response> void send(InetSocketAddress to, Query<R> query, long timeoutNanos, ReplyHandler<R> handler) {
        if (closed || channel == null) {
            handler.onFailure(QueryFailure.CLOSED);
            return;
        }
        int type = DhtMeters.type(query.method());
        if (inFlight.size() >= settings.maxPendingQueries()) {
            meters.sent(type, DhtMeters.ERROR);
            handler.onFailure(QueryFailure.OVERLOADED);
            return;
        }
        int tid;
        do {
            tid = nextTransactionId++ & 0xffff;
        } while (inFlight.containsKey(tid));
        int key = tid;
        ScheduledFuture<?> timeout = loop.schedule(() -> timedOut(key, timeoutNanos), timeoutNanos,
                TimeUnit.NANOSECONDS);
        InFlight entry = new InFlight(to, query, handler, System.nanoTime(), timeout, type);
        inFlight.put(key, entry);
        long soft = rtt.softTimeoutNanos(SOFT_TIMEOUT_FLOOR_NANOS);
        if (soft < timeoutNanos) {
            loop.schedule(() -> {
                if (inFlight.get(key) == entry) {
                    handler.onSlow();
                }
            }, soft, TimeUnit.NANOSECONDS);
        }
        counters.queriesSent++;
        Map<String, Object> arguments = query.arguments();
        arguments.put("id", ownId.get());
        byte[] transactionId = {(byte) (tid >>> 8), (byte) tid};
        transmit(KrpcMessage.query(transactionId, query.method(), arguments, settings.readOnly()).encode(), to);
    }

    private void timedOut(int key, long afterNanos) {
        InFlight entry = inFlight.remove(key);
        if (entry != null) {
            silentNodes.timedOut(entry.to, System.nanoTime());
            counters.timeouts++;
            meters.sent(entry.type, DhtMeters.TIMEOUT);
            LOG.debug("{} timed out after {} ms: {} to {}", localAddress, afterNanos / 1_000_000,
                    entry.query.method(), entry.to);
            entry.handler.onFailure(QueryFailure.TIMEOUT);
        }
    }

    /** Fails every query in flight as {@link QueryFailure#CLOSED} and closes the socket; on the event loop. */
    CompletableFuture<Void> close() {
        closed = true;
        for (InFlight entry : new ArrayList<>(inFlight.values())) {
            entry.timeout.cancel(false);
            entry.handler.onFailure(QueryFailure.CLOSED);
        }
        inFlight.clear();
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (channel == null) {
            done.complete(null);
        } else {
            channel.close().addListener(f -> done.complete(null));
        }
        return done;
    }

    private final class Receiver extends SimpleChannelInboundHandler<DatagramPacket> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            ByteBuf content = packet.content();
            int length = Math.min(content.readableBytes(), MAX_DATAGRAM + 1);
            byte[] data = new byte[length];
            content.getBytes(content.readerIndex(), data);
            inRead = true;
            try {
                receive(data, packet.sender());
            } catch (RuntimeException e) {
                // a bug must not take the node down: log it and keep serving
                LOG.warn("failed to handle a datagram from {}", packet.sender(), e);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            inRead = false;
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("socket error on {}: {}", localAddress, cause.toString());
        }
    }

    private void receive(byte[] data, InetSocketAddress sender) {
        if (sender.getPort() == 0 || (sender.getAddress() instanceof Inet6Address) != ipv6) {
            return; // an IPv4 datagram on a dual-stack IPv6 socket: the IPv4 node's, not this one's (BEP32)
        }
        KrpcMessage message;
        try {
            message = KrpcMessage.decode(data, 0, data.length);
        } catch (KrpcException e) {
            counters.malformed++;
            byte[] tid = KrpcMessage.salvageTransactionId(data, 0, data.length);
            if (tid != null && !settings.readOnly() && limiter.allow(sender.getAddress(), System.nanoTime())) {
                transmit(KrpcMessage.error(tid, e.code(), e.getMessage()).encode(), sender);
            }
            return;
        }
        silentNodes.heardFrom(sender);
        switch (message.kind()) {
            case QUERY -> receiveQuery(message, sender);
            case RESPONSE, ERROR -> receiveReply(message, sender);
        }
    }

    private void receiveQuery(KrpcMessage message, InetSocketAddress sender) {
        counters.queriesReceived++;
        if (settings.readOnly()) {
            return; // BEP43: a read-only node does not answer queries
        }
        if (!limiter.allow(sender.getAddress(), System.nanoTime())) {
            counters.dropped++;
            meters.rateLimited.increment();
            return;
        }
        int type = DhtMeters.type(message.method());
        byte[] reply;
        try {
            NodeInfo from = new NodeInfo(KrpcMessage.id20(message.body(), "id"), sender);
            Query<?> query = Query.parse(message.method(), message.body());
            Response response = inbound.answer(query, from, message.readOnly());
            // BEP42: tell the requester the address we see it at, for its external-address vote
            InetSocketAddress seenAt = new InetSocketAddress(conditions.addressOf(sender), sender.getPort());
            reply = KrpcMessage.response(message.transactionId(), response.values(), NodeInfo.encodeAddress(seenAt))
                    .encode();
            meters.received(type, DhtMeters.OK);
        } catch (KrpcException e) {
            reply = KrpcMessage.error(message.transactionId(), e.code(), e.getMessage()).encode();
            meters.received(type, DhtMeters.ERROR);
        }
        counters.queriesAnswered++;
        transmit(reply, sender);
    }

    private void receiveReply(KrpcMessage reply, InetSocketAddress sender) {
        byte[] t = reply.transactionId();
        int key = t.length == 2 ? (t[0] & 0xff) << 8 | (t[1] & 0xff) : -1;
        InFlight entry = inFlight.get(key);
        if (entry == null || !entry.to.equals(sender)) {
            return; // unsolicited, late, or from another address than we asked: ignore
        }
        inFlight.remove(key);
        entry.timeout.cancel(false);
        rtt.sample(System.nanoTime() - entry.sentNanos);
        if (reply.kind() == KrpcMessage.Kind.ERROR) {
            meters.sent(entry.type, DhtMeters.ERROR);
            entry.handler.onError(new KrpcError(reply.errorCode(), reply.errorMessage()));
            return;
        }
        meters.sent(entry.type, DhtMeters.OK);
        deliver(entry, reply, sender);
    }

    /** Reads a response as the type its query expects and hands it to the query's handler. */
    @SuppressWarnings("unchecked")
    private <R extends Response> void deliver(InFlight entry, KrpcMessage reply, InetSocketAddress sender) {
        Query<R> query = (Query<R>) entry.query;
        ReplyHandler<R> handler = (ReplyHandler<R>) entry.handler;
        R response;
        try {
            response = query.readResponse(reply.body());
        } catch (KrpcException e) {
            handler.onFailure(QueryFailure.INVALID_RESPONSE);
            return;
        }
        // BEP42 (BEP32 for IPv6): 6 or 18 bytes; only our own family's is a vote on this socket's address
        InetSocketAddress reported = reply.ip() != null ? NodeInfo.decodeAddress(reply.ip()) : null;
        if (reported != null && (reported.getAddress() instanceof Inet6Address) != ipv6) {
            reported = null;
        }
        inbound.responded(new NodeInfo(response.id(), sender), reported);
        handler.onResponse(response);
    }

    private void transmit(byte[] datagram, InetSocketAddress to) {
        if (channel == null || !channel.isActive()) {
            return;
        }
        long delay = conditions.sendDelayNanos();
        if (delay > 0) {
            loop.schedule(() -> {
                if (channel.isActive()) {
                    channel.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(datagram), to),
                            channel.voidPromise());
                }
            }, delay, TimeUnit.NANOSECONDS);
            return;
        }
        DatagramPacket packet = new DatagramPacket(Unpooled.wrappedBuffer(datagram), to);
        if (inRead && loop.inEventLoop()) {
            channel.write(packet, channel.voidPromise()); // flushed once the read batch ends
        } else {
            channel.writeAndFlush(packet, channel.voidPromise());
        }
    }

    /** @return the IP {@code peer} counts as for BEP42 */
    InetAddress addressOf(InetSocketAddress peer) {
        return conditions.addressOf(peer);
    }
}
