package io.topictracker.engine.gossip.net;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.topictracker.api.PeerAddress;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * {@link RelayFirst}: the relay routes go first exactly when no direct route of the peer can work from here. The
 * addresses are the relay lab's (issue 15, scenario 2): B behind an endpoint-independent NAT at 198.51.100.2 with LAN
 * address 10.2.0.2 and a reservation at the relay P (198.51.100.30); we are D, behind another NAT at 198.51.100.4.
 */
class RelayFirstTest {
    private static final PeerAddress B_LAN = PeerAddress.parse("tcp://10.2.0.2:41661");
    private static final PeerAddress B_PUBLIC_GUESS = PeerAddress.parse("tcp://198.51.100.2:41661");
    private static final PeerAddress AT_RELAY_P = PeerAddress.parse("relay://198.51.100.30:4100");
    private static final PeerAddress P_TCP = PeerAddress.parse("tcp://198.51.100.30:40837");
    private static final Set<String> D_HOSTS = Set.of("198.51.100.4");
    private static final Predicate<PeerAddress> NOTHING_FAILED = a -> false;

    /** Routes are addresses here; the relay transport's are those with the relay scheme. */
    private static List<PeerAddress> order(List<PeerAddress> routes, Set<String> ownHosts,
            Predicate<PeerAddress> failed) {
        return RelayFirst.order(routes, a -> a.transport().equals("relay"), Function.identity(), ownHosts, failed);
    }

    @Test
    void aPeerBehindAnotherNatHoldingAReservationIsDialledAtItsRelayFirst() {
        assertEquals(List.of(AT_RELAY_P, B_LAN, B_PUBLIC_GUESS),
                order(List.of(B_LAN, B_PUBLIC_GUESS, AT_RELAY_P), D_HOSTS, NOTHING_FAILED));
    }

    @Test
    void aRelayIsDialledDirectlyFirst() {
        // P's own relay address shares its host with P's TCP address: not a reservation, P says it is reachable
        List<PeerAddress> routes = List.of(P_TCP, AT_RELAY_P);
        assertEquals(routes, order(routes, D_HOSTS, NOTHING_FAILED));
    }

    @Test
    void aPrivateAddressBehindOurOwnNatIsTriedFirst() {
        // the peer's public address is ours: one NAT, one LAN, its private address may well answer
        List<PeerAddress> routes = List.of(B_LAN, B_PUBLIC_GUESS, AT_RELAY_P);
        assertEquals(routes, order(routes, Set.of("198.51.100.2"), NOTHING_FAILED));
    }

    @Test
    void aPrivateAddressIsTriedFirstWhileWeDoNotKnowOurOwnPublicAddress() {
        List<PeerAddress> routes = List.of(B_LAN, B_PUBLIC_GUESS, AT_RELAY_P);
        assertEquals(routes, order(routes, Set.of(), NOTHING_FAILED));
    }

    @Test
    void aPrivateAddressOfAPeerThatAdvertisesNoPublicOneIsTriedFirst() {
        List<PeerAddress> routes = List.of(B_LAN, AT_RELAY_P);
        assertEquals(routes, order(routes, D_HOSTS, NOTHING_FAILED));
    }

    @Test
    void aPublicAddressOfAPeerWithoutAReservationIsTriedFirstUnlessItFailedLately() {
        PeerAddress publicTcp = PeerAddress.parse("tcp://203.0.113.7:5000");
        PeerAddress itsOwnRelay = PeerAddress.parse("relay://203.0.113.7:4100");
        List<PeerAddress> routes = List.of(publicTcp, itsOwnRelay);
        assertEquals(routes, order(routes, D_HOSTS, NOTHING_FAILED));
        assertEquals(List.of(itsOwnRelay, publicTcp), order(routes, D_HOSTS, publicTcp::equals));
    }

    @Test
    void everyDirectAddressMustBeHopeless() {
        PeerAddress name = PeerAddress.parse("tcp://b.example:41661");
        List<PeerAddress> routes = List.of(B_LAN, name, AT_RELAY_P);
        assertEquals(routes, order(routes, D_HOSTS, NOTHING_FAILED), "a host name is never judged unreachable");
        List<PeerAddress> failedOne = List.of(B_LAN, PeerAddress.parse("tcp://203.0.113.7:5000"),
                PeerAddress.parse("relay://203.0.113.7:4100"));
        assertEquals(failedOne, order(failedOne, D_HOSTS, B_LAN::equals),
                "the peer's public address neither failed nor is a guess (it relays itself, it holds no reservation)");
    }

    @Test
    void withoutARelayRouteOrWithoutADirectOneNothingMoves() {
        List<PeerAddress> direct = List.of(B_LAN, B_PUBLIC_GUESS);
        assertEquals(direct, order(direct, D_HOSTS, a -> true));
        List<PeerAddress> relayOnly = List.of(AT_RELAY_P);
        assertEquals(relayOnly, order(relayOnly, D_HOSTS, NOTHING_FAILED));
    }
}
