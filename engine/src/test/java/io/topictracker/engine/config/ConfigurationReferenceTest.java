package io.topictracker.engine.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.engine.gossip.GossipConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md is the configuration reference users read: every {@code [gossip]} key is in it, and every
 * default it states is the default the code applies (each documented default, written into a TOML file alone, reads
 * back as the defaults).
 */
class ConfigurationReferenceTest {
    private static final Path REFERENCE = Path.of("..", "docs", "configuration.md");
    /** A table row: | `[section] key` | `default` | ... or | `key` (top level) | `default` | ... */
    private static final Pattern ROW = Pattern.compile(
            "^\\| `(?:\\[([a-z_.]+)\\] )?([a-z_0-9]+)`(?: \\(top level\\))? \\| `([^`]*)` \\|", Pattern.MULTILINE);

    /** @return documented key ("section.key" or "key") to its default as TOML text, in document order */
    private static Map<String, String> documentedDefaults() throws IOException {
        Map<String, String> defaults = new LinkedHashMap<>();
        Matcher row = ROW.matcher(Files.readString(REFERENCE));
        while (row.find()) {
            String key = row.group(1) == null ? row.group(2) : row.group(1) + "." + row.group(2);
            defaults.put(key, row.group(3));
        }
        return defaults;
    }

    @Test
    void everyGossipKeyIsDocumented() throws IOException {
        Map<String, String> documented = documentedDefaults();
        for (String key : GossipConfig.keys()) {
            assertTrue(documented.containsKey("gossip." + key), "docs/configuration.md lacks [gossip] " + key);
        }
    }

    @Test
    void everyDocumentedDefaultIsTheDefaultTheCodeApplies() throws IOException {
        Map<String, String> documented = documentedDefaults();
        assertTrue(documented.size() > 50, "the reference's rows were found: " + documented.keySet());
        NodeConfig defaults = NodeConfig.defaults();
        documented.forEach((key, value) -> {
            int dot = key.lastIndexOf('.');
            String toml = dot < 0 ? key + " = " + value + "\n"
                    : "[" + key.substring(0, dot) + "]\n" + key.substring(dot + 1) + " = " + value + "\n";
            NodeConfig read = ConfigLoader.parse(toml, "reference row " + key);
            ConfigLoaderTest.assertSameSettings(defaults, read);
            if (key.startsWith("gossip.")) {
                assertEquals(GossipConfig.defaults(), GossipConfig.from(read.gossip()), "default of " + key);
            }
        });
    }

    @Test
    void aWrongDocumentedDefaultWouldBeCaught() {
        NodeConfig read = ConfigLoader.parse("[gossip]\ngraft_timeout_1 = \"81ms\"\n", "altered row");
        assertFalse(GossipConfig.defaults().equals(GossipConfig.from(read.gossip())),
                "the comparison above tells one default from another");
    }
}
