package io.topictracker.hygiene;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The build reads nothing outside the repository: no source or script names the shared folder beside the checkout
 * or an absolute work/home path (see {@link OutsidePaths}); and the check itself finds what it must.
 */
class RepositoryPathsTest {
    private static final Path ROOT = Path.of(System.getProperty("repository.root")).toAbsolutePath().normalize();

    @Test
    void noSourceOrScriptNamesAPathOutsideTheRepository() throws Exception {
        assertTrue(Files.isRegularFile(ROOT.resolve("pom.xml")) && Files.isRegularFile(ROOT.resolve("topic-tracker")),
                "repository.root is the repository: " + ROOT);
        List<OutsidePaths.Finding> findings = OutsidePaths.scan(ROOT);
        assertEquals("", String.join("\n", findings.stream().map(Object::toString).toList()));
    }

    @Test
    void theCheckFindsEachKindOfOutsidePathInAFixture() throws Exception {
        // The fixture is a .txt file, which the check does not scan, so the bad paths in it do not fail the build.
        // Each line: the match expected (empty: none) | the text checked.
        List<String> lines;
        try (var in = RepositoryPathsTest.class.getResourceAsStream("/hygiene/outside-paths-fixture.txt")) {
            lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("{UP}", "..").lines()
                    .filter(l -> !l.startsWith("#")).toList();
        }
        assertEquals(5, lines.size());
        for (String line : lines) {
            String expected = line.substring(0, line.indexOf(" | "));
            String text = line.substring(line.indexOf(" | ") + 3);
            List<String> found = OutsidePaths.findIn("fixture", text).stream().map(OutsidePaths.Finding::match)
                    .toList();
            assertEquals(expected.isEmpty() ? List.of() : List.of(expected), found, text);
        }
    }

    @Test
    void sourcesAndScriptsAreScannedDocumentationAndFuzzInputsAreNot() {
        for (String path : List.of("pom.xml", "cli/src/main/java/A.java", "bench/x.py", "a/b.sh", "c.toml",
                "d.properties", "topic-tracker", ".ci/run")) {
            assertTrue(OutsidePaths.scanned(path), path);
        }
        for (String path : List.of("README.md", "lab-tests/notes.txt", "run",
                "engine/src/test/resources/io/topictracker/engine/config/ConfigFileFuzzTestInputs/load/bad-utf8.toml")) {
            assertTrue(!OutsidePaths.scanned(path), path);
        }
    }
}
