package io.topictracker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code demo} started as the launcher starts it (module path only): the DHT defaults to a loopback mainline testnet;
 * with the QUIC provider and its native jar on the module path, the native library loads, the default transport is
 * {@code quic}, and every message reaches every other node over it (exit status 0). Delivery over QUIC used to be left
 * out here: frames a node sent on a connection it had just accepted went out ahead of the acceptance record, the
 * dialler closed the connection as a protocol violation, and runs lost deliveries (4 of 6 in one); fixed in
 * transport-quic (see its QuicTransportTest).
 */
class DemoProcessTest {
    @Test
    void onTheModulePathTheDemoDefaultsToQuicOnMainlineAndDeliversEveryMessage(@TempDir Path dir) throws Exception {
        try (CliProcess demo = CliProcess.start(dir, "demo", CliProcess.modulePath(),
                "demo", "--nodes", "3", "--timeout", "60s", "--json")) {
            int status = demo.awaitExit();
            String json = String.join("", demo.lines());
            assertTrue(json.contains("\"transport\":\"quic\",\"transport_choice\":\"default: quic is available\""),
                    demo::toString);
            assertTrue(json.contains("\"nodes\":3,\"joined\":3"), demo::toString);
            assertTrue(json.contains("\"expected_deliveries\":6,\"deliveries\":6,\"delivery_ratio\":1.0"),
                    demo::toString);
            assertTrue(json.contains("\"ok\":true"), demo::toString);
            assertEquals(0, status, demo::toString);
            assertFalse(demo.toString().contains("protocol violation"), demo::toString);
            assertTrue(json.contains("\"dht\":\"mainline\",\"dht_choice\":\"default: mainline is available\""),
                    demo::toString);
        }
    }
}
