package com.example.dirdht;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * The Topic Tracker demo runs to its end with this provider: {@code topic-tracker demo --dht dirdht --config
 * demo.toml}, started as the command's launcher starts it (module path only: the command's jars and this provider's
 * classes), four nodes on TCP over 127.0.0.1 meeting through the folder the configuration names.
 */
class DemoWithDirDhtTest {
    private static final long WAIT_SECONDS = 120;

    @Test
    void fourNodesMeetThroughTheFolderAndEveryMessageArrives(@TempDir Path dir) throws Exception {
        Path items = Files.createDirectory(dir.resolve("items"));
        Path config = Files.writeString(dir.resolve("demo.toml"),
                "[dht.dirdht]\ndirectory = \"" + items + "\"\n");
        List<String> modulePath = new ArrayList<>(List.of(Files.readString(
                Path.of(System.getProperty("demo.modulePathFile"))).strip().split(File.pathSeparator)));
        modulePath.add(System.getProperty("demo.classes"));
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--module-path", String.join(File.pathSeparator, modulePath), "--add-modules", "ALL-MODULE-PATH",
                "--module", "io.topictracker.cli/io.topictracker.cli.Main",
                "demo", "--dht", "dirdht", "--config", config.toString(), "--transport", "tcp", "--nodes", "4",
                "--timeout", "90s", "--json");
        Path out = dir.resolve("demo.out");
        Path err = dir.resolve("demo.err");
        Process demo = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            assertTrue(demo.waitFor(WAIT_SECONDS, TimeUnit.SECONDS), () -> "the demo (pid " + demo.pid()
                    + ") did not end within " + WAIT_SECONDS + " s\n" + text(out, err));
            String json = Files.readString(out);
            assertEquals(0, demo.exitValue(), () -> text(out, err));
            assertTrue(json.contains("\"ok\":true"), () -> text(out, err));
            assertTrue(json.contains("\"dht\":\"dirdht\",\"dht_choice\":\"chosen with --dht\""), () -> text(out, err));
            assertTrue(json.contains("\"nodes\":4,\"joined\":4"), () -> text(out, err));
            assertTrue(json.contains("\"expected_deliveries\":12,\"deliveries\":12"), () -> text(out, err));
            try (var left = Files.list(items)) {
                assertEquals(0, left.count(), "every node removed its folder when the demo closed it");
            }
        } finally {
            if (demo.isAlive()) {
                demo.destroyForcibly();
                demo.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private static String text(Path out, Path err) {
        try {
            return "--- stdout\n" + Files.readString(out) + "--- stderr\n" + Files.readString(err);
        } catch (IOException e) {
            return "<" + e + ">";
        }
    }
}
