package io.topictracker.dht.mainline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.api.ConfigException;
import io.topictracker.api.ConfigTable;
import io.topictracker.dht.mainline.node.MainlineSettings;
import io.topictracker.dht.mainline.node.PublicRoutersGuard;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The test suite runs with the guard on, so no test can reach the public routers, by default or by name. */
class PublicRoutersGuardTest {
    @Test
    void theGuardIsOnInTheTestSuite() {
        assertTrue(PublicRoutersGuard.active(), PublicRoutersGuard.VARIABLE
                + " must be set by the parent pom's surefire configuration");
    }

    @Test
    void withoutBootstrapTheDefaultPublicRoutersAreRefused() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> MainlineSettings.from(ConfigTable.empty("dht.mainline")));
        assertTrue(e.getMessage().contains("bootstrap") && e.getMessage().contains("public routers"),
                e.getMessage());
    }

    @Test
    void aNamedPublicRouterIsRefusedAndLoopbackNodesAreAllowed() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> MainlineSettings.from(ConfigTable.of("dht.mainline",
                Map.of("bootstrap", List.of("127.0.0.1:6881", "router.bittorrent.com:6881")))));
        assertTrue(e.getMessage().contains("\"router.bittorrent.com:6881\" is not a loopback address"),
                e.getMessage());
        List<String> loopback = List.of("127.0.0.1:6881", "localhost:6882", "[::1]:6883");
        assertEquals(loopback, MainlineSettings.from(ConfigTable.of("dht.mainline", Map.of("bootstrap", loopback)))
                .bootstrap());
    }

    /**
     * The network lab's hosts live in namespaces a test made, on documentation addresses (RFC 5737, RFC 3849) that
     * are never routed on the internet: those literals pass, and nothing else beyond loopback, not even a neighbour
     * of those ranges or a name (which could resolve anywhere).
     */
    @Test
    void literalsInTheDocumentationRangesAreAllowedForTheLabAndNothingElse() {
        List<String> lab = List.of("198.51.100.10:6881", "198.51.100.255:1", "203.0.113.7:6881",
                "[2001:db8::10]:6881", "[2001:db8:ffff:1::1]:6881", "[2001:0DB8::a]:6881", "[::ffff:203.0.113.9]:6881");
        assertNull(PublicRoutersGuard.problem(lab));
        assertEquals(lab, MainlineSettings.from(ConfigTable.of("dht.mainline", Map.of("bootstrap", lab))).bootstrap());

        for (String outside : List.of("198.51.101.10:6881", "198.51.10.1:6881", "203.0.112.7:6881",
                "192.0.2.1:6881", "8.8.8.8:6881", "10.0.0.1:6881", "198.51.100.256:6881", "[2001:db9::1]:6881",
                "[2001:d::1]:6881", "[2606:4700::1111]:6881", "[::ffff:8.8.8.8]:6881",
                "[2001:db8::1%eth0]:6881", "198.51.100.10.example:6881", "lab.example:6881")) {
            String problem = PublicRoutersGuard.problem(List.of("127.0.0.1:6881", outside));
            assertNotNull(problem, outside + " must be refused");
            assertTrue(problem.contains("\"" + outside + "\" is not a loopback address"), problem);
        }
    }

    @Test
    void theGuardIsOffUnlessTheVariableIsSetToSomething() {
        assertFalse(PublicRoutersGuard.active(Map.of()));
        assertFalse(PublicRoutersGuard.active(Map.of(PublicRoutersGuard.VARIABLE, "")));
        assertFalse(PublicRoutersGuard.active(Map.of(PublicRoutersGuard.VARIABLE, "0")));
        assertTrue(PublicRoutersGuard.active(Map.of(PublicRoutersGuard.VARIABLE, "1")));
    }
}
