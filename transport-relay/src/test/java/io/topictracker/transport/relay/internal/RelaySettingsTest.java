package io.topictracker.transport.relay.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.api.ConfigException;
import io.topictracker.api.ConfigTable;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code [transport.relay]} table: defaults, and bad values refused naming the key. */
class RelaySettingsTest {
    private static String refusal(Map<String, Object> values) {
        return assertThrows(ConfigException.class,
                () -> RelaySettings.from(ConfigTable.of("transport.relay", values))).getMessage();
    }

    @Test
    void defaultsServeNothingAndReserveWhenUnreachable() {
        RelaySettings settings = RelaySettings.from(ConfigTable.empty("transport.relay"));
        assertEquals(RelaySettings.Mode.OFF, settings.serve());
        assertEquals(RelaySettings.Mode.AUTO, settings.reserve());
        assertEquals(8, settings.limits().maxReservationsPerIp());
        assertEquals(64L * 1024 * 1024, settings.limits().circuitBytes());
    }

    @Test
    void badValuesNameTheirKey() {
        assertTrue(refusal(Map.of("serve", "sometimes")).contains("serve"));
        assertTrue(refusal(Map.of("relays", List.of("tcp://1.2.3.4:5"))).contains("not a relay address"));
        assertTrue(refusal(Map.of("relays", List.of("relay://nope"))).contains("relays"));
        assertTrue(refusal(Map.of("max_circuits_per_peer", 0L)).contains("max_circuits_per_peer"));
        assertTrue(refusal(Map.of("circuit_bytes", 1L)).contains("circuit_bytes"));
        assertTrue(refusal(Map.of("keep_alive_interval", "20s")).contains("keep_alive_interval"));
        assertTrue(refusal(Map.of("reservation", "1h")).contains("reservation"));
    }
}
