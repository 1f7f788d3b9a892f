package io.topictracker.engine.gossip.net;

import io.topictracker.api.PeerId;
import io.topictracker.api.PeerInfo;
import io.topictracker.api.transport.Connection;
import io.topictracker.api.transport.ConnectionListener;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection per peer, shared by every topic: dialled on demand from the addresses in a {@link PeerInfo} (over our
 * most preferred transport that handles one of them, falling back to the next on failure), accepted when the peer
 * dials us on any of our transports, closed when idle and held by no topic. Frames waiting for a dial are bounded. Thread-safe
 * (each link is guarded by its own monitor).
 */
final class PeerLinks {
    private static final Logger LOG = LoggerFactory.getLogger(PeerLinks.class);
    /** Per-connection timings for diagnosing joins (dial start, time to an authenticated connection, accepts). */
    private static final Logger TIMELINE = LoggerFactory.getLogger("io.topictracker.timeline.links");
    /** Frames kept per peer while its connection is being dialled. */
    static final int MAX_PENDING_FRAMES = 512;

    /** What is known about one peer's connections. */
    private static final class Link {
        final PeerId peer;
        final List<Connection> connections = new ArrayList<>(2);
        final ArrayDeque<ByteBuffer> pending = new ArrayDeque<>();
        boolean dialing;
        boolean closingIdle;
        volatile long lastUsed;

        Link(PeerId peer) {
            this.peer = peer;
        }

        Connection open() {
            for (Connection connection : connections) {
                if (connection.isOpen()) {
                    return connection;
                }
            }
            return null;
        }
    }

    private final Map<PeerId, Link> links = new ConcurrentHashMap<>();
    private final Transports transports;
    private final LongSupplier clock;
    private final BiConsumer<Connection, ByteBuffer> onFrame;
    private final BiConsumer<PeerId, Boolean> onLost;
    private final TransportMeters meters;

    /** As below, counting nothing. */
    PeerLinks(Transports transports, LongSupplier clock, BiConsumer<Connection, ByteBuffer> onFrame,
            BiConsumer<PeerId, Boolean> onLost) {
        this(transports, clock, onFrame, onLost, new TransportMeters(io.topictracker.api.metrics.Metrics.none(),
                List.of()));
    }

    /**
     * @param onFrame called with each received frame, on a transport thread
     * @param onLost called when a peer has no connection left or cannot be dialled; the flag is true for a failed dial
     * @param meters counts connections opened, closed and failed, and the bytes of frames, per transport
     */
    PeerLinks(Transports transports, LongSupplier clock, BiConsumer<Connection, ByteBuffer> onFrame,
            BiConsumer<PeerId, Boolean> onLost, TransportMeters meters) {
        this.transports = transports;
        this.clock = clock;
        this.onFrame = onFrame;
        this.onLost = onLost;
        this.meters = meters;
    }

    /** Sends a frame to a peer, dialling it first if needed. Never blocks; a frame that cannot be queued is dropped. */
    void send(PeerInfo to, ByteBuffer frame) {
        Link link = links.computeIfAbsent(to.id(), Link::new);
        Connection ready;
        synchronized (link) {
            link.lastUsed = clock.getAsLong();
            ready = link.open();
            if (ready == null) {
                if (link.pending.size() < MAX_PENDING_FRAMES) {
                    link.pending.add(frame);
                } else {
                    LOG.debug("dropping a frame to {}: {} frames already wait for the dial", to.id().shortText(),
                            MAX_PENDING_FRAMES);
                }
                if (!link.dialing) {
                    link.dialing = true;
                    dial(link, to);
                }
                return;
            }
        }
        transmit(ready, frame);
    }

    private void transmit(Connection connection, ByteBuffer frame) {
        if (meters.enabled) {
            meters.of(connection).bytesOut.increment(frame.remaining()); // before send, which consumes the buffer
        }
        connection.send(frame).exceptionally(error -> {
            // Overload or a closing connection: gossip recovers lost messages through IHave and Graft.
            LOG.debug("frame to {} not sent: {}", connection.remote().shortText(), error.getMessage());
            return null;
        });
    }

    private void dial(Link link, PeerInfo to) {
        TIMELINE.debug("dial {}", to.id().shortText());
        tryDial(link, to.id(), transports.routes(to).iterator(), null);
    }

