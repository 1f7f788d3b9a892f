package io.topictracker.engine.records;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.api.PeerAddress;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** IP hosts are kept in one canonical form, so content round-trips to an equal value. */
class AddressFormTest {
    @Test
    void ipv6IsFormattedAsInet6AddressDoes() throws Exception {
        for (String host : List.of("::1", "2001:db8::ff00:42:8329", "fe80::1:2", "::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")) {
            byte[] bytes = InetAddress.getByName(host).getAddress();
            assertEquals(InetAddress.getByAddress(bytes).getHostAddress(), ContentCodec.hostText(bytes), host);
            assertTrue(ContentCodec.isCanonicalIpv6(ContentCodec.hostText(bytes)));
        }
        assertEquals("10.0.0.255", ContentCodec.hostText(new byte[] {10, 0, 0, (byte) 255}));
    }

    @Test
    void onlyTheCanonicalFormSkipsParsing() {
        assertFalse(ContentCodec.isCanonicalIpv6("::1"));
        assertFalse(ContentCodec.isCanonicalIpv6("2001:0db8:0:0:0:0:0:1"));
        assertFalse(ContentCodec.isCanonicalIpv6("0:0:0:0:0:0:0"));
        assertFalse(ContentCodec.isCanonicalIpv6("0:0:0:0:0:0:0:12345"));
        assertTrue(ContentCodec.isCanonicalIpv6("2001:db8:0:0:0:0:0:1"));
    }

    @Test
    void everyIpFormRoundTripsToItsCanonicalForm() throws RecordException {
        List<PeerAddress> addresses = List.of(PeerAddress.of("tcp", "::1", 1), PeerAddress.of("tcp", "2001:0DB8::1", 2),
                PeerAddress.of("tcp", "::ffff:1.2.3.4", 3), PeerAddress.of("tcp", "010.0.0.1", 4),
                PeerAddress.of("tcp", "999.1.1.1", 5));
        RecordContent content = RecordContent.of(addresses);
        assertEquals(List.of("0:0:0:0:0:0:0:1", "2001:db8:0:0:0:0:0:1", "0:0:0:0:0:ffff:102:304", "10.0.0.1",
                "999.1.1.1"), content.addresses().stream().map(PeerAddress::host).toList());
        byte[] encoded = ContentCodec.encode(content);
        assertEquals(content.encodedLength(), encoded.length);
        assertEquals(content, ContentCodec.decode(encoded));
    }
}
