package io.topictracker.engine.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.api.ConfigException;
import io.topictracker.engine.gossip.GossipConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    private static final String FULL = """
            max_join_peer_count = 6

            [node]
            key_file = "node.key"
            signing = "ed25519-bc"
            dht = "mainline"
            transports = ["quic", "tcp"]

            [dht]
            retries = 1
            base_retry_interval = "250ms"
            max_retry_jitter = "0s"
            get_timeout = "3s"
            put_timeout = "4s"

            [dht.mainline]
            port = 6881
            bootstrap = ["127.0.0.1:7000"]

            [bootstrap]
            max_bootstrap_records = 7
            publish_record_on_startup = false
            check_older_records_first_on_startup = true
            discovery_poll_interval = "1500ms"
            no_peers_retry_interval = "2s"
            per_peer_join_settle_time = "50ms"
            join_confirmation_wait_time = "1s"

            [publisher]
            enabled = false
            initial_delay = "1s"
            base_interval = "2s"
            max_jitter = "3s"
            fail_topic_creation_on_publishing_startup_failure = false

            [merge.bubble]
            enabled = false
            min_neighbors = 3
            initial_delay = "5s"
            base_interval = "6s"
            max_jitter = "7s"
            max_join_peers = 1
            fail_topic_creation_on_merge_startup_failure = false

            [merge.message_overlap]
            initial_delay = "8s"
            base_interval = "9s"
            max_jitter = "10s"
            max_join_peers = 3

            [timeouts]
            join_peer_timeout = "1s"
            broadcast_neighbors_timeout = "2s"
            broadcast_timeout = "3s"

            [gossip]
            active_view = 5

            [transport.tcp]
            port = 70000

            [signing.ed25519-bc]
            """;

    @Test
    void defaultsAreTheRustCratesDefaults() {
        NodeConfig config = ConfigLoader.parse("", "empty.toml");

        assertSameSettings(NodeConfig.defaults(), config);
        assertTrue(config.gossip().keys().isEmpty());
        assertEquals(ProviderTables.none(), config.providerTables());
        DhtCallConfig dht = config.dhtCalls();
        assertEquals(3, dht.retries());
        assertEquals(Duration.ofSeconds(5), dht.baseRetryInterval());
        assertEquals(Duration.ofSeconds(10), dht.maxRetryJitter());
        assertEquals(Duration.ofSeconds(10), dht.getTimeout());
        assertEquals(Duration.ofSeconds(10), dht.putTimeout());
        BootstrapConfig bootstrap = config.bootstrap();
        assertEquals(5, bootstrap.maxBootstrapRecords());
        assertTrue(bootstrap.publishRecordOnStartup());
        assertFalse(bootstrap.checkOlderRecordsFirstOnStartup());
        assertEquals(Duration.ofMillis(2000), bootstrap.discoveryPollInterval());
        assertEquals(Duration.ofMillis(1500), bootstrap.noPeersRetryInterval());
        assertEquals(Duration.ofMillis(100), bootstrap.perPeerJoinSettleTime());
        assertEquals(Duration.ofMillis(500), bootstrap.joinConfirmationWaitTime());
        assertEquals(4, config.maxJoinPeerCount());
        assertEquals(new PublisherConfig(true, Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(50),
                true), config.publisher());
        assertEquals(new BubbleMergeConfig(true, 4, Duration.ofSeconds(30), Duration.ofSeconds(60),
                Duration.ofSeconds(120), 2, true), config.merge().bubble());
        assertEquals(new MessageOverlapMergeConfig(true, Duration.ofSeconds(30), Duration.ofSeconds(60),
                Duration.ofSeconds(120), 2, true), config.merge().messageOverlap());
        Duration five = Duration.ofSeconds(5);
        assertEquals(new TimeoutConfig(five, five, five), config.timeouts());
        assertEquals(ProviderSelection.defaults(), config.providers());
        assertEquals(Optional.empty(), config.keyFile());
    }

    /** Compares every typed section; ConfigTable (gossip, provider tables) has no value equality. */
    static void assertSameSettings(NodeConfig expected, NodeConfig actual) {
        assertEquals(expected.keyFile(), actual.keyFile());
        assertEquals(expected.providers(), actual.providers());
        assertEquals(expected.dhtCalls(), actual.dhtCalls());
        assertEquals(expected.bootstrap(), actual.bootstrap());
        assertEquals(expected.maxJoinPeerCount(), actual.maxJoinPeerCount());
        assertEquals(expected.publisher(), actual.publisher());
        assertEquals(expected.merge(), actual.merge());
        assertEquals(expected.timeouts(), actual.timeouts());
    }

    @Test
    void everyKeyIsRead() {
        NodeConfig config = ConfigLoader.parse(FULL, "node.toml");

        assertEquals(Optional.of(Path.of("node.key")), config.keyFile());
        assertEquals(new ProviderSelection(Optional.of("ed25519-bc"), Optional.of("mainline"), List.of("quic", "tcp")),
                config.providers());
        assertEquals(new DhtCallConfig(1, Duration.ofMillis(250), Duration.ZERO, Duration.ofSeconds(3),
                Duration.ofSeconds(4)), config.dhtCalls());
        assertEquals(new BootstrapConfig(7, false, true, Duration.ofMillis(1500), Duration.ofSeconds(2),
                Duration.ofMillis(50), Duration.ofSeconds(1)), config.bootstrap());
        assertEquals(6, config.maxJoinPeerCount());
        assertEquals(new PublisherConfig(false, Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(3),
                false), config.publisher());
        assertEquals(new BubbleMergeConfig(false, 3, Duration.ofSeconds(5), Duration.ofSeconds(6),
                Duration.ofSeconds(7), 1, false), config.merge().bubble());
        assertEquals(new MessageOverlapMergeConfig(true, Duration.ofSeconds(8), Duration.ofSeconds(9),
                Duration.ofSeconds(10), 3, true), config.merge().messageOverlap());
        assertEquals(new TimeoutConfig(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(3)),
                config.timeouts());
        assertEquals(5, config.gossip().integer("active_view", 0, 0, 100));
        assertEquals("gossip", config.gossip().path());
        assertEquals(6881, config.providerTables().dht("mainline").integer("port", 0, 0, 65535));
        assertEquals(List.of("127.0.0.1:7000"),
                config.providerTables().dht("mainline").stringList("bootstrap", List.of()));
        assertTrue(config.providerTables().signing().containsKey("ed25519-bc"));
        assertTrue(config.providerTables().transport("quic").keys().isEmpty());
    }

    @Test
    void aProviderReadingItsOwnTableReportsKeyAndLineInTheSameFormat() {
        NodeConfig config = ConfigLoader.parse(FULL, "node.toml");

        ConfigException e = assertThrows(ConfigException.class,
                () -> config.providerTables().transport("tcp").integer("port", 0, 0, 65535));
        assertEquals("node.toml:60: transport.tcp.port: expected 0 to 65535, got 70000", e.getMessage());
    }

    @Test
    void anUnknownKeyIsNamedWithItsLine() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse("""
                [bootstrap]
                max_bootstrap_records = 5
                discovery_pol_interval = "2s"
                """, "node.toml"));

        assertEquals("bootstrap.discovery_pol_interval", e.key());
        assertEquals(OptionalInt.of(3), e.line());
        assertTrue(e.getMessage().startsWith("node.toml:3: bootstrap.discovery_pol_interval: unknown key; known keys"
                + " here: [check_older_records_first_on_startup, discovery_poll_interval,"), e.getMessage());
    }

    /** Found by ConfigFileFuzzTest: a 120-character unknown key plus [gossip]'s 30-odd allowed keys made 1,033. */
    @Test
    void aLongUnknownKeyIsShortenedSoTheMessageStaysWithinItsBound() {
        String key = "active_vie" + "q".repeat(110) + "w_capacity";
        NodeConfig config = ConfigLoader.parse("[gossip]\n" + key + " = 0\n", "node.toml");
        ConfigException e = assertThrows(ConfigException.class, () -> GossipConfig.from(config.gossip()));

        assertEquals("gossip." + key, e.key(), "the exception keeps the whole key");
        assertTrue(e.getMessage().startsWith("node.toml:2: gossip.active_vie"), e.getMessage());
        int more = ("gossip." + key).length() - 64;
        assertTrue(e.getMessage().contains("... (" + more + " more characters): unknown key; known"
                + " keys here: [active_random_walk_length,"), e.getMessage());
        assertTrue(e.getMessage().length() <= 1000, e.getMessage().length() + " characters");
    }

    @Test
    void anUnknownTopLevelTableIsNamed() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.parse("\n[bootsrap]\nretries = 1\n", "node.toml"));

        assertTrue(e.getMessage().startsWith("node.toml:2: bootsrap: unknown key"), e.getMessage());
    }

    @Test
    void aWrongTypeIsNamedWithItsLine() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.parse("[dht]\nretries = \"3\"\n", "node.toml"));

        assertEquals("node.toml:2: dht.retries: expected an integer, got string \"3\"", e.getMessage());
    }

    @Test
    void aBadDurationIsNamedWithItsLine() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.parse("[bootstrap]\n\ndiscovery_poll_interval = \"2 seconds\"\n", "node.toml"));

        assertEquals("node.toml:3: bootstrap.discovery_poll_interval: not a duration: \"2 seconds\" (expected digits"
                + " and a unit ms, s, m or h, e.g. \"1500ms\")", e.getMessage());
    }

    @Test
    void aDurationWithoutQuotesIsAWrongType() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.parse("[timeouts]\nbroadcast_timeout = 5\n", "node.toml"));

        assertEquals("node.toml:2: timeouts.broadcast_timeout: expected a duration string such as \"1500ms\" or"
                + " \"10s\", got long 5", e.getMessage());
    }

    @Test
    void anOutOfRangeValueIsNamedWithItsLine() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.parse("max_join_peer_count = 0\n", "node.toml"));
        assertEquals("node.toml:1: max_join_peer_count: expected 1 to 64, got 0", e.getMessage());

        ConfigException interval = assertThrows(ConfigException.class,
                () -> ConfigLoader.parse("[merge.bubble]\nbase_interval = \"500ms\"\n", "node.toml"));
        assertEquals("node.toml:2: merge.bubble.base_interval: expected 1s to 1h, got 500ms", interval.getMessage());
    }

    @Test
    void aProviderKnobThatIsNotATableIsAnUnknownKey() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.parse("[dht]\nretires = 2\n", "node.toml"));

        assertTrue(e.getMessage().startsWith("node.toml:2: dht.retires: unknown key"), e.getMessage());
    }

    @Test
    void aBadEscapeInAQuotedTableKeyIsASyntaxErrorWithItsLine() {
        // tomlj throws this one instead of returning it in its result (a fuzzing finding)
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.parse("[node]\n[\"a\\\u0003\"]\n", "node.toml"));

        assertEquals(OptionalInt.of(2), e.line());
        assertTrue(e.getMessage().startsWith("node.toml:2: invalid TOML: "), e.getMessage());
        assertFalse(e.getMessage().chars().anyMatch(Character::isISOControl), "no control character quoted");
    }

    @Test
    void aSyntaxErrorNamesItsLine() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.parse("[node]\ndht = \"mainline\n", "node.toml"));

        assertEquals(OptionalInt.of(2), e.line());
        assertTrue(e.getMessage().startsWith("node.toml:2: invalid TOML: "), e.getMessage());
    }

    @Test
    void aFileIsReadAndNamedInMessages(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("my-node.toml");
        Files.writeString(file, "[node]\ndht = \"inmemory\"\n[publisher]\nenabled = \"yes\"\n");

        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file));
        assertEquals("my-node.toml:4: publisher.enabled: expected true or false, got string \"yes\"", e.getMessage());

        Files.writeString(file, "[node]\ndht = \"inmemory\"\n");
        assertEquals(Optional.of("inmemory"), ConfigLoader.load(file).providers().dht());
    }
}
