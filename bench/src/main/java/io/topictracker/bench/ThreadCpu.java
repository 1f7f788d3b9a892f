package io.topictracker.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * CPU time of this process's threads by kind (event loops, JIT compilers, GC, the benchmark's own thread, the rest),
 * read from Linux's {@code /proc/self/task/<tid>/schedstat} (nanoseconds on a CPU) and {@code comm} (the thread's
 * name, which the JVM also sets for its own native threads, unlike {@code ThreadMXBean}). Elsewhere it reads nothing
 * and reports empty snapshots. Stateless; a snapshot is an immutable map.
 */
final class ThreadCpu {
    private ThreadCpu() {}

    /** @return nanoseconds on a CPU so far per kind of thread (threads that ended are missing), never null */
    static Map<String, Long> snapshot() {
        Map<String, Long> byKind = new TreeMap<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path task : tasks) {
                try {
                    String name = Files.readString(task.resolve("comm")).strip();
                    String schedstat = Files.readString(task.resolve("schedstat")).strip();
                    long onCpu = Long.parseLong(schedstat.substring(0, schedstat.indexOf(' ')));
                    byKind.merge(kind(name), onCpu, Long::sum);
                } catch (IOException | RuntimeException ended) {
                    // the thread ended between listing and reading: it no longer counts
                }
            }
        } catch (IOException | RuntimeException noProcfs) {
            return Map.of();
        }
        return Map.copyOf(byKind);
    }

    /**
     * @return per thread name with peer ids and numbers masked ({@code tt-node-*-sched-#}): {nanoseconds on a CPU,
     *     times scheduled onto a CPU (a wake-up or a preemption), threads}, never null; empty without procfs
     */
    static Map<String, long[]> byName() {
        Map<String, long[]> byName = new TreeMap<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path task : tasks) {
                try {
                    String name = Files.readString(task.resolve("comm")).strip()
                            .replaceAll("[0-9a-f]{6,}", "*").replaceAll("[0-9]+", "#");
                    String[] schedstat = Files.readString(task.resolve("schedstat")).strip().split(" ");
                    long[] sum = byName.computeIfAbsent(name, k -> new long[3]);
                    sum[0] += Long.parseLong(schedstat[0]);
                    sum[1] += Long.parseLong(schedstat[2]);
                    sum[2]++;
                } catch (IOException | RuntimeException ended) {
                    // the thread ended between listing and reading: it no longer counts
                }
            }
        } catch (IOException | RuntimeException noProcfs) {
            return Map.of();
        }
        return byName;
    }

    /**
     * @return one line per thread name between two {@link #byName()} snapshots, largest CPU first: CPU ms and
     *     wake-ups per second of {@code seconds}, threads of that name
     */
    static String perSecondByName(Map<String, long[]> before, Map<String, long[]> after, double seconds) {
        StringBuilder out = new StringBuilder();
        after.entrySet().stream()
                .sorted((a, b) -> Long.compare(
                        b.getValue()[0] - before.getOrDefault(b.getKey(), new long[3])[0],
                        a.getValue()[0] - before.getOrDefault(a.getKey(), new long[3])[0]))
                .limit(12)
                .forEach(e -> {
                    long[] was = before.getOrDefault(e.getKey(), new long[3]);
                    out.append(String.format(Locale.ROOT, "  %-32s %8.1f ms/s %8.0f wake-ups/s %4d threads%n",
                            e.getKey(), (e.getValue()[0] - was[0]) / 1e6 / seconds,
                            (e.getValue()[1] - was[1]) / seconds, e.getValue()[2]));
                });
        return out.toString();
    }

    /** @return "kind a.bc ms, ..." per operation between two snapshots */
    static String perOperation(Map<String, Long> before, Map<String, Long> after, int operations) {
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, Long> e : new TreeMap<>(after).entrySet()) {
            long spent = e.getValue() - before.getOrDefault(e.getKey(), 0L);
            if (out.length() > 0) {
                out.append(", ");
            }
            out.append(String.format(Locale.ROOT, "%s %.2f ms", e.getKey(), spent / 1e6 / operations));
        }
        return out.length() == 0 ? "(no /proc/self/task)" : out.toString();
    }

    /**
     * @return "name: a.b wake-ups, c.d ms" per operation between two {@link #byName()} snapshots, for the names with
     *     the most wake-ups (at most 6); a wake-up is a time the thread was put on a CPU (woken or preempted)
     */
    static String wakeUpsPerOperation(Map<String, long[]> before, Map<String, long[]> after, int operations) {
        StringBuilder out = new StringBuilder();
        after.entrySet().stream()
                .sorted((a, b) -> Long.compare(
                        b.getValue()[1] - before.getOrDefault(b.getKey(), new long[3])[1],
                        a.getValue()[1] - before.getOrDefault(a.getKey(), new long[3])[1]))
                .limit(6)
                .forEach(e -> {
                    long[] was = before.getOrDefault(e.getKey(), new long[3]);
                    out.append(String.format(Locale.ROOT, "%s%s %.1f wake-ups, %.2f ms", out.length() > 0 ? "; " : "",
                            e.getKey(), (e.getValue()[1] - was[1]) / (double) operations,
                            (e.getValue()[0] - was[0]) / 1e6 / operations));
                });
        return out.toString();
    }

    private static String kind(String name) {
        if (name.startsWith("dht-testnet")) {
            return "event loops";
        }
        if (name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler")) {
            return "JIT";
        }
        if (name.startsWith("GC ") || name.startsWith("G1 ") || name.equals("VM Thread")) {
            return "GC+VM";
        }
        // the swarm's nodes: their executors and schedulers, transport event loops, the benchmark's event readers
        if (name.startsWith("tt-node-")) {
            return "node executors";
        }
        if (name.startsWith("tt-tcp") || name.startsWith("tt-quic") || name.startsWith("inmemory-")) {
            return "transport threads";
        }
        if (name.endsWith("-reader")) {
            return "event readers";
        }
        if (name.equals("main") || name.equals("java")) {
            return "caller";
        }
        return "other";
    }
}
