package io.topictracker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.cli.support.ExitCode;
import org.junit.jupiter.api.Test;

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
