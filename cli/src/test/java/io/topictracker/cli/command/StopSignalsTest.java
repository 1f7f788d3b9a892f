package io.topictracker.cli.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Stop requests as the command sees them (real signals are sent to real processes in DhtServeLifecycleTest, not to
 * the test JVM).
 */
class StopSignalsTest {
    @Test
    void theFirstReasonIsKeptAndALimitPassingGivesNull() throws InterruptedException {
        try (StopSignals stop = StopSignals.install()) {
            assertNull(stop.await(Duration.ofMillis(50)), "no request yet: the limit passes");
            stop.request("end of input");
            stop.request("SIGTERM");
            assertEquals("end of input", stop.await(null));
        }
    }
}
