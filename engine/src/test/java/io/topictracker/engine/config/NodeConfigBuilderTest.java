package io.topictracker.engine.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.topictracker.api.ConfigException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NodeConfigBuilderTest {
    @Test
    void anEmptyBuilderGivesTheDefaults() {
        ConfigLoaderTest.assertSameSettings(NodeConfig.defaults(), NodeConfig.builder().build());
    }

    @Test
    void theBuilderSetsTheSameKeysAsTheFile() {
        NodeConfig built = NodeConfig.builder()
                .keyFile(Path.of("node.key"))
                .dhtProvider("mainline")
                .transports(List.of("tcp"))
                .set("bootstrap.discovery_poll_interval", Duration.ofMillis(1500))
                .set("max_join_peer_count", 2)
                .set("merge.bubble.enabled", false)
                .set("transport.tcp.port", 4000)
                .build();
        NodeConfig parsed = ConfigLoader.parse("""
                max_join_peer_count = 2
                [node]
                key_file = "node.key"
                dht = "mainline"
                transports = ["tcp"]
                [bootstrap]
                discovery_poll_interval = "1500ms"
                [merge.bubble]
                enabled = false
                """, "node.toml");

        assertEquals(parsed.bootstrap(), built.bootstrap());
        assertEquals(parsed.providers(), built.providers());
        assertEquals(parsed.merge(), built.merge());
        assertEquals(parsed.keyFile(), built.keyFile());
        assertEquals(2, built.maxJoinPeerCount());
        assertEquals(4000, built.providerTables().transport("tcp").integer("port", 0, 1, 65535));
    }

    @Test
    void builderErrorsNameTheKey() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> NodeConfig.builder().set("dht.retries", "many").build());

        assertEquals("<builder>: dht.retries: expected an integer, got string \"many\"", e.getMessage());
    }

    @Test
    void sectionsGivenAsRecordsReplaceTheDefaultsAndAreRangeChecked() {
        DhtCallConfig fast = new DhtCallConfig(0, Duration.ofMillis(10), Duration.ZERO, Duration.ofSeconds(1),
                Duration.ofSeconds(1));

        assertEquals(fast, NodeConfig.builder().dhtCalls(fast).build().dhtCalls());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new TimeoutConfig(Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(1)));
        assertEquals("timeouts.join_peer_timeout: expected 1ms to 10m, got 0s", e.getMessage());
        assertEquals(Optional.empty(), NodeConfig.builder().build().providers().signing());
    }
}
