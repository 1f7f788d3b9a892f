package io.topictracker.lab;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ICMP echo between lab hosts with {@code labnet.py ping} (the machine has no {@code ping} command): a raw socket on
 * the source host sends {@code count} echo requests {@code interval} apart and waits up to 2 s for the last replies.
 *
 * @param sent echo requests sent
 * @param received replies received
 * @param minMillis the smallest round trip, NaN if none came back
 * @param medianMillis the median round trip, NaN if none came back
 * @param maxMillis the largest round trip, NaN if none came back
 */
record LabPing(int sent, int received, double minMillis, double medianMillis, double maxMillis) {
    private static final Pattern SUMMARY = Pattern.compile(
            "ping sent=(\\d+) received=(\\d+) min_ms=(\\S+) median_ms=(\\S+) max_ms=(\\S+)");

    /** Runs it on {@code from} to {@code to}'s address; fails with the output if it does not finish. */
    static LabPing run(NetLab lab, LabHost from, String to, int count, Duration interval) {
        Duration bound = interval.multipliedBy(count).plusSeconds(30);
        Commands.Result result = lab.run(from, bound, List.of("/usr/bin/python3", ImpairedSwitch.script(), "ping",
                "--count", String.valueOf(count), "--interval-ms", String.valueOf(interval.toMillis()),
                from.ipv4(), to));
        for (String line : result.output().lines().toList()) {
            Matcher m = SUMMARY.matcher(line);
            if (result.ok() && m.matches()) {
                return new LabPing(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                        Double.parseDouble(m.group(3)), Double.parseDouble(m.group(4)), Double.parseDouble(m.group(5)));
            }
        }
        throw new AssertionError("no ping summary (exit " + result.status() + "):\n" + result.output());
    }

    double lossRatio() {
        return 1.0 - (double) received / sent;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%d/%d replies, rtt min %.2f median %.2f max %.2f ms", received, sent,
                minMillis, medianMillis, maxMillis);
    }
}
