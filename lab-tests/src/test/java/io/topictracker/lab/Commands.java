package io.topictracker.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs short commands ({@code ip ...}) to completion with a bounded wait. Output goes to temporary files (deleted
 * afterwards), so a command that writes a lot can never block on a full pipe. Stateless and thread-safe.
 */
final class Commands {
    /** Long enough for any {@code ip} call on a loaded machine; a command still running then is killed. */
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    /** What a finished command printed; {@code output} is standard output and error, in that order. */
    record Result(List<String> command, int status, String output) {
        boolean ok() {
            return status == 0;
        }
    }

    private Commands() {}

    /** @return the result, whatever the exit status; fails if the command cannot start or outlives the timeout */
    static Result run(Duration timeout, List<String> command) {
        Path out = null;
        Path err = null;
        try {
            out = Files.createTempFile("lab-cmd", ".out");
            err = Files.createTempFile("lab-cmd", ".err");
            Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
                throw new IllegalStateException("timed out after " + timeout.toSeconds() + " s: " + command);
            }
            return new Result(List.copyOf(command), process.exitValue(), Files.readString(out) + Files.readString(err));
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command, e);
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    /** @return the command's output; fails, with the command and its output, unless it exits 0 */
    static String check(String... command) {
        Result result = run(DEFAULT_TIMEOUT, List.of(command));
        if (!result.ok()) {
            throw new IllegalStateException("exit " + result.status() + ": " + String.join(" ", command) + "\n"
                    + result.output().strip());
        }
        return result.output();
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a temporary file left behind is harmless
            }
        }
    }
}
