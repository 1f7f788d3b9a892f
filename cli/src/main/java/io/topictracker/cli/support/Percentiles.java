package io.topictracker.cli.support;

import java.util.Arrays;
import java.util.Collection;
import java.util.OptionalDouble;

/**
 * Nearest-rank percentiles of a set of durations in milliseconds, for the demo's summary. Immutable.
 */
public final class Percentiles {
    private final double[] sorted;

    private Percentiles(double[] sorted) {
        this.sorted = sorted;
    }

    /** @param millis the samples, not null, possibly empty; copied */
    public static Percentiles of(Collection<Double> millis) {
        double[] values = millis.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(values);
        return new Percentiles(values);
    }

    /**
     * @param p in (0, 100]
     * @return the smallest sample with at least p% of samples at or below it; empty when there are no samples
     */
    public OptionalDouble at(double p) {
        if (p <= 0 || p > 100) {
            throw new IllegalArgumentException("percentile must be in (0, 100], got " + p);
        }
        if (sorted.length == 0) {
            return OptionalDouble.empty();
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return OptionalDouble.of(sorted[Math.max(0, rank - 1)]);
    }

    /** @return how many samples there are */
    public int count() {
        return sorted.length;
    }
}
