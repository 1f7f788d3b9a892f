package io.topictracker.transport.relay.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import io.topictracker.api.PeerAddress;
import io.topictracker.api.PeerId;
import io.topictracker.api.metrics.Metrics;
import io.topictracker.api.signing.SigningProvider;
import io.topictracker.api.transport.InboundHandler;
import io.topictracker.api.transport.NodeView;
import io.topictracker.stream.FrameDecoder;
import io.topictracker.tls.PeerCertificates;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay side of the relay transport: admits reservations and circuits by the {@link RelayLedger}'s limits and
 * topic membership ({@link NodeView#isMember}), tells a reserved peer of a circuit on its reservation connection, and
 * splices the initiator's hop with the connection the reserved peer opens to accept it. A {@link RelayMessage.Connect}
 * to the relay's own id becomes a direct connection with this node. Thread-safe: the ledger and the maps are guarded
 * by this object's monitor; handlers run on their channel's event loop.
 */
final class RelayServer {
    private static final Logger LOG = LoggerFactory.getLogger(RelayServer.class);
    static final String HOP_TLS = "hop-tls";

    /** What the server needs from its transport. */
    record Wiring(PeerId self, RelaySettings settings, SigningProvider signing, Supplier<NodeView> view,
            InboundHandler inbound, LongSupplier clock, Metrics metrics) {}

    /** A circuit announced to its target, waiting for the target's Accept. */
    private record Pending(Channel initiator, PeerId initiatorId, PeerId target) {}

    private final Wiring wiring;
    private final RelayLedger ledger;
    private final Map<PeerId, Channel> reservationChannels = new HashMap<>();
    private final Map<Long, Pending> pending = new HashMap<>();
    private final Metrics.Counter relayedBytes;
    private final Metrics.Counter refusals;
    private final java.util.concurrent.atomic.AtomicLong refusalCount = new java.util.concurrent.atomic.AtomicLong();

    RelayServer(Wiring wiring) {
        this.wiring = wiring;
        this.ledger = new RelayLedger(wiring.settings().limits());
        this.relayedBytes = wiring.metrics().counter("topictracker.relay.bytes");
        this.refusals = wiring.metrics().counter("topictracker.relay.refusals");
    }

    /** @return a handler for one accepted hop, to follow {@link ControlDecoder} */
    ChannelInboundHandlerAdapter newHopHandler() {
        return new HopHandler();
    }

    /** @return whether {@code channel} is the connection of a reservation held here */
    synchronized boolean holdsReservation(Channel channel) {
        return reservationChannels.containsValue(channel);
    }

    /** @return reservations held now (for tests and the log) */
    synchronized int reservations() {
        return ledger.reservationCount(wiring.clock().getAsLong());
    }

    /** @return refusals sent so far (for tests) */
    long refusals() {
        return refusalCount.get();
    }

    /** @return circuits open now */
    synchronized int circuits() {
        return ledger.circuitCount();
    }

    private boolean admitted(PeerId peer, java.util.List<byte[]> proofs) {
        NodeView view = wiring.view().get();
        return view != null && view.isMember(peer, proofs);
    }

    /** Whether this node may offer relaying now: always, or (auto) the engine or this very hop says it is reachable. */
    private boolean offering(Channel hop) {
        if (wiring.settings().serve() == RelaySettings.Mode.ALWAYS) {
            return true;
        }
        NodeView view = wiring.view().get();
        return (view != null && view.reachable()) || isGlobal(((InetSocketAddress) hop.remoteAddress()).getAddress());
    }

    /** @return whether {@code address} is a global unicast address: a hop from it proves we are reachable */
    static boolean isGlobal(InetAddress address) {
        if (address.isLoopbackAddress() || address.isLinkLocalAddress() || address.isSiteLocalAddress()
                || address.isAnyLocalAddress() || address.isMulticastAddress()) {
            return false;
        }
        if (address instanceof Inet6Address) {
            return (address.getAddress()[0] & 0xFE) != 0xFC; // not a unique local address (RFC 4193 fc00::/7)
        }
        byte[] ip = address.getAddress();
        // RFC 6598 shared address space 100.64/10 (carrier-grade NAT) is not reachable from outside either
        return !((ip[0] & 0xFF) == 100 && (ip[1] & 0xC0) == 64);
    }

    private void refuse(Channel channel, RelayMessage.Refused refused, PeerId peer) {
        refusals.increment();
        refusalCount.incrementAndGet();
        LOG.debug("relay refuses {}: {}", peer == null ? channel.remoteAddress() : peer.shortText(), refused.reason());
        Wire.refuse(channel, refused);
    }

    private synchronized RelayMessage reserve(Channel channel, PeerId peer, RelayMessage.Reserve reserve) {
        long now = wiring.clock().getAsLong();
        if (reservationChannels.get(peer) == channel && ledger.renew(peer, now)) {
            return okay();
        }
        if (!offering(channel)) {
            return new RelayMessage.Refused(RelayMessage.Status.RESERVATION_REFUSED,
                    "this node is not confirmed reachable, so it does not relay now");
        }
        if (!admitted(peer, reserve.proofs())) {
            return new RelayMessage.Refused(RelayMessage.Status.PERMISSION_DENIED,
                    "no proof of membership in a topic this relay serves");
        }
        String ip = ((InetSocketAddress) channel.remoteAddress()).getAddress().getHostAddress();
        RelayMessage.Refused refused = ledger.reserve(peer, ip, now);
        if (refused != null) {
            return refused;
        }
        reservationChannels.put(peer, channel);
        LOG.info("relay: reservation for {} from {}", peer.shortText(), ip);
        return okay();
    }

    private RelayMessage.ReserveOk okay() {
        RelayLedger.Limits limits = ledger.limits();
        return new RelayMessage.ReserveOk(limits.reservationTtlMillis(), limits.circuitBytes(),
                limits.circuitMillis());
    }

    /** @return null once the target was told, else the refusal for the initiator */
    private synchronized RelayMessage.Refused connect(Channel initiator, PeerId initiatorId, PeerId target,
            java.util.List<byte[]> proofs) {
        // The reservation first: that a peer is reachable here is public anyway (its records name this relay), and
        // the dialler learns that this address is not the peer's (IDENTITY_MISMATCH) rather than a permission error.
        Channel targetChannel = reservationChannels.get(target);
        if (targetChannel == null || !targetChannel.isActive()) {
            return new RelayMessage.Refused(RelayMessage.Status.NO_RESERVATION, "peer " + target.shortText()
                    + " holds no reservation at this relay");
        }
        if (!admitted(initiatorId, proofs)) {
            return new RelayMessage.Refused(RelayMessage.Status.PERMISSION_DENIED,
                    "no proof of membership in a topic this relay serves");
        }
        RelayLedger.CircuitOpening opening = ledger.openCircuit(initiatorId, target, wiring.clock().getAsLong());
        if (!opening.opened()) {
            return opening.refused();
        }
        long id = opening.id();
        pending.put(id, new Pending(initiator, initiatorId, target));
        Wire.send(targetChannel, new RelayMessage.Incoming(id, initiatorId));
        long timeout = wiring.settings().handshakeTimeout().toMillis();
        initiator.eventLoop().schedule(() -> abandon(id), timeout, TimeUnit.MILLISECONDS);
        return null;
    }

    /** The target did not accept in time: the initiator hears why. */
    private void abandon(long id) {
        Pending gone;
        synchronized (this) {
            gone = pending.remove(id);
            if (gone != null) {
                ledger.closeCircuit(id);
            }
        }
        if (gone != null) {
            refuse(gone.initiator(), new RelayMessage.Refused(RelayMessage.Status.CONNECTION_FAILED, "peer "
                    + gone.target().shortText() + " did not accept the circuit in time"), gone.initiatorId());
        }
    }

    private void accept(Channel acceptor, PeerId acceptorId, long id) {
        Pending circuit;
        synchronized (this) {
            circuit = pending.get(id);
            if (circuit == null || !circuit.target().equals(acceptorId)) {
                circuit = null;
            } else {
                pending.remove(id);
            }
        }
        if (circuit == null) {
            refuse(acceptor, new RelayMessage.Refused(RelayMessage.Status.UNEXPECTED_MESSAGE,
                    "no circuit " + id + " waits for " + acceptorId.shortText()), acceptorId);
            return;
        }
        if (!circuit.initiator().isActive()) {
            synchronized (this) {
                ledger.closeCircuit(id);
            }
            refuse(acceptor, new RelayMessage.Refused(RelayMessage.Status.CONNECTION_FAILED,
                    "the initiator left"), acceptorId);
            return;
        }
        RelayLedger.Limits limits = ledger.limits();
        long now = wiring.clock().getAsLong();
        CircuitBudget budget = new CircuitBudget(limits.circuitBytes(), now, limits.circuitMillis());
        Runnable closed = () -> {
            synchronized (this) {
                ledger.closeCircuit(id);
            }
        };
        Channel initiator = circuit.initiator();
        String ends = circuit.initiatorId().shortText() + " -> " + acceptorId.shortText();
        // an operator's (and the lab's) clue why a member lost its relayed connection: the limit, by its key
        Consumer<String> overLimit = why -> LOG.info("relay: circuit {} {} closed: {}", id, ends, why);
        splice(acceptor, initiator, budget, closed, overLimit);
        splice(initiator, acceptor, budget, closed, overLimit);
        Wire.send(acceptor, new RelayMessage.Connected(false));
        Wire.send(initiator, new RelayMessage.Connected(false));
        acceptor.eventLoop().schedule(() -> {
            if (acceptor.isActive() && initiator.isActive() && budget.firstReport()) {
                String why = budget.overLimit(wiring.clock().getAsLong());
                overLimit.accept(why != null ? why : "open " + limits.circuitMillis() + " ms (circuit_duration)");
            }
            acceptor.close();
            initiator.close();
        }, limits.circuitMillis(), TimeUnit.MILLISECONDS);
        LOG.info("relay: circuit {} {} -> {}", id, circuit.initiatorId().shortText(), acceptorId.shortText());
    }

    /** Replaces the control handlers of {@code hop} with a splice to {@code partner}; runs on hop's event loop. */
    private void splice(Channel hop, Channel partner, CircuitBudget budget, Runnable closed,
            Consumer<String> overLimit) {
        hop.eventLoop().execute(() -> {
            ChannelPipeline pipeline = hop.pipeline();
            pipeline.addLast("splice", new SpliceHandler(partner, budget, wiring.clock(), closed, relayedBytes,
                    overLimit));
            if (pipeline.get("hop") != null) {
                pipeline.remove("hop");
            }
            if (pipeline.get(ControlDecoder.class) != null) {
                pipeline.remove(ControlDecoder.class);
            }
        });
    }

    private synchronized void hopClosed(Channel channel, PeerId peer) {
        if (peer != null && reservationChannels.get(peer) == channel) {
            reservationChannels.remove(peer);
            ledger.release(peer);
            LOG.info("relay: reservation of {} ended", peer.shortText());
        }
        pending.entrySet().removeIf(entry -> {
            if (entry.getValue().initiator() == channel) {
                ledger.closeCircuit(entry.getKey());
                return true;
            }
            return false;
        });
    }

    /** The control side of one hop at the relay. Event-loop only. */
    private final class HopHandler extends ChannelInboundHandlerAdapter {
        private PeerId peer;
        private boolean first = true;

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof SslHandshakeCompletionEvent handshake) {
                if (!handshake.isSuccess()) {
                    ctx.close();
                    return;
                }
                try {
                    SslHandler ssl = (SslHandler) ctx.pipeline().get(HOP_TLS);
                    peer = PeerCertificates.identityOf(ssl.engine().getSession().getPeerCertificates(),
                            wiring.signing());
                } catch (javax.net.ssl.SSLPeerUnverifiedException | java.security.cert.CertificateException e) {
                    ctx.close();
                }
                return;
            }
            ctx.fireUserEventTriggered(event);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            if (!(message instanceof RelayMessage relayMessage) || peer == null) {
                ReferenceCountUtil.release(message);
                ctx.close();
                return;
            }
            boolean wasFirst = first;
            first = false;
            if (relayMessage instanceof RelayMessage.Reserve reserve) {
                RelayMessage answer = reserve(ctx.channel(), peer, reserve);
                if (answer instanceof RelayMessage.Refused refused) {
                    refuse(ctx.channel(), refused, peer);
                } else {
                    Wire.send(ctx.channel(), answer);
                }
            } else if (relayMessage instanceof RelayMessage.Connect connect && wasFirst) {
                if (connect.target().equals(wiring.self())) {
                    direct(ctx);
                    return;
                }
                RelayMessage.Refused refused = connect(ctx.channel(), peer, connect.target(), connect.proofs());
                if (refused != null) {
                    refuse(ctx.channel(), refused, peer);
                }
            } else if (relayMessage instanceof RelayMessage.Accept accept && wasFirst) {
                accept(ctx.channel(), peer, accept.circuitId());
            } else {
                refuse(ctx.channel(), new RelayMessage.Refused(RelayMessage.Status.UNEXPECTED_MESSAGE,
                        relayMessage.getClass().getSimpleName() + " not expected here"), peer);
            }
        }

        /** A Connect to us: the hop becomes a direct connection with this node. */
        private void direct(ChannelHandlerContext ctx) {
            Wire.send(ctx.channel(), new RelayMessage.Connected(true));
            ChannelPipeline pipeline = ctx.pipeline();
            RelaySettings settings = wiring.settings();
            pipeline.addLast("liveness", new IdleStateHandler(settings.idleTimeout().toMillis(),
                    settings.keepAliveInterval().toMillis(), 0, TimeUnit.MILLISECONDS));
            pipeline.addLast("frames", new FrameDecoder(settings.maxFrameSize()));
            InetSocketAddress far = (InetSocketAddress) ctx.channel().remoteAddress();
            PeerAddress farAddress = PeerAddress.of(RelaySettings.ID, far.getAddress().getHostAddress(),
                    far.getPort());
            // the dialler's address as this relay sees it: what the gossip layer counts per IP for this connection
            pipeline.addLast("endpoint", EndpointHandler.acceptor(wiring.signing(), settings.maxFrameSize(),
                    farAddress, null, peer, wiring.inbound()));
            pipeline.remove(this);
            pipeline.remove(ControlDecoder.class);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            hopClosed(ctx.channel(), peer);
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("relay hop from {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
            ctx.close();
        }
    }
}
