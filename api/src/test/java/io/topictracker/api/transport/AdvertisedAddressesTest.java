package io.topictracker.api.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.api.ConfigException;
import io.topictracker.api.ConfigTable;
import io.topictracker.api.PeerAddress;
import io.topictracker.api.PeerInfo;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a transport advertises, over made-up interface lists: nothing here reads the host's interfaces. */
class AdvertisedAddressesTest {
    private static final InetAddress ANY4 = ip("0.0.0.0");
    private static final InetAddress ANY6 = ip("::");
    private static final AdvertisedAddresses.Interface LOOPBACK =
            new AdvertisedAddresses.Interface("lo", true, true, List.of(ip("127.0.0.1"), ip("::1")));
    private static final AdvertisedAddresses.Interface ETH0 = new AdvertisedAddresses.Interface("eth0", true, false,
            List.of(ip("fe80::1"), ip("2001:db8::5"), ip("198.51.100.7"), ip("169.254.3.4")));
    private static final AdvertisedAddresses.Interface WLAN_DOWN =
            new AdvertisedAddresses.Interface("wlan0", false, false, List.of(ip("203.0.113.9")));
    private static final AdvertisedAddresses.Interface DOCKER =
            new AdvertisedAddresses.Interface("br0", true, false, List.of(ip("10.1.0.1"), ip("198.51.100.7")));

    @Test
    void aWildcardIpv4SocketAdvertisesEveryUsableIpv4AddressOnce() {
        List<PeerAddress> chosen = AdvertisedAddresses.choose("tcp", ANY4, 4000, List.of(),
                List.of(LOOPBACK, ETH0, WLAN_DOWN, DOCKER));
        assertEquals(List.of(PeerAddress.of("tcp", "198.51.100.7", 4000), PeerAddress.of("tcp", "10.1.0.1", 4000)),
                chosen, "no loopback, link-local, down interface, IPv6 or duplicate");
    }

    @Test
    void aDualStackWildcardSocketAdvertisesBothFamiliesIpv4First() {
        List<PeerAddress> chosen = AdvertisedAddresses.choose("quic", ANY6, 4433, List.of(), List.of(ETH0));
        assertEquals(List.of(PeerAddress.of("quic", "198.51.100.7", 4433), PeerAddress.of("quic", "2001:db8:0:0:0:0:0:5",
                4433)), chosen);
    }

    @Test
    void aSocketBoundToOneAddressAdvertisesThatOneLoopbackIncluded() {
        assertEquals(List.of(PeerAddress.of("tcp", "127.0.0.1", 4000)),
                AdvertisedAddresses.choose("tcp", ip("127.0.0.1"), 4000, List.of(), List.of(ETH0)));
    }

    @Test
    void configuredAddressesComeFirstAndAreNotRepeated() {
        PeerAddress forwarded = PeerAddress.of("tcp", "203.0.113.5", 443);
        PeerAddress same = PeerAddress.of("tcp", "198.51.100.7", 4000);
        assertEquals(List.of(forwarded, same),
                AdvertisedAddresses.choose("tcp", ANY4, 4000, List.of(forwarded, same), List.of(ETH0)));
    }

    @Test
    void anOfflineHostAdvertisesLoopbackRatherThanNothing() {
        assertEquals(List.of(PeerAddress.of("tcp", "127.0.0.1", 4000)),
                AdvertisedAddresses.choose("tcp", ANY4, 4000, List.of(), List.of(LOOPBACK)));
    }

    @Test
    void manyInterfacesAreCutAtThePeerInfoBound() {
        List<AdvertisedAddresses.Interface> many = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            many.add(new AdvertisedAddresses.Interface("eth" + i, true, false, List.of(ip("10.0.0." + i))));
        }
        List<PeerAddress> chosen = AdvertisedAddresses.choose("tcp", ANY4, 4000, List.of(), many);
        assertEquals(PeerInfo.MAX_ADDRESSES, chosen.size());
        assertEquals(PeerAddress.of("tcp", "10.0.0.1", 4000), chosen.get(0));
    }

    @Test
    void theHostsOwnInterfacesAreReadable() {
        // the host this runs on has at least its loopback interface; only reading, nothing is asserted about it
        assertFalse(AdvertisedAddresses.hostInterfaces().isEmpty());
        assertTrue(AdvertisedAddresses.of("tcp", ANY4, 4000, List.of()).size() >= 1);
    }

    @Test
    void theAdvertiseKeyIsCheckedEntryByEntry() {
        assertEquals(List.of(PeerAddress.of("quic", "203.0.113.5", 4433)), AdvertisedAddresses.configured(
                table(List.of("quic://203.0.113.5:4433")), "quic"));
        assertEquals(List.of(), AdvertisedAddresses.configured(ConfigTable.empty("transport.quic"), "quic"));
        ConfigException wrongTransport = assertThrows(ConfigException.class,
                () -> AdvertisedAddresses.configured(table(List.of("tcp://203.0.113.5:4433")), "quic"));
        assertTrue(wrongTransport.getMessage().contains("is not a quic address"), wrongTransport.getMessage());
        ConfigException badPort = assertThrows(ConfigException.class,
                () -> AdvertisedAddresses.configured(table(List.of("quic://203.0.113.5:99999")), "quic"));
        assertTrue(badPort.getMessage().contains("advertise"), badPort.getMessage());
    }

    private static ConfigTable table(List<String> advertise) {
        return ConfigTable.of("transport.quic", Map.of("advertise", advertise));
    }

    private static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
