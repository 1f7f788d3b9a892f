package com.example.dirdht;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.api.ConfigException;
import io.topictracker.api.ConfigTable;
import io.topictracker.api.dht.Dht;
import io.topictracker.api.dht.DhtContext;
import io.topictracker.api.dht.MutableItem;
import io.topictracker.api.dht.MutableQuery;
import io.topictracker.api.signing.SigningKeyPair;
import io.topictracker.tck.Await;
import io.topictracker.tck.TestSigning;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The provider's own table ({@code [dht.dirdht]}): its errors, and what it does to the shared folder. */
class DirDhtProviderTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

    @TempDir
    Path directory;

    @AfterEach
    void stopScheduler() {
        scheduler.shutdownNow();
    }

    /** A context whose table was read from node.toml, each key present on line 7. */
    private DhtContext context(Map<String, Object> table) {
        Map<String, Integer> lines = new java.util.HashMap<>();
        table.keySet().forEach(key -> lines.put(key, 7));
        return new DhtContext(ConfigTable.of("dht.dirdht", "node.toml", table, lines), TestSigning.provider(),
                Clock.systemUTC(), scheduler);
    }

    private ConfigException refused(Map<String, Object> table) {
        return assertThrows(ConfigException.class, () -> new DirDhtProvider().create(context(table)));
    }

    @Test
    void theIdIsDirdhtAndTheClassPathDeclarationNamesTheProvider() throws IOException {
        assertEquals("dirdht", new DirDhtProvider().id());
        try (InputStream services = getClass().getResourceAsStream(
                "/META-INF/services/io.topictracker.api.dht.DhtProvider")) {
            assertEquals(DirDhtProvider.class.getName(), new String(services.readAllBytes(), StandardCharsets.UTF_8)
                    .strip());
        }
    }

    @Test
    void theDirectoryIsRequiredAndMustExist() {
        assertEquals("node.toml: dht.dirdht.directory: required: the folder the nodes share, e.g. directory = "
                + "\"/srv/dirdht\"", refused(Map.of()).getMessage());
        Path missing = directory.resolve("missing");
        assertEquals("node.toml:7: dht.dirdht.directory: " + missing + " is not a folder (it must exist: dirdht "
                + "creates only its nodes' folders inside it)",
                refused(Map.of("directory", missing.toString())).getMessage());
    }

    @Test
    void unknownKeysAndOutOfRangeLifetimesAreRefusedByName() {
        assertTrue(refused(Map.of("directory", directory.toString(), "folder", "x")).getMessage().startsWith(
                "node.toml:7: dht.dirdht.folder: unknown key; known keys here: [directory, item_lifetime]"));
        assertTrue(refused(Map.of("directory", directory.toString(), "item_lifetime", "200h")).getMessage()
                .startsWith("node.toml:7: dht.dirdht.item_lifetime: expected 1s to 168h, got 200h"));
    }

    @Test
    void createMakesNothingStartMakesTheNodesFolderAndCloseRemovesIt() throws IOException {
        Dht dht = new DirDhtProvider().create(context(Map.of("directory", directory.toString())));
        assertEquals(List.of(), list(directory), "create() makes nothing");
        Await.result(dht.start(), WAIT);
        List<Path> folders = list(directory);
        assertEquals(1, folders.size(), folders.toString());
        assertTrue(folders.get(0).getFileName().toString().matches("node-[0-9a-f]{16}"), folders.toString());

        SigningKeyPair key = TestSigning.provider().generate();
        MutableItem item = MutableItem.sign(key, new byte[0], 3, "v".getBytes(StandardCharsets.UTF_8));
        Await.result(dht.putMutable(item), WAIT);
        assertEquals(List.of(folders.get(0).resolve(ItemFile.name(item.target()))), list(folders.get(0)));

        dht.close();
        assertEquals(List.of(), list(directory), "close() removes the node's folder");
    }

    @Test
    void aFileThatIsNotAValidItemIsNotDelivered() throws IOException {
        Dht reader = new DirDhtProvider().create(context(Map.of("directory", directory.toString())));
        Await.result(reader.start(), WAIT);
        SigningKeyPair key = TestSigning.provider().generate();
        MutableItem item = MutableItem.sign(key, new byte[0], 1, "v".getBytes(StandardCharsets.UTF_8));
        byte[] forged = ItemFile.encode(item);
        forged[forged.length - 1] ^= 1; // the value no longer matches its signature
        Path stranger = Files.createDirectory(directory.resolve("node-0000000000000000"));
        Files.write(stranger.resolve(ItemFile.name(item.target())), forged);

        List<MutableItem> found = new CopyOnWriteArrayList<>();
        Await.result(reader.getMutable(MutableQuery.of(key.publicKey(), new byte[0], OptionalLong.empty(), WAIT),
                found::add), WAIT);
        assertEquals(List.of(), found);
        reader.close();
    }

    private static List<Path> list(Path folder) throws IOException {
        try (var entries = Files.list(folder)) {
            return entries.sorted().toList();
        }
    }
}
