package io.topictracker.engine.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.topictracker.api.metrics.Metrics;
import io.topictracker.engine.MeterRegistryMetrics;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class MicrometerBridgeTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final Metrics metrics = MeterRegistryMetrics.of(registry);

    @Test
    void countersWithTheSameNameAndTagsShareASeries() {
        metrics.counter("topictracker.test.events", "kind", "a").increment();
        metrics.counter("topictracker.test.events", "kind", "a").increment(4);
        metrics.counter("topictracker.test.events", "kind", "b").increment(-3); // ignored

        assertEquals(5, registry.get("topictracker.test.events").tag("kind", "a").counter().count());
        assertEquals(0, registry.get("topictracker.test.events").tag("kind", "b").counter().count());
    }

    @Test
    void timersRecordNanosAndDurations() {
        Metrics.Timer timer = metrics.timer("topictracker.test.duration", "operation", "get");
        timer.record(TimeUnit.MILLISECONDS.toNanos(3));
        timer.record(Duration.ofMillis(5));
        timer.record(-1); // ignored

        io.micrometer.core.instrument.Timer recorded = registry.get("topictracker.test.duration").timer();
        assertEquals(2, recorded.count());
        assertEquals(8, recorded.totalTime(TimeUnit.MILLISECONDS), 0.001);
    }

    @Test
    void aGaugeIsReadOnDemandAndRemovedWhenClosed() {
        double[] value = {2};
        Metrics.Registration gauge = metrics.gauge("topictracker.test.size", () -> value[0], "of", "things");
        value[0] = 7;
        assertEquals(7, registry.get("topictracker.test.size").gauge().value());

        Metrics.Registration second = metrics.gauge("topictracker.test.size", () -> 99, "of", "things");
        second.close(); // the registry kept the first; closing the second must not remove it
        assertEquals(7, registry.get("topictracker.test.size").gauge().value());

        gauge.close();
        gauge.close();
        assertTrue(registry.find("topictracker.test.size").gauges().isEmpty());
    }

    @Test
    void badNamesAndTagsAreRefusedByEveryImplementation() {
        for (Metrics each : new Metrics[] {metrics, Metrics.none()}) {
            assertThrows(IllegalArgumentException.class, () -> each.counter(""));
            assertThrows(IllegalArgumentException.class, () -> each.counter("x", "key"));
            assertThrows(IllegalArgumentException.class, () -> each.timer("x", "key", ""));
            assertThrows(IllegalArgumentException.class, () -> each.gauge("x", () -> 1, "key", null));
        }
    }

    @Test
    void noneRecordsNothingAndHandsOutSharedMeters() {
        Metrics none = Metrics.none();
        assertFalse(none.isEnabled());
        assertTrue(metrics.isEnabled());
        assertSame(none.counter("a"), none.counter("b", "k", "v"), "no meter is allocated per call");
        none.counter("a").increment();
        none.timer("t").record(5);
        none.gauge("g", () -> 1).close();
        assertTrue(registry.getMeters().isEmpty(), "none() never reaches a registry");
    }
}
