package io.topictracker.engine.measure;

import java.util.Arrays;
import java.util.Collection;
import java.util.OptionalDouble;

/**
 * Nearest-rank percentiles of a set of samples (the p-th percentile is the smallest sample with at least p% of the
 * samples at or below it). The one percentile helper of the project: the demo's summary, the simulator's reports and
 * the benchmarks all use it, so they agree on what "p99" means, and none of them invents a value for no samples.
 *
 * <p>Immutable and thread-safe; it copies and sorts what it is given (O(n log n) once, O(1) per query).
 */
public final class Percentiles {
    private final double[] sorted;

    private Percentiles(double[] sorted) {
        this.sorted = sorted;
    }

    /** @param samples not null, possibly empty, no null element; copied */
    public static Percentiles of(Collection<? extends Number> samples) {
        return ofSorted(samples.stream().mapToDouble(Number::doubleValue).toArray());
    }

    /** @param samples not null, possibly empty; copied */
    public static Percentiles of(double[] samples) {
        return ofSorted(samples.clone());
    }

    /** @param samples not null, possibly empty; copied */
    public static Percentiles of(long[] samples) {
        return ofSorted(Arrays.stream(samples).asDoubleStream().toArray());
    }

    private static Percentiles ofSorted(double[] values) {
        Arrays.sort(values);
        return new Percentiles(values);
    }

    /**
     * @param p in (0, 100]
     * @return the smallest sample with at least p% of the samples at or below it; empty when there are no samples
     * @throws IllegalArgumentException for p outside (0, 100]
     */
    public OptionalDouble at(double p) {
        if (!(p > 0 && p <= 100)) {
            throw new IllegalArgumentException("percentile must be in (0, 100], got " + p);
        }
        if (sorted.length == 0) {
            return OptionalDouble.empty();
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return OptionalDouble.of(sorted[Math.max(0, rank - 1)]);
    }

    /**
     * @param p in (0, 100]
     * @return {@link #at(double)}, or {@link Double#NaN} when there are no samples (for tables that print "NaN")
     */
    public double atOrNaN(double p) {
        return at(p).orElse(Double.NaN);
    }

    /** @return the largest sample, or NaN when there are none */
    public double max() {
        return sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1];
    }

    /** @return how many samples there are */
    public int count() {
        return sorted.length;
    }
}
