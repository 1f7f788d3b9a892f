package io.topictracker.engine.config;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.topictracker.api.ConfigException;
import io.topictracker.engine.gossip.GossipConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fuzzes reading a node's configuration file as {@code --config} does: the bytes go to a file, then
 * {@link ConfigLoader#load} (size bound, UTF-8 check, {@link TomlNesting}, tomlj, every table and value of the node)
 * and {@link GossipConfig#from} for the {@code [gossip]} table. Allowed outcomes: a configuration, or a
 * {@link ConfigException} whose message is one line naming the file, so the command can print it and exit 2. A stack
 * overflow, another exception or a message that quotes the input at length is a finding.
 *
 * <p>Seeds: {@code src/test/resources/io/topictracker/engine/config/ConfigFileFuzzTestInputs/load/}.
 */
class ConfigFileFuzzTest {
    private static final Path FILE = tempFile();

    @FuzzTest(maxDuration = "20s")
    void load(byte[] content) throws IOException {
        Files.write(FILE, content);
        try {
            NodeConfig config = ConfigLoader.load(FILE);
            assertNotNull(GossipConfig.from(config.gossip()));
        } catch (ConfigException e) {
            String message = e.getMessage();
            assertTrue(message.startsWith("node.toml"), message);
            assertFalse(message.contains("\n") || message.contains("\r"), "one line: " + message);
            assertTrue(message.length() <= 1000, "a message of " + message.length() + " characters");
        }
    }

    private static Path tempFile() {
        try {
            Path directory = Files.createTempDirectory("config-fuzz");
            directory.toFile().deleteOnExit();
            Path file = directory.resolve("node.toml");
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
