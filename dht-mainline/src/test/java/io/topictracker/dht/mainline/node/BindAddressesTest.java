package io.topictracker.dht.mainline.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.api.ConfigException;
import io.topictracker.api.ConfigTable;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which UDP sockets (one per family, BEP32) {@code [dht.mainline]} asks for, and its errors for bad values. */
class BindAddressesTest {
    private static MainlineSettings read(Map<String, ?> values) {
        return MainlineSettings.from(ConfigTable.of("dht.mainline", values));
    }

    private static List<String> binds(Map<String, ?> values) {
        return read(values).sockets().stream().map(NodeSocket::bindAddress).toList();
    }

    @Test
    void theTestSuiteDefaultsTo127001OnlyAndTheOlderKeyGivesOneSocketOfEitherFamily() {
        // the build sets TOPIC_TRACKER_DHT_LOOPBACK_ONLY for every test run
        assertEquals(List.of("127.0.0.1"), binds(Map.of("bootstrap", List.of())));
        assertEquals(List.of("::1"), binds(Map.of("bootstrap", List.of(), "bind_address", "::1")));
    }

    @Test
    void aRealNodeDefaultsToBothWildcardsTheIpv6OneOptional() {
        assertEquals(List.of(new NodeSocket("0.0.0.0", "t", false), new NodeSocket("::", "t.ipv6", true)),
                MainlineSettings.sockets(ConfigTable.of("dht.mainline", Map.of()), "t", false));
    }

    @Test
    void bindAddressesGivesOneSocketPerFamilyAndTheIpv6TableItsOwnFile() {
        MainlineSettings settings = read(Map.of("bootstrap", List.of(), "bind_addresses", List.of("0.0.0.0", "::"),
                "routing_table_file", "/tmp/table"));
        assertEquals(List.of(new NodeSocket("0.0.0.0", "/tmp/table", false),
                new NodeSocket("::", "/tmp/table.ipv6", false)), settings.sockets());
        assertEquals(List.of("::1"), binds(Map.of("bootstrap", List.of(), "bind_addresses", List.of("::1"))));
    }

    @Test
    void badBindAddressesAreConfigurationErrorsSayingWhatIsWrong() {
        assertError(Map.of("bind_addresses", List.of("127.0.0.1", "127.0.0.2")), "at most one address per family");
        assertError(Map.of("bind_addresses", List.of("::1", "::")), "two IPv6 addresses");
        assertError(Map.of("bind_addresses", List.of()), "one or two IP literals");
        assertError(Map.of("bind_addresses", List.of("0.0.0.0", "::", "::1")), "got 3 entries");
        assertError(Map.of("bind_addresses", List.of("localhost")), "no host names");
        assertError(Map.of("bind_addresses", List.of("[::1]")), "IPv6 without brackets");
        assertError(Map.of("bind_addresses", List.of("300.1.1.1")), "IPv4 or IPv6 literal");
        assertError(Map.of("bind_addresses", List.of("::ffff:127.0.0.1")), "IPv4 or IPv6 literal");
        assertError(Map.of("bind_addresses", List.of("::1"), "bind_address", "::1"), "not both");
        assertError(Map.of("bind_address", " "), "expected the local IP address");
    }

    private static void assertError(Map<String, Object> values, String says) {
        Map<String, Object> withBootstrap = new java.util.HashMap<>(values);
        withBootstrap.put("bootstrap", List.of());
        ConfigException e = assertThrows(ConfigException.class, () -> read(withBootstrap));
        assertTrue(e.getMessage().contains(says), e.getMessage());
        assertTrue(e.getMessage().contains("bind_address"), e.getMessage());
    }

    @Test
    void familiesOfLiteralsNeverResolveNames() {
        assertEquals(Boolean.FALSE, NodeSocket.familyOfLiteral("198.51.100.1"));
        assertEquals(Boolean.TRUE, NodeSocket.familyOfLiteral("2001:db8::1"));
        assertEquals(Boolean.TRUE, NodeSocket.familyOfLiteral("::"));
        assertNull(NodeSocket.familyOfLiteral("example.org"));
        assertNull(NodeSocket.familyOfLiteral(":::"));
        assertNull(NodeSocket.familyOfLiteral("1.2.3"));
    }
}
