package io.topictracker.lab;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

/**
 * A long-running process inside a lab namespace ({@code ip netns exec NS command...}, which execs the command, so
 * {@link #pid()} is the command's own pid). Standard output is collected line by line by a daemon thread, standard
 * error goes to a file. Standard input is a pipe kept open until {@link #stop()}, so a command that ends at end of
 * input keeps running. Stopped by pid: SIGTERM, then SIGKILL if it has not exited within 10 s. Thread-safe.
 */
final class LabProcess {
    private final Process process;
    private final String label;
    private final Path stderr;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    /** When each line of {@link #lines} was read ({@link System#nanoTime()}), same index; appended before it. */
    private final List<Long> arrivals = new CopyOnWriteArrayList<>();

    private LabProcess(Process process, String label, Path stderr) {
        this.process = process;
        this.label = label;
        this.stderr = stderr;
        Thread reader = new Thread(this::readOutput, "lab-" + label + "-" + process.pid() + "-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    static LabProcess start(String namespace, String label, List<String> command, Path logDir) throws IOException {
        Path err = logDir.resolve(label + ".stderr.txt");
        List<String> full = new java.util.ArrayList<>(List.of("ip", "netns", "exec", namespace));
        full.addAll(command);
        Process process = new ProcessBuilder(full).redirectError(err.toFile()).start();
        return new LabProcess(process, label, err);
    }

    private void readOutput() {
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                arrivals.add(System.nanoTime());
                lines.add(line);
            }
        } catch (IOException e) {
            lines.add("<stdout read failed: " + e + ">");
        }
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** @return the first output line {@code match} takes, waiting at most {@code timeout}; fails with the output */
    String awaitLine(String what, Predicate<String> match, Duration timeout) {
        return lines.get(awaitLineIndex(0, what, match, timeout));
    }

    /**
     * @param from the first line index to look at (a {@link #lineCount()} taken earlier), at least 0
     * @return the index of the first output line at or after {@code from} that {@code match} takes, waiting at most
     *     {@code timeout}; fails with the output
     */
    int awaitLineIndex(int from, String what, Predicate<String> match, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            boolean alive = process.isAlive();
            for (int i = from; i < lines.size(); i++) {
                if (match.test(lines.get(i))) {
                    return i;
                }
            }
            if (!alive || System.nanoTime() >= deadline) {
                break; // exited without it (all its output read after): no use waiting out the timeout
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        throw new AssertionError("no " + what + " within " + timeout.toSeconds() + " s\n" + this);
    }

    /** @return how many output lines were read so far */
    int lineCount() {
        return lines.size();
    }

    /** @return output line {@code index} (from {@link #awaitLineIndex}) */
    String line(int index) {
        return lines.get(index);
    }

    /** @return when output line {@code index} was read, as {@link System#nanoTime()} */
    long arrivalNanos(int index) {
        return arrivals.get(index);
    }

    /** Writes {@code line} and a newline to the process's standard input, flushed; fails if it cannot. */
    void send(String line) {
        try {
            process.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
            process.getOutputStream().flush();
        } catch (IOException e) {
            throw new AssertionError("cannot write to " + label + "'s input: " + e + "\n" + this, e);
        }
    }

    /**
     * @return the first standard-error line {@code match} takes, waiting at most {@code timeout} (the file is read
     *     again every 100 ms); fails with the output
     */
    String awaitErrorLine(String what, Predicate<String> match, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            boolean alive = process.isAlive();
            try {
                if (Files.exists(stderr)) {
                    for (String line : Files.readAllLines(stderr)) {
                        if (match.test(line)) {
                            return line;
                        }
                    }
                }
            } catch (IOException e) {
                throw new AssertionError("cannot read " + stderr + ": " + e, e);
            }
            if (!alive) {
                break; // exited without it (and the file was read after): no use waiting out the timeout
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
        throw new AssertionError("no " + what + " within " + timeout.toSeconds() + " s\n" + this);
    }

    /** Stops the process by its pid (SIGTERM, then SIGKILL after 10 s); idempotent. */
    void stop() {
        try {
            if (process.isAlive()) {
                process.destroy();
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(10, TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            try {
                process.getOutputStream().close();
            } catch (IOException ignored) {
                // the process is gone; its pipe with it
            }
        }
    }

    @Override
    public String toString() {
        String err;
        try {
            err = Files.exists(stderr) ? Files.readString(stderr) : "";
        } catch (IOException e) {
            err = "<" + e + ">";
        }
        return label + " pid " + process.pid() + (process.isAlive() ? " (running)" : " (exit " + process.exitValue()
                + ")") + "\n--- stdout\n" + String.join("\n", lines) + "\n--- stderr\n" + err;
    }
}
