package io.topictracker.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** IPv6 hosts: the text forms of RFC 4291 §2.2 and nothing that merely looks like one. */
class PeerAddressTest {
    @ParameterizedTest
    @ValueSource(strings = {"::", "::1", "1::", "2001:db8::1", "2001:DB8:0:0:8:800:200C:417A", "1:2:3:4:5:6:7::",
        "::1:2:3:4:5:6:7", "::ffff:192.0.2.1", "::192.0.2.1", "1:2:3:4:5:6:192.0.2.255", "fe80::abcd:0:0:1"})
    void acceptsIpv6TextForms(String host) {
        PeerAddress address = PeerAddress.parse("tcp://[" + host + "]:4000");
        assertEquals(host.toLowerCase(java.util.Locale.ROOT), address.host());
        assertEquals(address, PeerAddress.parse(address.toString()));
    }

    @ParameterizedTest
    @ValueSource(strings = {".:", "1:2", ":1", "1:", ":::", "1::2::3", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7:8::",
        "12345::", "::ffff:384.0.2.1", "::ffff:1.2.3", "::ffff:01.2.3.4", "1.2.3.4::", "::1.2.3.4:5", "fe80::1%eth0",
        "g::1", "::1.2.3.4.5"})
    void rejectsTextThatOnlyLooksLikeIpv6(String host) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PeerAddress.parse("tcp://[" + host + "]:4000"));
        assertTrue(e.getMessage().contains("IPv6"), e.getMessage());
    }
}
