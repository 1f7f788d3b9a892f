package io.topictracker.cli;

import io.topictracker.tck.Await;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The command run as its own process on the module path ({@code java --module-path <jars>:<classes> --module
 * io.topictracker.cli/io.topictracker.cli.Main ...}, no class path), as ./topic-tracker runs it. Standard output is
 * collected line by line by a reader thread, standard error goes to a file. Every wait is bounded; {@link #close()}
 * destroys the process by its handle if it is still alive.
 */
final class CliProcess implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(90);

    private final Process process;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Path stderr;
    private final Writer stdin;
    private final Thread reader;

    private CliProcess(Process process, Path stderr) {
        this.process = process;
        this.stderr = stderr;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        this.reader = new Thread(this::read, "cli-process-" + process.pid() + "-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    /** The module path the packaged command runs with: its run-time jars, providers included, and its classes. */
    static List<String> modulePath() throws IOException {
        List<String> entries = new ArrayList<>(List.of(
                Files.readString(Path.of(System.getProperty("cli.modulePathFile"))).strip().split(File.pathSeparator)));
        entries.add(System.getProperty("cli.classes"));
        return entries;
    }

    static CliProcess start(Path dir, String name, List<String> modulePath, String... args) throws IOException {
        return start(dir, name, modulePath, ProcessBuilder.Redirect.PIPE, args);
    }

    /** As {@link #start}, with standard input read from /dev/null: at its end from the first read, as a service's. */
    static CliProcess startWithoutInput(Path dir, String name, List<String> modulePath, String... args)
            throws IOException {
        return start(dir, name, modulePath, ProcessBuilder.Redirect.from(new File("/dev/null")), args);
    }

    private static CliProcess start(Path dir, String name, List<String> modulePath, ProcessBuilder.Redirect input,
            String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--module-path", String.join(File.pathSeparator, modulePath),
                "--add-modules", "ALL-MODULE-PATH", // as the launcher: resolves the native QUIC jar too
                "--module", "io.topictracker.cli/io.topictracker.cli.Main"));
        command.addAll(List.of(args));
        Path err = dir.resolve(name + ".stderr.txt");
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(err.toFile()).redirectInput(input);
        builder.environment().remove("CLASSPATH");
        builder.environment().remove("JDK_JAVA_OPTIONS");
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        return new CliProcess(builder.start(), err);
    }

    private void read() {
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                lines.add(line);
            }
        } catch (IOException e) {
            lines.add("<stdout read failed: " + e + ">");
        }
    }

    /** @return the first output line matching, waiting at most {@link #WAIT}; never null */
    String awaitLine(String what, Predicate<String> match) {
        Await.until(WAIT, what + "\n" + this, () -> lines.stream().anyMatch(match));
        return lines.stream().filter(match).findFirst().orElseThrow();
    }

    void send(String line) {
        try {
            stdin.write(line + "\n");
            stdin.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void closeInput() throws IOException {
        stdin.close();
    }

    /** Sends SIGTERM to the process by its handle ({@link Process#destroy()} is SIGTERM on Linux); does not wait. */
    void terminate() {
        process.destroy();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** @return what the process wrote to standard error so far, never null */
    String stderr() throws IOException {
        return Files.exists(stderr) ? Files.readString(stderr) : "";
    }

    /** @return the exit status, waiting at most {@link #WAIT} */
    int awaitExit() throws InterruptedException {
        if (!process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)) {
            throw new AssertionError("pid " + process.pid() + " did not exit within " + WAIT.toSeconds() + " s\n"
                    + this);
        }
        reader.join(TimeUnit.SECONDS.toMillis(10));
        return process.exitValue();
    }

    /** @return what the process wrote to standard error so far, never null */
    String stderrText() {
        try {
            return Files.exists(stderr) ? Files.readString(stderr) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    List<String> lines() {
        return List.copyOf(lines);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
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
        return "pid " + process.pid() + (process.isAlive() ? " (running)" : " (exit " + process.exitValue() + ")")
                + "\n--- stdout\n" + String.join("\n", lines) + "\n--- stderr\n" + err;
    }
}
