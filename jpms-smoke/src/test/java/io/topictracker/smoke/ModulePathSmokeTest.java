package io.topictracker.smoke;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Starts {@link ListProviders} with {@code java --module-path ... --module ...} and no class path, as Netty's
 * {@code testsuite-jpms} does, and checks what it finds: this proves the {@code provides}/{@code uses} clauses,
 * which the class-path unit tests never exercise.
 */
class ModulePathSmokeTest {
    private static final long TIMEOUT_SECONDS = 120;

    @Test
    void theProgramOnTheModulePathFindsEveryProviderModule(@TempDir Path dir)
            throws IOException, InterruptedException {
        String modulePath = Files.readString(Path.of(System.getProperty("smoke.modulePathFile"))).strip()
                + File.pathSeparator + System.getProperty("smoke.classes");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = List.of(java.toString(), "--module-path", modulePath,
                "--module", "io.topictracker.smoke/io.topictracker.smoke.ListProviders");
        Path out = dir.resolve("stdout.txt");
        Path err = dir.resolve("stderr.txt");
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().remove("CLASSPATH");
        builder.environment().remove("JDK_JAVA_OPTIONS");
        builder.environment().remove("JAVA_TOOL_OPTIONS");

        Process process = builder.start();
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            fail("the smoke program (pid " + process.pid() + ") did not finish within " + TIMEOUT_SECONDS + " s");
        }
        String stdout = Files.readString(out);
        String stderr = Files.readString(err);

        assertEquals(0, process.exitValue(), "exit status; stderr:\n" + stderr);
        List<String> lines = new ArrayList<>(stdout.lines().toList());
        assertTrue(lines.contains("module io.topictracker.smoke"), stdout);
        assertTrue(lines.contains("module io.topictracker.engine"), stdout);
        assertTrue(lines.contains("config dht inmemory"), stdout);
        List<String> providers = lines.stream().filter(l -> l.startsWith("provider ")).sorted().toList();
        // Every provider module on the module path, found through its `provides` clause alone.
        assertEquals(List.of(
                "provider dht inmemory io.topictracker.dht.inmemory",
                "provider dht mainline io.topictracker.dht.mainline",
                "provider signing ed25519-bc io.topictracker.signing.bc",
                "provider transports inmemory io.topictracker.transport.inmemory",
                "provider transports quic io.topictracker.transport.quic",
                "provider transports tcp io.topictracker.transport.tcp"), providers, stdout);
        assertTrue(lines.stream().noneMatch(l -> l.startsWith("problem ")), stdout);
        // The registry logs one line per provider with id, module and version.
        assertTrue(stderr.contains("found signing provider 'ed25519-bc' in module io.topictracker.signing.bc version"),
                stderr);
    }
}
