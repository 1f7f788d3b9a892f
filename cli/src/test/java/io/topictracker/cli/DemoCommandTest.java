package io.topictracker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.api.dht.Dht;
import io.topictracker.api.dht.DhtContext;
import io.topictracker.api.dht.DhtProvider;
import io.topictracker.cli.support.ExitCode;
import io.topictracker.engine.provider.ProviderRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code demo --nodes 4 --json} in this JVM and reads its one-line JSON summary. The in-memory transport keeps
 * it lean on shared CI cores; the TCP path is exercised by {@link ChatProcessesTest}.
 */
class DemoCommandTest {
    /** {@code --dht inmemory} still selects the in-process DHT: no testnet is started. */
    @Test
    void fourNodesOverTheInProcessDhtWhenChosen() {
        CliRun run = CliRun.of("demo", "--dht", "inmemory", "--nodes", "4", "--transport", "inmemory",
                "--timeout", "90s", "--json");

        assertEquals(ExitCode.OK, run.status(), run::toString);
        assertTrue(run.out().contains("\"dht\":\"inmemory\",\"dht_choice\":\"chosen with --dht\""), run::toString);
        assertTrue(run.err().contains("in-process DHT"), run::toString);
        assertFalse(run.err().contains("mainline testnet"), run::toString);
    }

    /**
     * A DHT provider of an id the demo has never heard of, chosen in {@code --config}'s {@code [node]} table and
     * configured by its own {@code [dht.<id>]} table from the same file: here the in-process DHT registered under
     * another name, whose table names the network its nodes share. (The examples build runs the demo with a real
     * third-party provider, examples/dirdht.)
     */
    @Test
    void anyDhtProviderFoundRunsTheDemoWithItsTableFromConfig(@TempDir Path dir) throws IOException {
        DhtProvider inMemory = ServiceLoader.load(DhtProvider.class).stream().map(ServiceLoader.Provider::get)
                .filter(p -> p.id().equals("inmemory")).findFirst().orElseThrow();
        ProviderRegistry registry = ProviderRegistry.builder().discover(getClass().getClassLoader())
                .register(new Renamed("borrowed", inMemory)).build();
        Path config = Files.writeString(dir.resolve("demo.toml"), "[node]\ndht = \"borrowed\"\n\n"
                + "[dht.borrowed]\nnetwork = \"demo-test-" + System.nanoTime() + "\"\nreplicas = 16\n");

        CliRun run = CliRun.with(registry, "demo", "--nodes", "4", "--transport", "inmemory", "--config",
                config.toString(), "--timeout", "90s", "--json");

        assertEquals(ExitCode.OK, run.status(), run::toString);
        assertTrue(run.out().contains("\"dht\":\"borrowed\",\"dht_choice\":\"chosen with --config ([node] dht)\""),
                run::toString);
        assertTrue(run.out().contains("\"delivery_ratio\":1.0"), run::toString);
        assertTrue(run.err().contains("DHT 'borrowed'"), run::toString);

        // The table reaches the provider unread by the demo: the provider's own error names the file and line.
        Files.writeString(config, "[node]\ndht = \"borrowed\"\n\n[dht.borrowed]\nnetwrk = \"x\"\n");
        CliRun typo = CliRun.with(registry, "demo", "--nodes", "2", "--transport", "inmemory", "--config",
                config.toString());
        assertEquals(ExitCode.USAGE, typo.status(), typo::toString);
        assertTrue(typo.err().contains("demo.toml:5: dht.borrowed.netwrk: unknown key"), typo::toString);
    }

    /** Another provider's DHT under a new id: the id is all the demo sees. */
    private record Renamed(String id, DhtProvider inner) implements DhtProvider {
        @Override
        public Dht create(DhtContext context) {
            return inner.create(context);
        }
    }

    /**
     * By default the demo's nodes meet over a loopback mainline testnet (4 plain DHT nodes on 127.0.0.1 started
     * through the SPI), mainline being on this test's path.
     */
    @Test
    void fourNodesJoinAndEveryMessageReachesEveryOtherNode() {
        CliRun run = CliRun.of("demo", "--nodes", "4", "--transport", "inmemory", "--timeout", "90s", "--json");

        assertEquals(ExitCode.OK, run.status(), run::toString);
        String json = run.out().strip();
        assertEquals(1, json.lines().count(), "one JSON object on standard output: " + run);
        for (String expected : new String[] {"\"ok\":true", "\"transport\":\"inmemory\"",
                "\"transport_choice\":\"chosen with --transport\"",
                "\"dht\":\"mainline\",\"dht_choice\":\"default: mainline is available\"", "\"nodes\":4", "\"joined\":4",
                "\"overlay_connected\":true", "\"messages\":4", "\"expected_deliveries\":12", "\"deliveries\":12",
                "\"delivery_ratio\":1.0", "\"join_ms\":{\"p50\":", "\"broadcast_latency_ms\":{\"p50\":"}) {
            assertTrue(json.contains(expected), () -> "expected " + expected + " in " + run);
        }
        // Progress went to standard error, so a script reading standard output gets the JSON alone.
        assertTrue(run.err().contains("joined  4/4"), run::toString);
        assertTrue(run.err().contains("demo: loopback mainline testnet of 4 DHT nodes, first at 127.0.0.1:"),
                run::toString);
    }
}
