package io.topictracker.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.function.Predicate;

/**
 * What the lab's measurement runs ({@code *Measurements}, for BENCHMARKS.md) share: the report file, nearest-rank
 * percentiles, the millisecond format and the time from a chat's {@code self:} line to a line it awaits. Stateless.
 */
final class LabFigures {
    /** Where each run appends its figures, one line each, relative to the module's folder. */
    static final Path REPORT = Path.of("target", "lab-measurements.txt");

    private LabFigures() {}

    /** Prints {@code line} (prefixed {@code lab-measurement: }) and appends it to {@link #REPORT}. */
    static void report(String line) {
        System.out.println("lab-measurement: " + line);
        try {
            Files.writeString(REPORT, line + System.lineSeparator(), StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new AssertionError("cannot append to " + REPORT + ": " + e, e);
        }
    }

    /**
     * The nearest-rank percentile, as the engine's {@code Percentiles} computes it (the smallest sample with at least
     * p % of the samples at or below it), so lab figures mean what the demo's and the benchmarks' do.
     *
     * @param samples not null, in any order, possibly empty
     * @param p in (0, 100]
     * @return the percentile; empty when there are no samples
     */
    static OptionalLong percentile(List<Long> samples, double p) {
        if (!(p > 0 && p <= 100)) {
            throw new IllegalArgumentException("percentile must be in (0, 100], got " + p);
        }
        if (samples.isEmpty()) {
            return OptionalLong.empty();
        }
        List<Long> sorted = samples.stream().sorted().toList();
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return OptionalLong.of(sorted.get(Math.max(0, rank - 1)));
    }

    /** @return {@code nanos} as whole milliseconds, e.g. {@code 412 ms}, or {@code n/a} when empty */
    static String millis(OptionalLong nanos) {
        return nanos.isPresent() ? millis(nanos.getAsLong()) : "n/a";
    }

    /** @return {@code nanos} as whole milliseconds, e.g. {@code 412 ms} */
    static String millis(long nanos) {
        return String.format(Locale.ROOT, "%.0f ms", nanos / 1e6);
    }

    /**
     * Waits for a chat's {@code self:} line (its node started), then for the first later line {@code awaited}
     * matches.
     *
     * @param chat a chat process, not null
     * @param what the awaited line, for the failure message
     * @param within how long to wait for the awaited line once the self line arrived
     * @return nanoseconds from the self line's arrival to the awaited line's
     * @throws AssertionError if either line does not arrive in time
     */
    static long selfLineTo(LabProcess chat, String what, Predicate<String> awaited, Duration within) {
        int self = chat.awaitLineIndex(0, "the self line", l -> l.startsWith("self: "), Cli.READY);
        int seen = chat.awaitLineIndex(self, what, awaited, within);
        return chat.arrivalNanos(seen) - chat.arrivalNanos(self);
    }
}
