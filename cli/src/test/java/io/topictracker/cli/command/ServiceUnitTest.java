package io.topictracker.cli.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.topictracker.cli.support.CliContext;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * {@code docs/systemd/topic-tracker-dht.service} stays a unit that works with the command as built: its keys are
 * known ones, its stop timeout is above {@link DhtServeCommand#SHUTDOWN_BOUND}, and its ExecStart parses with the
 * real picocli spec of {@code dht serve} (so a renamed option fails here, not on someone's server). Where
 * {@code systemd-analyze} is installed, it verifies the unit too.
 */
class ServiceUnitTest {
    private static final Path REPOSITORY = Path.of(System.getProperty("cli.repositoryRoot"));
    private static final Path UNIT = REPOSITORY.resolve("docs/systemd/topic-tracker-dht.service");
    /** The install path the unit documents as a placeholder. */
    private static final String PLACEHOLDER_BINARY = "/opt/topic-tracker/topic-tracker";
    private static final Duration VERIFY_WAIT = Duration.ofSeconds(60);

    /** The keys this unit may use, per section: systemd's, spelled right (a typo is silently ignored by systemd). */
    private static final Map<String, Set<String>> KNOWN_KEYS = Map.of(
            "Unit", Set.of("Description", "Documentation", "Wants", "Requires", "After", "Before"),
            "Service", Set.of("ExecStart", "Type", "Environment", "DynamicUser", "User", "Group", "StateDirectory",
                    "WorkingDirectory", "Restart", "RestartSec", "KillSignal", "KillMode", "TimeoutStopSec",
                    "SuccessExitStatus", "NoNewPrivileges", "CapabilityBoundingSet", "AmbientCapabilities",
                    "ProtectSystem", "ProtectHome", "PrivateTmp", "PrivateDevices", "ProtectKernelTunables",
                    "ProtectKernelModules", "ProtectKernelLogs", "ProtectControlGroups", "ProtectClock",
                    "ProtectHostname", "RestrictAddressFamilies", "RestrictNamespaces", "RestrictRealtime",
                    "RestrictSUIDSGID", "LockPersonality", "SystemCallArchitectures"),
            "Install", Set.of("WantedBy"));

    /** A unit file: section name to its key=value lines in order (a key given twice keeps its values in order). */
    private record Unit(Map<String, Map<String, List<String>>> sections) {
        static Unit parse(List<String> lines) {
            Map<String, Map<String, List<String>>> sections = new LinkedHashMap<>();
            Map<String, List<String>> current = null;
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i).strip();
                String where = UNIT.getFileName() + ":" + (i + 1) + ": ";
                if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                    continue;
                }
                assertFalse(line.endsWith("\\"), where + "no continuation lines: this parser reads as systemd does");
                if (line.startsWith("[")) {
                    assertTrue(line.endsWith("]"), where + "a section header");
                    String name = line.substring(1, line.length() - 1);
                    assertFalse(sections.containsKey(name), where + "section [" + name + "] twice");
                    current = new LinkedHashMap<>();
                    sections.put(name, current);
                    continue;
                }
                assertTrue(current != null, where + "a key before any section");
                int eq = line.indexOf('=');
                assertTrue(eq > 0, where + "KEY=VALUE, got: " + line);
                current.computeIfAbsent(line.substring(0, eq).strip(), k -> new ArrayList<>())
                        .add(line.substring(eq + 1).strip());
            }
            return new Unit(sections);
        }

        /** @return the one value of {@code key} in {@code section}; fails if absent or given twice */
        String single(String section, String key) {
            List<String> values = sections.getOrDefault(section, Map.of()).get(key);
            assertTrue(values != null && values.size() == 1, "[" + section + "] " + key + " once, got " + values);
            return values.get(0);
        }
    }

    private static Unit unit() throws IOException {
        return Unit.parse(Files.readAllLines(UNIT, StandardCharsets.UTF_8));
    }

    @Test
    void theUnitHasItsSectionsAndOnlyKnownKeys() throws IOException {
        Unit unit = unit();
        assertEquals(List.of("Unit", "Service", "Install"), List.copyOf(unit.sections().keySet()));
        unit.sections().forEach((section, keys) -> {
            for (String key : keys.keySet()) {
                assertTrue(KNOWN_KEYS.get(section).contains(key), "unknown key [" + section + "] " + key);
            }
        });
    }

    @Test
    void theServiceRestartsOnFailureStopsBySigtermAndIsHardened() throws IOException {
        Unit unit = unit();
        Map<String, String> expected = Map.of("Restart", "on-failure", "KillSignal", "SIGTERM",
                "DynamicUser", "yes", "StateDirectory", "topic-tracker", "NoNewPrivileges", "yes",
                "ProtectSystem", "strict", "PrivateTmp", "yes");
        expected.forEach((key, value) -> assertEquals(value, unit.single("Service", key), key));
        assertEquals("multi-user.target", unit.single("Install", "WantedBy"));
    }

    /** systemd sends SIGKILL at TimeoutStopSec: it must leave the command time to hit its own bound first. */
    @Test
    void theStopTimeoutIsAboveTheCommandsShutdownBound() throws IOException {
        Duration stop = systemdSeconds(unit().single("Service", "TimeoutStopSec"));
        assertTrue(stop.compareTo(DhtServeCommand.SHUTDOWN_BOUND.plusSeconds(5)) >= 0,
                "TimeoutStopSec " + stop + " must be at least 5 s above the shutdown bound "
                        + DhtServeCommand.SHUTDOWN_BOUND);
    }

    @Test
    void execStartIsDhtServeWithOptionsTheCommandAccepts() throws IOException {
        Unit unit = unit();
        List<String> words = Arrays.asList(unit.single("Service", "ExecStart").split("\\s+"));
        assertEquals(PLACEHOLDER_BINARY, words.get(0), "the documented install path placeholder");
        for (String word : words) {
            assertFalse(word.contains("\"") || word.contains("'") || word.contains("$"),
                    "no quoting or variables, so splitting on spaces reads it as systemd does: " + word);
        }
        // %S is systemd's state directory root; it stands for a path, as it will at run time.
        String[] args = words.subList(1, words.size()).stream().map(w -> w.replace("%S", "/var/lib"))
                .toArray(String[]::new);

        StringWriter out = new StringWriter();
        CliContext context = new CliContext(new PrintWriter(out), new PrintWriter(out), new ByteArrayInputStream(
                new byte[0]), null);
        ParseResult parsed = Commands.commandLine(context).parseArgs(args); // throws on an unknown option or value
        ParseResult dht = parsed.subcommand();
        assertEquals("dht", dht.commandSpec().name());
        ParseResult serve = dht.subcommand();
        assertEquals("serve", serve.commandSpec().name());
        assertTrue(serve.commandSpec().userObject() instanceof DhtServeCommand);
        assertTrue(serve.unmatched().isEmpty(), "unmatched: " + serve.unmatched());

        // Under systemd standard input is /dev/null: --stop-on-eof would stop the service at once.
        assertFalse(serve.hasMatchedOption("--stop-on-eof"), "the service must not stop at end of input");
        assertFalse(serve.hasMatchedOption("--seconds"), "the service runs until stopped");
        int port = serve.matchedOptionValue("--port", DhtServeCommand.DEFAULT_PORT);
        assertTrue(port >= 1024 && port <= 65535, "a fixed unprivileged port (no capability is granted): " + port);
        Path table = serve.matchedOptionValue("--routing-table", (Path) null);
        assertEquals(Path.of("/var/lib", unit.single("Service", "StateDirectory")), table == null ? null
                : table.getParent(), "the routing table is kept in the unit's StateDirectory");
    }

    /**
     * {@code systemd-analyze verify} on a copy whose ExecStart names this checkout's launcher (it checks that the
     * binary exists and is executable). It reports problems on its output even when its status is 0, so the output
     * must be empty too. Skipped, and reported as skipped, where systemd-analyze is not installed.
     */
    @Test
    void systemdAnalyzeVerifiesTheUnit(@TempDir Path dir) throws Exception {
        Optional<Path> analyze = onPath("systemd-analyze");
        assumeTrue(analyze.isPresent(), "systemd-analyze is not installed; the unit is still checked by parsing");
        Path launcher = REPOSITORY.resolve("topic-tracker").toAbsolutePath().normalize();
        assertTrue(Files.isExecutable(launcher), launcher + " is executable");
        String text = Files.readString(UNIT);
        assertTrue(text.contains("ExecStart=" + PLACEHOLDER_BINARY + " "));
        Path copy = dir.resolve(UNIT.getFileName());
        Files.writeString(copy, text.replace("ExecStart=" + PLACEHOLDER_BINARY + " ", "ExecStart=" + launcher + " "));

        Path output = dir.resolve("verify.txt");
        Process verify = new ProcessBuilder(analyze.get().toString(), "verify", copy.toString())
                .redirectErrorStream(true).redirectOutput(output.toFile()).redirectInput(
                        ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        try {
            assertTrue(verify.waitFor(VERIFY_WAIT.toSeconds(), TimeUnit.SECONDS),
                    "systemd-analyze verify ended within " + VERIFY_WAIT);
            String said = Files.readString(output);
            assertEquals(0, verify.exitValue(), said);
            assertEquals("", said.strip(), "systemd-analyze verify reports nothing");
        } finally {
            if (verify.isAlive()) {
                verify.destroyForcibly();
                verify.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private static Optional<Path> onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        return Arrays.stream(path.split(java.io.File.pathSeparator)).filter(d -> !d.isEmpty())
                .map(d -> Path.of(d, program)).filter(Files::isExecutable).findFirst();
    }

    /** systemd's time span, in the forms this unit may use: {@code 30}, {@code 30s}, {@code 2min}. */
    private static Duration systemdSeconds(String value) {
        Matcher m = Pattern.compile("(\\d+)\\s*(s|sec|min)?").matcher(value);
        assertTrue(m.matches(), "a time span like 30s or 2min, got " + value);
        long n = Long.parseLong(m.group(1));
        return "min".equals(m.group(2)) ? Duration.ofMinutes(n) : Duration.ofSeconds(n);
    }
}
