package io.topictracker.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.api.ConfigException;
import io.topictracker.api.ConfigTable;
import io.topictracker.tls.HandshakeGate.Admission;
import io.topictracker.tls.HandshakeGate.Limit;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HandshakeGateTest {
    private static InetAddress ip(String text) throws Exception {
        return InetAddress.getByName(text);
    }

    @Test
    void refusesPastThePerIpBoundWhileOtherAddressesGetIn() throws Exception {
        HandshakeGate gate = new HandshakeGate(10, 3);
        List<Admission> held = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            held.add(gate.admit(ip("127.0.0.2")));
        }
        assertTrue(held.stream().allMatch(Admission::admitted));
        Admission refused = gate.admit(ip("127.0.0.2"));
        assertFalse(refused.admitted());
        assertEquals(Limit.PER_IP, refused.refusedBy());
        assertTrue(refused.reason("tcp", ip("127.0.0.2")).contains("max_handshakes_in_flight_per_ip"));
        assertTrue(gate.admit(ip("127.0.0.1")).admitted());
        assertEquals(4, gate.inFlight());
    }

    @Test
    void refusesPastTheTotalAndAdmitsAgainOnceOneEnds() throws Exception {
        HandshakeGate gate = new HandshakeGate(4, 2);
        List<Admission> held = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            held.add(gate.admit(ip("127.0.0." + (2 + i / 2))));
        }
        Admission refused = gate.admit(ip("127.0.0.9"));
        assertEquals(Limit.TOTAL, refused.refusedBy());
        assertNull(refused.permit());
        held.get(0).permit().release();
        held.get(0).permit().release(); // idempotent: frees one place, not two
        assertEquals(3, gate.inFlight());
        assertTrue(gate.admit(ip("127.0.0.9")).admitted());
        assertFalse(gate.admit(ip("127.0.0.10")).admitted());
    }

    @Test
    void countsIpv6ByItsSlash64() throws Exception {
        HandshakeGate gate = new HandshakeGate(10, 2);
        assertTrue(gate.admit(ip("2001:db8:1:2::1")).admitted());
        assertTrue(gate.admit(ip("2001:db8:1:2::ffff")).admitted());
        assertEquals(Limit.PER_IP, gate.admit(ip("2001:db8:1:2:abcd::7")).refusedBy());
        assertTrue(gate.admit(ip("2001:db8:1:3::1")).admitted());
    }

    @Test
    void readsItsKeysWithDefaultsAndChecksThem() {
        HandshakeGate defaults = HandshakeGate.from(ConfigTable.empty("transport.tcp"));
        assertEquals(HandshakeGate.DEFAULT_MAX, defaults.max());
        assertEquals(HandshakeGate.DEFAULT_MAX_PER_IP, defaults.maxPerIp());
        HandshakeGate small = HandshakeGate.from(ConfigTable.of("transport.tcp",
                Map.of("max_handshakes_in_flight", 8L)));
        assertEquals(8, small.max());
        assertEquals(8, small.maxPerIp());
        ConfigException over = assertThrows(ConfigException.class, () -> HandshakeGate.from(ConfigTable.of(
                "transport.tcp", Map.of("max_handshakes_in_flight", 8L, "max_handshakes_in_flight_per_ip", 9L))));
        assertTrue(over.getMessage().contains("transport.tcp.max_handshakes_in_flight_per_ip"), over.getMessage());
        assertThrows(ConfigException.class, () -> HandshakeGate.from(ConfigTable.of("transport.tcp",
                Map.of("max_handshakes_in_flight", 0L))));
    }
}
