package io.topictracker.cli.command;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.topictracker.api.ConfigTable;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code chat --bootstrap}'s {@code [dht.mainline]} table. Issue 14: a chat bootstrapped from a node on another host
 * bound its DHT socket to 127.0.0.1 whatever {@code --config} said, so it could reach no one.
 */
class ChatDhtTableTest {
    private static final ConfigTable NONE = ConfigTable.empty("dht.mainline");

    @Test
    void aBootstrapNodeOnAnotherHostGetsAWildcardSocketThatCanReachIt() {
        ConfigTable table = ChatDhtTable.with(NONE, List.of("198.51.100.10:6881"));
        assertEquals("0.0.0.0", table.string("bind_address", null));
        assertEquals(0, table.integer("port", -1, 0, 65535));
        assertEquals(List.of("198.51.100.10:6881"), table.stringList("bootstrap", List.of()));
        assertEquals("0.0.0.0", ChatDhtTable.with(NONE, List.of("127.0.0.1:6881", "dht.example:6881"))
                .string("bind_address", null), "one node off loopback is enough");
    }

    @Test
    void loopbackBootstrapNodesKeepTheLoopbackSocket() {
        for (String node : List.of("127.0.0.1:6881", "127.0.0.2:1", "localhost:6881")) {
            assertEquals("127.0.0.1", ChatDhtTable.with(NONE, List.of(node)).string("bind_address", null), node);
        }
        assertEquals("::1", ChatDhtTable.with(NONE, List.of("[::1]:6881")).string("bind_address", null));
        assertEquals(List.of("127.0.0.1", "::1"), ChatDhtTable.with(NONE, List.of("[::1]:6881", "127.0.0.1:1"))
                .stringList("bind_addresses", List.of()));
    }

    @Test
    void ipv6BootstrapNodesGetAnIpv6SocketAndMixedOnesOneOfEachFamily() {
        assertEquals("::", ChatDhtTable.with(NONE, List.of("[2001:db8::10]:6881")).string("bind_address", null));
        ConfigTable both = ChatDhtTable.with(NONE, List.of("[2001:db8::10]:6881", "198.51.100.10:6881"));
        assertEquals(List.of("0.0.0.0", "::"), both.stringList("bind_addresses", List.of()));
        assertEquals(false, both.contains("bind_address"));
    }

    @Test
    void theConfigFilesBindAddressAndPortWinAndItsOtherKeysStay() {
        ConfigTable configured = ConfigTable.of("dht.mainline", Map.of("bind_address", "198.51.100.21",
                "port", 6881L, "enforce_bep42", true, "bootstrap", List.of("203.0.113.1:6881")));
        ConfigTable table = ChatDhtTable.with(configured, List.of("198.51.100.10:6881"));
        assertEquals("198.51.100.21", table.string("bind_address", null));
        assertEquals(6881, table.integer("port", -1, 0, 65535));
        assertEquals(true, table.bool("enforce_bep42", false));
        assertEquals(List.of("198.51.100.10:6881"), table.stringList("bootstrap", List.of()), "--bootstrap wins");
    }
}
