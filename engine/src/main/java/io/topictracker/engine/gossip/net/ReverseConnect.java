package io.topictracker.engine.gossip.net;

import io.topictracker.api.PeerAddress;
import io.topictracker.api.PeerId;
import io.topictracker.api.PeerInfo;
import io.topictracker.api.TopicId;
import io.topictracker.api.transport.Connection;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiPredicate;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connection requests through a neighbour (issue 15, PROTOCOL.md §10), the IO edge: when our dial to a peer has gone
 * unanswered for a second (it is behind a NAT that lets in only what it asked for), we ask our neighbours to pass a
 * request on; a neighbour that has the peer as a neighbour in the same topic forwards it; the peer dials us back at
 * once. If we are public that dial simply arrives (a reverse connection); if we are behind a NAT too, our own dial,
 * still retransmitting, has opened our NAT towards the peer and the peer's dial opens its NAT towards us, so the two
 * sides' QUIC Initials cross (a hole punch).
 *
 * <p>Admission: the forwarder passes a request on only if the requester and the target are both in its active view
 * of the frame's topic (both admitted, with the topic's MACs, as Join and Neighbor are), and the target acts only on
 * a forward from a neighbour of its own in that topic; how often each role acts is bounded by {@link ConnectRequests}.
 * Only open connections carry these frames: none is dialled for them.
 *
 * <p>Thread-safe: entry points run on transport and timer threads; the decisions are guarded by their own monitor.
 */
final class ReverseConnect {
    private static final Logger LOG = LoggerFactory.getLogger(ReverseConnect.class);
    /** Neighbours asked per unanswered dial, at most (an active view is 5 by default; several topics add up). */
    static final int MAX_VIAS = 8;

    private final PeerLinks links;
    private final Supplier<PeerInfo> self;
    private final Function<TopicId, Set<PeerId>> neighborsIn;
    private final BiPredicate<TopicId, Runnable> inTopicOrder;
    private final Supplier<Collection<TopicId>> topics;
    private final LongSupplier clock;
    private final ConnectRequests decisions = new ConnectRequests();
    private final java.util.concurrent.atomic.AtomicLong requestsSent = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong forwarded = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong dialledBack = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong refused = new java.util.concurrent.atomic.AtomicLong();

