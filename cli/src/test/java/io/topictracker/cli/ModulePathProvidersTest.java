package io.topictracker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.cli.support.ExitCode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** On the module path, {@code --help} lists the providers present, and a provider whose jar is left out is gone. */
class ModulePathProvidersTest {
    @Test
    void droppingAProviderJarRemovesItFromHelp(@TempDir Path dir) throws Exception {
        List<String> full = CliProcess.modulePath();
        List<String> withoutInMemoryTransport = full.stream()
                .filter(entry -> !Path.of(entry).getFileName().toString().contains("transport-inmemory")).toList();
        assertEquals(full.size() - 1, withoutInMemoryTransport.size(), () -> "one entry removed from " + full);

        try (CliProcess help = CliProcess.start(dir, "help", withoutInMemoryTransport, "--help")) {
            assertEquals(ExitCode.OK, help.awaitExit(), help::toString);
            List<String> lines = help.lines();
            assertTrue(lines.stream().anyMatch(l -> l.matches("  transport +tcp +io\\.topictracker\\.transport\\.tcp .*")),
                    help::toString);
            assertTrue(lines.stream().anyMatch(l -> l.matches("  dht +inmemory +io\\.topictracker\\.dht\\.inmemory .*")),
                    help::toString);
            assertFalse(lines.stream().anyMatch(l -> l.contains("io.topictracker.transport.inmemory")),
                    help::toString);
        }
        try (CliProcess providers = CliProcess.start(dir, "providers", full, "providers", "--json")) {
            assertEquals(ExitCode.OK, providers.awaitExit(), providers::toString);
            String json = String.join("", providers.lines());
            assertTrue(json.contains("{\"kind\":\"transport\",\"id\":\"inmemory\","
                    + "\"module\":\"io.topictracker.transport.inmemory\""), providers::toString);
            assertTrue(json.endsWith("\"problems\":[]}"), providers::toString);
        }
    }
}
