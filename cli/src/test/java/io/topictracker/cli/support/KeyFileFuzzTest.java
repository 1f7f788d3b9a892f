package io.topictracker.cli.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.topictracker.api.signing.SigningKeyPair;
import io.topictracker.api.signing.SigningProvider;
import io.topictracker.engine.provider.ProviderRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Fuzzes reading a key file ({@code chat --key}, written by {@code keygen}): {@link KeyFiles#read} on a file holding
 * the fuzzed bytes. Allowed outcomes: the key pair of the 32 raw bytes, or of 64 hex digits with white space around
 * them, and nothing else; or {@link IllegalArgumentException} with a one-line message naming the file, which the
 * command prints before exiting 2. Content is never echoed.
 *
 * <p>Seeds: {@code src/test/resources/io/topictracker/cli/support/KeyFileFuzzTestInputs/read/}.
 */
class KeyFileFuzzTest {
    private static final SigningProvider SIGNING =
            ProviderRegistry.discover().select(SigningProvider.class, Optional.empty());
    private static final Path FILE = tempFile();

    @FuzzTest(maxDuration = "20s")
    void read(byte[] content) throws IOException {
        Files.write(FILE, content);
        try {
            SigningKeyPair key = KeyFiles.read(FILE, SIGNING);
            byte[] seed = content.length == SigningProvider.SEED_LENGTH ? content
                    : HexFormat.of().parseHex(new String(content, StandardCharsets.US_ASCII).strip());
            assertEquals(SIGNING.fromSeed(seed).peerId(), key.peerId());
        } catch (IllegalArgumentException e) {
            String message = e.getMessage();
            assertTrue(message.startsWith(FILE.toString()), message);
            assertFalse(message.contains("\n"), message);
            assertTrue(message.length() <= FILE.toString().length() + 300, message);
        }
    }

    private static Path tempFile() {
        try {
            Path directory = Files.createTempDirectory("key-fuzz");
            directory.toFile().deleteOnExit();
            Path file = directory.resolve("node.key");
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
