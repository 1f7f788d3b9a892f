package io.topictracker.engine.gossip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.api.ConfigException;
import io.topictracker.api.ConfigTable;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GossipConfigTest {
    @Test
    void defaultsAreIrohGossips() {
        GossipConfig c = GossipConfig.from(ConfigTable.empty("gossip"));
        assertEquals(GossipConfig.defaults(), c);
        assertEquals(5, c.activeViewCapacity());
        assertEquals(30, c.passiveViewCapacity());
        assertEquals(6, c.activeRandomWalkLength());
        assertEquals(3, c.passiveRandomWalkLength());
        assertEquals(6, c.shuffleRandomWalkLength());
        assertEquals(3, c.shuffleActiveViewCount());
        assertEquals(4, c.shufflePassiveViewCount());
        assertEquals(Duration.ofSeconds(60), c.shuffleInterval());
        assertEquals(Duration.ofMillis(500), c.neighborRequestTimeout());
        assertEquals(Duration.ofMillis(80), c.graftTimeout1());
        assertEquals(Duration.ofMillis(40), c.graftTimeout2());
        assertEquals(Duration.ofMillis(5), c.dispatchTimeout());
        assertEquals(7, c.optimizationThreshold());
        assertEquals(Duration.ofSeconds(30), c.messageCacheRetention());
        assertEquals(Duration.ofSeconds(90), c.messageIdRetention());
        assertEquals(4096, c.maxMessageSize());
        assertTrue(c.verifySignatures());
    }

    @Test
    void snakeCaseKeysAreRead() {
        GossipConfig c = GossipConfig.from(ConfigTable.of("gossip", Map.of("active_view_capacity", 8L,
                "shuffle_interval", "10s", "graft_timeout_1", "100ms", "max_message_size", 65536L,
                "verify_signatures", false)));
        assertEquals(8, c.activeViewCapacity());
        assertEquals(Duration.ofSeconds(10), c.shuffleInterval());
        assertEquals(Duration.ofMillis(100), c.graftTimeout1());
        assertEquals(65536, c.maxMessageSize());
        assertFalse(c.verifySignatures());
    }

    @Test
    void theLearntGraftWaitIsBoundedAroundGraftTimeout1() {
        GossipConfig d = GossipConfig.defaults();
        assertEquals(Duration.ofMillis(80), d.graftTimeoutMin(), "fixed by default");
        assertEquals(Duration.ofMillis(80), d.graftTimeoutMax(), "fixed by default");
        GossipConfig longer = GossipConfig.from(ConfigTable.of("gossip", Map.of("graft_timeout_1", "300ms")));
        assertEquals(Duration.ofMillis(300), longer.graftTimeoutMin(), "the default bounds follow graft_timeout_1");
        assertEquals(Duration.ofMillis(300), longer.graftTimeoutMax(), "the default bounds follow graft_timeout_1");
        GossipConfig learnt = GossipConfig.from(ConfigTable.of("gossip", Map.of("graft_timeout_min", "20ms")));
        assertEquals(Duration.ofMillis(20), learnt.graftTimeoutMin());
        assertEquals(Duration.ofMillis(80), learnt.graftTimeoutMax());
        assertEquals("gossip.graft_timeout_min", assertThrows(ConfigException.class, () -> GossipConfig.from(
                ConfigTable.of("gossip", Map.of("graft_timeout_min", "90ms")))).key());
        assertEquals("gossip.graft_timeout_max", assertThrows(ConfigException.class, () -> GossipConfig.from(
                ConfigTable.of("gossip", Map.of("graft_timeout_max", "50ms")))).key());
        assertThrows(IllegalArgumentException.class,
                () -> d.withGraftTimeoutBounds(Duration.ofMillis(100), Duration.ofMillis(200)));
    }

    @Test
    void thePruneGraceIsASecondByDefaultZeroTurnsItOffAndAMinuteIsTheMost() {
        assertEquals(Duration.ofSeconds(1), GossipConfig.defaults().pruneGrace());
        assertEquals(Duration.ZERO,
                GossipConfig.from(ConfigTable.of("gossip", Map.of("prune_grace", "0s"))).pruneGrace());
        assertEquals(Duration.ofMillis(250),
                GossipConfig.from(ConfigTable.of("gossip", Map.of("prune_grace", "250ms"))).pruneGrace());
        assertEquals("gossip.prune_grace", assertThrows(ConfigException.class, () -> GossipConfig.from(
                ConfigTable.of("gossip", Map.of("prune_grace", "2min")))).key());
        assertThrows(IllegalArgumentException.class,
                () -> GossipConfig.defaults().withPruneGrace(Duration.ofMillis(-1)));
    }

    @Test
    void anUnknownKeyIsAnErrorNamingIt() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> GossipConfig.from(ConfigTable.of("gossip", Map.of("active_view_size", 5L))));
        assertEquals("gossip.active_view_size", e.key());
    }

    @Test
    void badValuesAreErrorsNamingTheKey() {
        assertEquals("gossip.active_view_capacity", assertThrows(ConfigException.class, () -> GossipConfig.from(
                ConfigTable.of("gossip", Map.of("active_view_capacity", 0L)))).key());
        assertEquals("gossip.passive_random_walk_length", assertThrows(ConfigException.class,
                () -> GossipConfig.from(ConfigTable.of("gossip", Map.of("passive_random_walk_length", 7L))))
                .key());
        assertEquals("gossip.dispatch_timeout", assertThrows(ConfigException.class, () -> GossipConfig.from(
                ConfigTable.of("gossip", Map.of("dispatch_timeout", "soon")))).key());
    }
}