    private void tryDial(Link link, PeerId peer, Iterator<Transports.Route> routes, Throwable last) {
        if (!routes.hasNext()) {
            synchronized (link) {
                link.dialing = false;
                link.pending.clear();
                if (link.open() != null) {
                    return;
                }
                links.remove(peer, link);
            }
            LOG.debug("cannot reach {}: {}", peer.shortText(), last == null ? "no address our transports handle"
                    : last.getMessage());
            onLost.accept(peer, true);
            return;
        }
        Transports.Route route = routes.next();
        long started = System.nanoTime();
        TransportMeters.PerTransport counted = meters.of(route.transport().id());
        CompletableFuture<Connection> attempt;
        try {
            attempt = route.transport().connect(peer, route.address(), listener(counted));
        } catch (RuntimeException e) {
            attempt = CompletableFuture.failedFuture(e);
        }
        attempt.whenComplete((connection, error) -> {
            if (error != null) {
                counted.failed(error);
                LOG.debug("dialling {} at {} failed: {}", peer.shortText(), route.address(), error.getMessage());
                tryDial(link, peer, routes, error);
                return;
            }
            counted.openedOut.increment();
            TIMELINE.debug("dialled {} in {} ms", peer.shortText(), (System.nanoTime() - started) / 1_000_000);
            List<ByteBuffer> flush;
            synchronized (link) {
                link.dialing = false;
                link.connections.add(connection);
                links.putIfAbsent(peer, link);
                flush = new ArrayList<>(link.pending);
                link.pending.clear();
            }
            flush(connection, flush);
        });
    }

    /** @return the listener for a connection the peer opened to us */
    ConnectionListener accepted(Connection connection) {
        TIMELINE.debug("accepted {}", connection.remote().shortText());
        TransportMeters.PerTransport counted = meters.of(connection);
        counted.openedIn.increment();
        Link link = links.computeIfAbsent(connection.remote(), Link::new);
        List<ByteBuffer> flush;
        synchronized (link) {
            link.connections.add(connection);
            link.lastUsed = clock.getAsLong();
            flush = new ArrayList<>(link.pending);
            link.pending.clear();
        }
        flush(connection, flush);
        return listener(counted);
    }

    /** Sends the frames that waited for {@code connection}, in order. */
    private void flush(Connection connection, List<ByteBuffer> waiting) {
        for (ByteBuffer frame : waiting) {
            transmit(connection, frame);
        }
    }

    private ConnectionListener listener(TransportMeters.PerTransport counted) {
        return new ConnectionListener() {
            @Override
            public void onFrame(Connection connection, ByteBuffer frame) {
                counted.bytesIn.increment(frame.remaining());
                Link link = links.get(connection.remote());
                if (link != null) {
                    link.lastUsed = clock.getAsLong();
                }
                PeerLinks.this.onFrame.accept(connection, frame);
            }

            @Override
            public void onClosed(Connection connection, Throwable cause) {
                counted.closed.increment();
                closed(connection, cause);
            }
        };
    }

    private void closed(Connection connection, Throwable cause) {
        PeerId peer = connection.remote();
        Link link = links.get(peer);
        if (link == null) {
            return;
        }
        boolean lost;
        synchronized (link) {
            link.connections.remove(connection);
            lost = link.open() == null && !link.dialing;
            if (lost) {
                links.remove(peer, link);
            }
            if (lost && link.closingIdle) {
                return;
            }
        }
        if (lost) {
            LOG.debug("connection to {} closed{}", peer.shortText(), cause == null ? "" : ": " + cause.getMessage());
            onLost.accept(peer, false);
        }
    }

    /**
     * Closes connections that no topic holds and that carried nothing for {@code idleMillis}; the topics are not told
     * (the peer did not fail, we just stopped talking).
     */
    void closeIdle(Predicate<PeerId> held, long idleMillis) {
        long now = clock.getAsLong();
        for (Link link : links.values()) {
            List<Connection> toClose;
            synchronized (link) {
                if (link.dialing || held.test(link.peer) || now - link.lastUsed < idleMillis) {
                    continue;
                }
                link.closingIdle = true;
                toClose = new ArrayList<>(link.connections);
            }
            toClose.forEach(Connection::close);
        }
    }

    /** @return the number of peers with an open connection */
    int openCount() {
        int count = 0;
        for (Link link : links.values()) {
            synchronized (link) {
                if (link.open() != null) {
                    count++;
                }
            }
        }
        return count;
    }

    /** Closes every connection. */
    void closeAll(Consumer<Connection> closer) {
        for (Link link : links.values()) {
            List<Connection> all;
            synchronized (link) {
                link.closingIdle = true;
                all = new ArrayList<>(link.connections);
            }
            all.forEach(closer);
        }
    }
}
