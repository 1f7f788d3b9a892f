package io.topictracker.dht.mainline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

    @Test
    void theGuardIsOffUnlessTheVariableIsSetToSomething() {
        assertFalse(PublicRoutersGuard.active(Map.of()));
        assertFalse(PublicRoutersGuard.active(Map.of(PublicRoutersGuard.VARIABLE, "")));
        assertFalse(PublicRoutersGuard.active(Map.of(PublicRoutersGuard.VARIABLE, "0")));
        assertTrue(PublicRoutersGuard.active(Map.of(PublicRoutersGuard.VARIABLE, "1")));
    }
}
