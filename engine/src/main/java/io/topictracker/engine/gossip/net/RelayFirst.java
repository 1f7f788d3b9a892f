package io.topictracker.engine.gossip.net;

import io.topictracker.api.PeerAddress;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Whether a dial starts at the peer's relay address rather than behind its direct ones (issue 15). The relay
 * transport is the fallback, tried after every direct route ({@link Transports}); with Happy Eyeballs (RFC 8305 §5,
 * {@link DialRace}) each direct route that neither connects nor fails holds the relay back by a stagger, and a direct
 * route that fails still costs its round trip (on a loaded machine, hundreds of milliseconds before the relay is even
 * tried). When we can tell that no direct route can work, the relay routes go first; the direct ones are still tried,
 * staggered behind them, so a wrong guess costs a relayed circuit (which a direct connection that comes up later
 * replaces, as the upgrade does), never the connection.
 *
 * <p>A direct address is <em>hopeless</em> from us when:
 * <ul>
 *   <li>a dial to it failed lately ({@link RecentDialFailures});
 *   <li>its host is a non-global IP literal (RFC 1918, link-local, unique local, shared address space) and the peer
 *       sits behind another NAT than ours: we know our own global host and the peer advertises global hosts, none of
 *       them ours (peers behind one NAT share its public address; behind different NATs, a private address names a
 *       host on the other LAN, or worse, one on ours);
 *   <li>its host is global and the peer holds a reservation at a relay (it advertises a relay address at a host none
 *       of its direct addresses has): a node reserves only while no one reached it directly from outside (the relay
 *       transport's {@code reserve = "auto"}), so its global direct addresses are the confirmed-host guess (the NAT's
 *       public address with the node's listening port, {@link ObservedAddresses}), which only a 1:1 NAT or a port
 *       forward answers. A relay's own relay address shares a host with its direct ones and does not count.
 * </ul>
 * A host name (not an IP literal) is never hopeless: nothing is known about it without resolving it.
 *
 * <p>Pure and stateless: the caller gives our hosts and what failed.
 */
final class RelayFirst {
    private RelayFirst() {}

    /**
     * @param routes the dial's routes in their order (direct ones first), not null
     * @param relayed whether a route goes through a relay (its transport is the relay transport), not null
     * @param address a route's address, not null
     * @param ownGlobalHosts the global IP literals we are reachable or seen at (interfaces, confirmed observed, the
     *     DHT's vote), not null, possibly empty (then no private address counts as hopeless)
     * @param failedLately whether a dial to an address failed lately, not null
     * @return {@code routes} with the relayed ones moved first (each group in its order) when there is at least one
     *     relayed route and every direct route is hopeless from us; else {@code routes} unchanged. Never null
     */
    static <R> List<R> order(List<R> routes, Predicate<R> relayed, Function<R, PeerAddress> address,
            Set<String> ownGlobalHosts, Predicate<PeerAddress> failedLately) {
        List<R> viaRelay = new ArrayList<>();
        List<R> direct = new ArrayList<>();
        for (R route : routes) {
            (relayed.test(route) ? viaRelay : direct).add(route);
        }
        if (viaRelay.isEmpty() || direct.isEmpty()) {
            return routes;
        }
        Set<String> directHosts = new HashSet<>();
        Set<String> peerGlobalHosts = new HashSet<>();
        for (R route : direct) {
            String host = address.apply(route).host();
            directHosts.add(host);
            if (EngineNodeView.isGlobal(host)) {
                peerGlobalHosts.add(host);
            }
        }
        boolean holdsReservation = viaRelay.stream().anyMatch(r -> !directHosts.contains(address.apply(r).host()));
        boolean otherNat = !ownGlobalHosts.isEmpty() && !peerGlobalHosts.isEmpty()
                && peerGlobalHosts.stream().noneMatch(ownGlobalHosts::contains);
        for (R route : direct) {
            PeerAddress at = address.apply(route);
            if (!failedLately.test(at) && !hopelessHost(at.host(), holdsReservation, otherNat)) {
                return routes;
            }
        }
        List<R> ordered = new ArrayList<>(viaRelay);
        ordered.addAll(direct);
        return ordered;
    }

    private static boolean hopelessHost(String host, boolean holdsReservation, boolean otherNat) {
        InetAddress ip = IpLiterals.parse(host);
        if (ip == null) {
            return false;
        }
        return EngineNodeView.isGlobal(host) ? holdsReservation : otherNat;
    }
}
