package io.topictracker.engine.gossip.net;

import io.topictracker.api.PeerAddress;
import io.topictracker.api.PeerInfo;
import io.topictracker.api.transport.Transport;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transports one node gossips over, in its order of preference ({@code [node] transports}): all of them listen,
 * all their addresses are advertised, and a peer is dialled over the first of ours that handles one of its addresses
 * (by scheme), then the next if that dial fails. Immutable list; thread-safe as far as the transports are.
 */
final class Transports implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Transports.class);

    /**
     * One way to reach a peer: which of our transports dials which of its addresses.
     *
     * @param transport ours, never null
     * @param address the peer's, one {@code transport} handles; never null
     */
    record Route(Transport transport, PeerAddress address) {
        /** @return whether this route goes through a third party (a relay transport: {@code NodeAware}) */
        boolean relayed() {
            return transport instanceof io.topictracker.api.transport.NodeAware;
        }
    }

    private final List<Transport> preferred;

    /**
     * @param preferred at least one, most preferred first, each with its own id (the address scheme); those that are
     *     {@link io.topictracker.api.transport.NodeAware} (relays) are moved after the others
     * @throws IllegalArgumentException if empty or an id repeats
     */
    Transports(List<Transport> preferred) {
        if (preferred.isEmpty()) {
            throw new IllegalArgumentException("a node needs at least one transport");
        }
        Set<String> ids = new HashSet<>();
        for (Transport transport : preferred) {
            if (!ids.add(Objects.requireNonNull(transport, "transport").id())) {
                throw new IllegalArgumentException("transport '" + transport.id() + "' is given twice");
            }
        }
        // A transport that needs the node's view (NodeAware: the relay transport) reaches peers through a third
        // party: it is the fallback, tried after every direct one whatever the configured order (issue 15).
        List<Transport> ordered = new java.util.ArrayList<>();
        preferred.stream().filter(t -> !(t instanceof io.topictracker.api.transport.NodeAware)).forEach(ordered::add);
        preferred.stream().filter(t -> t instanceof io.topictracker.api.transport.NodeAware).forEach(ordered::add);
        this.preferred = List.copyOf(ordered);
    }

    /** The id of the transport that punches holes through NATs (issue 15: QUIC, from its one socket, PROTOCOL §8). */
    static final String PUNCHING_TRANSPORT = "quic";

    /** @return our transports that can punch holes (the direct connection upgrade dials over them); never null */
    List<Transport> punching() {
        return preferred.stream().filter(t -> t.id().equals(PUNCHING_TRANSPORT)).toList();
    }

    /** @return the transports, most preferred first; never null */
    List<Transport> all() {
        return preferred;
    }

    /** Starts every transport. @return completes when all listen; fails with the first failure; never null */
    CompletableFuture<Void> start() {
        List<CompletableFuture<Void>> started = new ArrayList<>(preferred.size());
        for (Transport transport : preferred) {
            try {
                started.add(transport.start());
            } catch (RuntimeException e) {
                started.add(CompletableFuture.failedFuture(e));
            }
        }
        return CompletableFuture.allOf(started.toArray(CompletableFuture[]::new));
    }

    /**
     * @return every transport's addresses, in preference order, at most {@link PeerInfo#MAX_ADDRESSES} (the ones of
     *     the least preferred transports are left out first); never null
     */
    List<PeerAddress> localAddresses() {
        List<PeerAddress> all = new ArrayList<>();
        for (Transport transport : preferred) {
            for (PeerAddress address : transport.localAddresses()) {
                if (all.size() == PeerInfo.MAX_ADDRESSES) {
                    LOG.debug("not advertising {}: a peer advertises at most {} addresses", address,
                            PeerInfo.MAX_ADDRESSES);
                    continue;
                }
                all.add(address);
            }
        }
        return all;
    }

    /**
     * The ways to dial {@code peer}, in the order to try them: our transports in preference order, and for each the
     * peer's addresses it handles, in the order the peer lists them.
     *
     * @param peer not null
     * @return never null; empty when no transport of ours handles any of the peer's addresses
     */
    List<Route> routes(PeerInfo peer) {
        List<Route> routes = new ArrayList<>();
        for (Transport transport : preferred) {
            for (PeerAddress address : peer.addresses()) {
                if (transport.handles(address)) {
                    routes.add(new Route(transport, address));
                }
            }
        }
        return routes;
    }

    /** Closes every transport; one that throws does not keep the others open. */
    @Override
    public void close() {
        for (Transport transport : preferred) {
            try {
                transport.close();
            } catch (RuntimeException e) {
                LOG.warn("closing transport '{}' failed", transport.id(), e);
            }
        }
    }
}
