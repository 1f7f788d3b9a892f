package io.topictracker.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.api.signing.SigningProvider;
import io.topictracker.cli.support.ExitCode;
import io.topictracker.cli.support.KeyFiles;
import io.topictracker.engine.provider.ProviderRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeygenTest {
    private static final Pattern JSON = Pattern.compile("\\{\"peer_id\":\"([0-9a-f]{64})\",\"key_file\":\"(.*)\"}");

    @Test
    void writesAKeyThatLoadsBackToThePrintedPeerIdAndRefusesToOverwrite(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("node.key");
        CliRun run = CliRun.of("keygen", "--out", file.toString(), "--json");
        assertEquals(ExitCode.OK, run.status(), run::toString);
        Matcher json = JSON.matcher(run.out().strip());
        assertTrue(json.matches(), run::toString);

        SigningProvider signing = ProviderRegistry.discover().select(SigningProvider.class, Optional.empty());
        assertEquals(json.group(1), KeyFiles.read(file, signing).peerId().toString());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        // The engine's [node] key_file format: the raw 32-byte seed.
        assertEquals(32, Files.size(file));

        byte[] before = Files.readAllBytes(file);
        CliRun again = CliRun.of("keygen", "--out", file.toString());
        assertEquals(ExitCode.USAGE, again.status(), again::toString);
        assertTrue(again.err().contains("already exists; pass --force to replace it"), again::toString);
        assertArrayEquals(before, Files.readAllBytes(file));

        CliRun forced = CliRun.of("keygen", "--out", file.toString(), "--force");
        assertEquals(ExitCode.OK, forced.status(), forced::toString);
        String peerLine = forced.out().lines().filter(l -> l.startsWith("peer id: ")).findFirst().orElseThrow();
        assertEquals(peerLine.substring("peer id: ".length()), KeyFiles.read(file, signing).peerId().toString());
    }

    @Test
    void anUnknownSigningProviderIsExitStatusThree(@TempDir Path dir) {
        CliRun run = CliRun.of("keygen", "--out", dir.resolve("k").toString(), "--signing", "nope");
        assertEquals(ExitCode.PROVIDER_MISSING, run.status(), run::toString);
        assertTrue(run.err().contains("no signing provider 'nope'; available: [ed25519-bc]"), run::toString);
    }
}
