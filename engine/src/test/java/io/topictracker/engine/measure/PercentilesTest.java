package io.topictracker.engine.measure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** Nearest rank, on the edges where the old copies disagreed (an empty set, one sample, p = 100). */
class PercentilesTest {
    @Test
    void nearestRankOfTenSamples() {
        Percentiles p = Percentiles.of(List.of(10, 1, 9, 2, 8, 3, 7, 4, 6, 5));
        assertEquals(OptionalDouble.of(5), p.at(50));
        assertEquals(OptionalDouble.of(9), p.at(90));
        assertEquals(OptionalDouble.of(10), p.at(99), "p99 of ten samples is the largest");
        assertEquals(OptionalDouble.of(10), p.at(100));
        assertEquals(OptionalDouble.of(1), p.at(1));
        assertEquals(10, p.count());
    }

    @Test
    void noSamplesHaveNoPercentileAndOneSampleIsEveryPercentile() {
        assertTrue(Percentiles.of(new long[0]).at(50).isEmpty());
        assertTrue(Double.isNaN(Percentiles.of(new double[0]).atOrNaN(99)));
        assertTrue(Double.isNaN(Percentiles.of(new double[0]).max()));
        assertEquals(OptionalDouble.of(7), Percentiles.of(new long[] {7}).at(1));
        assertEquals(OptionalDouble.of(7), Percentiles.of(new long[] {7}).at(100));
    }

    @Test
    void aPercentileOutsideZeroToHundredIsAnError() {
        Percentiles p = Percentiles.of(new double[] {1});
        assertThrows(IllegalArgumentException.class, () -> p.at(0));
        assertThrows(IllegalArgumentException.class, () -> p.at(100.5));
        assertThrows(IllegalArgumentException.class, () -> p.at(Double.NaN));
    }

    @Test
    void theInputIsCopied() {
        double[] samples = {3, 1, 2};
        Percentiles p = Percentiles.of(samples);
        samples[0] = 100;
        assertEquals(OptionalDouble.of(3), p.at(100));
    }
}
