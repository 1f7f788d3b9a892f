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