    /**
     * @param self our id and addresses as we advertise them, not null
     * @param neighborsIn the active view of a joined topic, or null if we have not joined it; not null
     * @param inTopicOrder runs a task on a joined topic's executor after the frames received before it, returning
     *     false (the task not run) if the topic is not joined or closed; not null
     * @param topics the topics we joined; not null
     * @param clock monotonic milliseconds, not null
     */
    ReverseConnect(PeerLinks links, Supplier<PeerInfo> self, Function<TopicId, Set<PeerId>> neighborsIn,
            BiPredicate<TopicId, Runnable> inTopicOrder, Supplier<Collection<TopicId>> topics, LongSupplier clock) {
        this.links = Objects.requireNonNull(links, "links");
        this.self = Objects.requireNonNull(self, "self");
        this.neighborsIn = Objects.requireNonNull(neighborsIn, "neighborsIn");
        this.inTopicOrder = Objects.requireNonNull(inTopicOrder, "inTopicOrder");
        this.topics = Objects.requireNonNull(topics, "topics");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Requester: our dial to {@code target} is unanswered so far. Sends a ConnectRequest to each neighbour we have an
     * open connection to, once per topic we share with it, at most {@link #MAX_VIAS} frames in all.
     *
     * @return whether a request went out
     */
    boolean unanswered(PeerInfo target) {
        List<TopicId> viaTopics = new ArrayList<>();
        List<Connection> vias = new ArrayList<>();
        for (TopicId topic : topics.get()) {
            Set<PeerId> neighbors = neighborsIn.apply(topic);
            if (neighbors == null) {
                continue;
            }
            for (PeerId via : List.copyOf(neighbors)) {
                Connection connection = via.equals(target.id()) ? null : links.openConnection(via);
                if (connection != null && vias.size() < MAX_VIAS) {
                    viaTopics.add(topic);
                    vias.add(connection);
                }
            }
        }
        if (vias.isEmpty()) {
            LOG.debug("no connection request for {}: no neighbour to ask", target.id().shortText());
            return false; // not counted: the next check may find one
        }
        synchronized (decisions) {
            if (!decisions.ask(target.id(), clock.getAsLong())) {
                LOG.debug("no connection request for {}: asked lately", target.id().shortText());
                return false;
            }
        }
        PeerInfo me = self.get();
        Set<PeerId> asked = new HashSet<>();
        for (int i = 0; i < vias.size(); i++) {
            if (send(vias.get(i), ConnectFrames.encodeRequest(viaTopics.get(i), target.id(), me))) {
                asked.add(vias.get(i).remote());
                requestsSent.incrementAndGet();
            }
        }
        LOG.debug("asked {} neighbours to have {} dial us", asked.size(), target.id().shortText());
        return !asked.isEmpty();
    }

    /** @return whether {@code frame} is one of ours ({@link #received} takes it) */
    static boolean handles(ByteBuffer frame) {
        return ConnectFrames.typeOf(frame) != 0;
    }

    /**
     * A ConnectRequest or ConnectForward arrived on {@code from}. It is decoded here and judged on its topic's
     * executor, after the frames that came before it: the sender may have made itself our neighbour by a Neighbor
     * message just before (a forwarder passes a request on right after accepting the target), and a request judged
     * against a view that message has not reached yet would be refused.
     *
     * @throws MalformedFrameException naming what is wrong (the caller closes the connection)
     */
    void received(Connection from, ByteBuffer frame) throws MalformedFrameException {
        if (ConnectFrames.typeOf(frame) == ConnectFrames.CONNECT_REQUEST) {
            ConnectFrames.Request request = ConnectFrames.decodeRequest(frame);
            if (!request.requester().id().equals(from.remote())) {
                throw new MalformedFrameException("ConnectRequest names requester "
                        + request.requester().id().shortText() + " on a connection from " + from.remote().shortText());
            }
            if (!inTopicOrder.test(request.topic(), () -> forward(from, request))) {
                refuse("not forwarding " + from.remote().shortText() + "'s connection request: topic not joined");
            }
        } else {
            ConnectFrames.Forward forward = ConnectFrames.decodeForward(frame);
            if (!inTopicOrder.test(forward.topic(), () -> dialBack(from, forward))) {
                refuse("not dialling " + forward.requester().id().shortText() + " back (request via "
                        + from.remote().shortText() + "): topic not joined");
            }
        }
    }

    private void refuse(String why) {
        refused.incrementAndGet();
        LOG.debug("{}", why);
    }

    /** Forwarder: passes the request on to the target if both ends are our neighbours in its topic. */
    private void forward(Connection from, ConnectFrames.Request request) {
        PeerId requester = from.remote();
        String refusal = forwardRefusal(requester, request);
        if (refusal != null) {
            refused.incrementAndGet();
            LOG.debug("not forwarding {}'s connection request for {}: {}", requester.shortText(),
                    request.target().shortText(), refusal);
            return;
        }
        Connection toTarget = links.openConnection(request.target());
        if (toTarget == null) {
            refused.incrementAndGet();
            LOG.debug("not forwarding {}'s connection request for {}: no open connection to it",
                    requester.shortText(), request.target().shortText());
            return;
        }
        synchronized (decisions) {
            if (!decisions.forward(requester, clock.getAsLong())) {
                refused.incrementAndGet();
                LOG.debug("not forwarding {}'s connection request: over its rate", requester.shortText());
                return;
            }
        }
        // where we see the requester: its NAT's mapping for the socket it dialled us from (for QUIC the listening one)
        PeerAddress seen = from.relayedVia().isEmpty() ? from.remoteAddress() : null;
        if (send(toTarget, ConnectFrames.encodeForward(request.topic(), request.requester(), seen))) {
            forwarded.incrementAndGet();
            LOG.debug("forwarded {}'s connection request to {}", requester.shortText(), request.target().shortText());
        }
    }

    private String forwardRefusal(PeerId requester, ConnectFrames.Request request) {
        Set<PeerId> neighbors = neighborsIn.apply(request.topic());
        if (neighbors == null) {
            return "topic not joined";
        }
        if (!neighbors.contains(requester)) {
            return "the requester is not our neighbour in the topic";
        }
        if (request.target().equals(requester) || !neighbors.contains(request.target())) {
            return "the target is not our neighbour in the topic";
        }
        return null;
    }

    /** Target: dials the requester back if the forwarder is our neighbour in the topic. */
    private void dialBack(Connection from, ConnectFrames.Forward forward) {
        PeerId requester = forward.requester().id();
        Set<PeerId> neighbors = neighborsIn.apply(forward.topic());
        String refusal = neighbors == null ? "topic not joined"
                : !neighbors.contains(from.remote()) ? "the forwarder is not our neighbour in the topic"
                : requester.equals(self.get().id()) ? "it names us as the requester"
                : links.isConnected(requester) ? "already connected" : null;
        if (refusal == null) {
            synchronized (decisions) {
                if (!decisions.dialBack(requester, clock.getAsLong())) {
                    refusal = "dialled it back lately";
                }
            }
        }
        if (refusal != null) {
            refused.incrementAndGet();
            LOG.debug("not dialling {} back (request via {}): {}", requester.shortText(), from.remote().shortText(),
                    refusal);
            return;
        }
        LOG.debug("dialling {} back (request via {})", requester.shortText(), from.remote().shortText());
        if (links.dialNow(withSeen(forward.requester(), forward.seen()))) {
            dialledBack.incrementAndGet();
        }
    }

    /**
     * What this node did so far, for tests and diagnostics: ConnectRequests sent, forwarded, dials back started, and
     * requests or forwards refused (not a neighbour, not connected, over a rate, already connected).
     */
    record Counts(long requestsSent, long forwarded, long dialledBack, long refused) {}

    /** @return the counts so far; never null */
    Counts counts() {
        return new Counts(requestsSent.get(), forwarded.get(), dialledBack.get(), refused.get());
    }

    /** @return the requester's advertised addresses, then where the forwarder saw it if that is new and fits */
    static PeerInfo withSeen(PeerInfo requester, PeerAddress seen) {
        if (seen == null || requester.addresses().contains(seen)
                || requester.addresses().size() >= PeerInfo.MAX_ADDRESSES) {
            return requester;
        }
        List<PeerAddress> addresses = new ArrayList<>(requester.addresses());
        addresses.add(seen);
        return new PeerInfo(requester.id(), addresses);
    }

    private static boolean send(Connection connection, ByteBuffer frame) {
        try {
            connection.send(frame);
            return true;
        } catch (RuntimeException e) {
            LOG.debug("could not send a connection frame to {}: {}", connection.remote().shortText(), e.toString());
            return false;
        }
    }
}
