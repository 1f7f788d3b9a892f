package io.topictracker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.cli.support.ExitCode;
import org.junit.jupiter.api.Test;

/**
 * Runs {@code demo --nodes 4 --json} in this JVM and reads its one-line JSON summary. The in-memory transport keeps
 * it lean on shared CI cores; the TCP path is exercised by {@link ChatProcessesTest}.
 */
class DemoCommandTest {
    /** The demo's nodes over a loopback mainline testnet (4 plain DHT nodes on 127.0.0.1 started through the SPI). */
    @Test
    void fourNodesOverALoopbackMainlineTestnet() {
        CliRun run = CliRun.of("demo", "--dht", "mainline", "--nodes", "4", "--transport", "inmemory",
                "--timeout", "90s", "--json");

        assertEquals(ExitCode.OK, run.status(), run::toString);
        assertTrue(run.err().contains("demo: loopback mainline testnet of 4 DHT nodes, first at 127.0.0.1:"),
                run::toString);
        assertTrue(run.err().contains("loopback mainline DHT"), run::toString);
    }

    @Test
    void fourNodesJoinAndEveryMessageReachesEveryOtherNode() {
        CliRun run = CliRun.of("demo", "--nodes", "4", "--transport", "inmemory", "--timeout", "90s", "--json");

        assertEquals(ExitCode.OK, run.status(), run::toString);
        String json = run.out().strip();
        assertEquals(1, json.lines().count(), "one JSON object on standard output: " + run);
        for (String expected : new String[] {"\"ok\":true", "\"transport\":\"inmemory\"",
                "\"transport_choice\":\"chosen with --transport\"", "\"nodes\":4", "\"joined\":4",
                "\"overlay_connected\":true", "\"messages\":4", "\"expected_deliveries\":12", "\"deliveries\":12",
                "\"delivery_ratio\":1.0", "\"join_ms\":{\"p50\":", "\"broadcast_latency_ms\":{\"p50\":"}) {
            assertTrue(json.contains(expected), () -> "expected " + expected + " in " + run);
        }
        // Progress went to standard error, so a script reading standard output gets the JSON alone.
        assertTrue(run.err().contains("joined  4/4"), run::toString);
    }
}
