package io.topictracker.engine.config;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.topictracker.api.ConfigException;
import org.junit.jupiter.api.Test;

/** The pre-parse depth bound: deep shapes are refused with their line, and brackets that are not nesting are not. */
class TomlNestingTest {
    private static final int MAX = TomlNesting.MAX_DEPTH;

    @Test
    void depthUpToTheBoundPasses() {
        assertDoesNotThrow(() -> TomlNesting.check("a = " + "[".repeat(MAX) + "]".repeat(MAX), "t.toml"));
        assertDoesNotThrow(() -> TomlNesting.check("[a" + ".b".repeat(MAX - 1) + "]\nx = 1\n", "t.toml"));
        assertDoesNotThrow(() -> TomlNesting.check("a = " + "{b = ".repeat(MAX) + "1" + "}".repeat(MAX), "t.toml"));
    }

    @Test
    void oneLevelMoreIsRefusedWithTheLineAndKey() {
        ConfigException array = assertThrows(ConfigException.class, () -> TomlNesting.check(
                "x = 1\nlist = " + "[".repeat(MAX + 1) + "]".repeat(MAX + 1), "t.toml"));
        assertEquals("t.toml:2: list: nested deeper than " + MAX + " levels (tables, arrays and dotted keys together)",
                array.getMessage());
        assertEquals(2, array.line().getAsInt());
        ConfigException header = assertThrows(ConfigException.class,
                () -> TomlNesting.check("[[a" + ".b".repeat(MAX) + "]]\n", "t.toml"));
        assertEquals(1, header.line().getAsInt());
        // dotted keys inside nested inline tables add up
        ConfigException mixed = assertThrows(ConfigException.class, () -> TomlNesting.check(
                "a = " + "{b = ".repeat(MAX / 2 - 1) + "{c" + ".d".repeat(MAX / 2) + " = 1}" + "}".repeat(MAX / 2 - 1),
                "t.toml"));
        assertEquals(1, mixed.line().getAsInt());
    }

    @Test
    void bracketsInStringsCommentsAndValuesAreNotNesting() {
        String deep = "[".repeat(3 * MAX);
        assertDoesNotThrow(() -> TomlNesting.check(String.join("\n",
                "# " + deep,
                "a = \"" + deep + "\\\"" + deep + "\"",
                "b = '" + deep + "'",
                "c = \"\"\"",
                deep + "\"\"",
                "\"\"\"",
                "d = '''" + deep + "''''",
                "e = [1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5, 9.5, 10.5, 11.5, 12.5, 13.5, 14.5, 15.5, 16.5, 17.5, "
                        + "18.5, 19.5, 20.5, 21.5, 22.5, 23.5, 24.5, 25.5, 26.5, 27.5, 28.5, 29.5, 30.5, 31.5, 32.5]",
                "f = [",
                "  [1, 2],",
                "  [3, 4],",
                "]",
                "g = {}",
                "h = [{x = 1}, {y = 2}]",
                "\"quoted.key\" = 1",
                ""), "t.toml"));
    }

    @Test
    void aThousandLevelsReachTheLoaderAsAnErrorNotAStackOverflow() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(
                "a = " + "{b = ".repeat(1000) + "1" + "}".repeat(1000), "node.toml"));
        assertEquals(1, e.line().getAsInt());
    }
}
