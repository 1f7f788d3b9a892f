package io.topictracker.dht.mainline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.api.ConfigException;
import io.topictracker.api.ConfigTable;
import io.topictracker.dht.mainline.node.HostPort;
import io.topictracker.dht.mainline.node.MainlineSettings;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Bootstrap entries are checked in full when {@code [dht.mainline]} is read, not found wrong at start. */
class HostPortTest {
    @Test
    void namesIpv4AndBracketedIpv6() {
        assertEquals(new HostPort("router.example", 6881), HostPort.parse("router.example:6881"));
        assertEquals(new HostPort("127.0.0.1", 1), HostPort.parse("127.0.0.1:1"));
        assertEquals(new HostPort("::1", 65535), HostPort.parse("[::1]:65535"));
    }

    @Test
    void refusesWhatCannotBeSentTo() {
        for (String bad : List.of("127.0.0.1:99999", "127.0.0.1:0", ":6881", "127.0.0.1", "::1:6881", "[]:6881",
                "[zz]:6881", "host name:1", "127.0.0.1:", "127.0.0.1:-1", "127.0.0.1:123456")) {
            assertThrows(IllegalArgumentException.class, () -> HostPort.parse(bad), bad);
        }
    }

    @Test
    void theTableReaderNamesKeyAndLineAndQuotesOnlyAShortPrefix() {
        String huge = "h".repeat(3000) + ":1"; // under the string bound, over a host name's 253
        ConfigTable table = ConfigTable.of("dht.mainline", "node.toml",
                Map.of("bootstrap", List.of("127.0.0.1:6881", huge)), Map.of("bootstrap", 7));
        ConfigException e = assertThrows(ConfigException.class, () -> MainlineSettings.from(table));
        assertTrue(e.getMessage().startsWith("node.toml:7: dht.mainline.bootstrap: not a host name or IPv4 address"),
                e.getMessage());
        assertTrue(e.getMessage().length() < 300, e.getMessage());
    }
}
