package io.topictracker.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Fuzzes {@link ConfigTable}'s typed reads, which every provider uses on its {@code [dht.*]} or {@code [transport.*]}
 * table: a table of fuzzed keys and values (strings, integers, floats, booleans, arrays, nested tables, as the TOML
 * reader makes them) is read by a fuzzed sequence of reads with fuzzed bounds. A read either returns a value that
 * keeps its contract (within the bounds, at most {@link ConfigTable#MAX_STRING_LENGTH} characters, no NUL in a path)
 * or throws {@link ConfigException} naming the source and the key; nothing else may escape, and no message may quote
 * a value whole.
 *
 * <p>Seeds: {@code src/test/resources/io/topictracker/api/ConfigTableFuzzTestInputs/read/}.
 */
class ConfigTableFuzzTest {
    private static final String SOURCE = "fuzz.toml";

    @FuzzTest(maxDuration = "20s")
    void read(FuzzedDataProvider data) {
        ConfigTable table = table(data, "transport.fuzz", 0);
        int reads = data.consumeInt(1, 16);
        for (int i = 0; i < reads && data.remainingBytes() > 0; i++) {
            readChecked(data, table, 0);
        }
    }

    /** One read of a key of {@code table} (or an absent one), descending into a nested table at most twice. */
    private static void readChecked(FuzzedDataProvider data, ConfigTable table, int depth) {
        String key = data.pickValue(keysOrAbsent(table));
        try {
            readOnce(data, table, key, depth);
        } catch (ConfigException e) {
            assertTrue(e.getMessage().startsWith(SOURCE), e.getMessage());
            assertTrue(e.getMessage().contains(e.key()), e.getMessage());
            String prefix = table.path().isEmpty() ? "" : table.path() + ".";
            assertTrue(e.key().startsWith(prefix), e.getMessage());
            String named = e.key().substring(prefix.length()); // the key read, or for requireKnownKeys an unknown one
            assertTrue(named.equals(key) || table.contains(named), e.getMessage());
            assertTrue(e.getMessage().length() <= 2 * e.key().length() + 600, "message of " + e.getMessage().length());
        }
    }

    private static void readOnce(FuzzedDataProvider data, ConfigTable table, String key, int depth) {
        switch (data.consumeInt(0, 9)) {
            case 0 -> {
                String value = table.string(key, null);
                assertTrue(value == null || value.length() <= ConfigTable.MAX_STRING_LENGTH);
            }
            case 1 -> {
                Path value = table.path(key, null);
                assertTrue(value == null || value.toString().indexOf('\0') < 0);
            }
            case 2 -> {
                long a = data.consumeLong();
                long b = data.consumeLong();
                long min = Math.min(a, b);
                long max = Math.max(a, b);
                long value = table.integer(key, min, min, max);
                assertTrue(value >= min && value <= max, value + " in " + min + ".." + max);
            }
            case 3 -> {
                int a = data.consumeInt();
                int b = data.consumeInt();
                int min = Math.min(a, b);
                int max = Math.max(a, b);
                int value = table.integer(key, min, min, max);
                assertTrue(value >= min && value <= max, value + " in " + min + ".." + max);
            }
            case 4 -> {
                double a = data.consumeRegularDouble();
                double b = data.consumeRegularDouble();
                double min = Math.min(a, b);
                double max = Math.max(a, b);
                double value = table.number(key, min, min, max);
                assertTrue(value >= min && value <= max, value + " in " + min + ".." + max);
            }
            case 5 -> table.bool(key, false);
            case 6 -> {
                // bounds a caller could write: at most 2^62 ms each (their sum must fit the millisecond long)
                Duration min = Duration.ofMillis(data.consumeLong() >>> 2);
                Duration max = min.plusMillis(data.consumeLong() >>> 2);
                Duration value = table.duration(key, min, min, max);
                assertTrue(value.compareTo(min) >= 0 && value.compareTo(max) <= 0, value + " in " + min + ".." + max);
            }
            case 7 -> {
                List<String> value = table.stringList(key, List.of());
                value.forEach(item -> assertTrue(item.length() <= ConfigTable.MAX_STRING_LENGTH));
            }
            case 8 -> {
                ConfigTable nested = table.table(key);
                assertEquals(table.path().isEmpty() ? key : table.path() + "." + key, nested.path());
                if (depth < 2) {
                    readChecked(data, nested, depth + 1);
                }
            }
            default -> table.requireKnownKeys(Set.of(key));
        }
    }

    // (Two draws and min/max rather than consumeLong(min, Long.MAX_VALUE): Jazzer 0.24's provider returned a value
    // below min for that full range.)

    /** The table's keys and one key it does not have, so reads of absent keys are fuzzed too. */
    private static List<String> keysOrAbsent(ConfigTable table) {
        List<String> keys = new ArrayList<>(table.keys());
        keys.add("absent");
        return keys;
    }

    private static ConfigTable table(FuzzedDataProvider data, String path, int depth) {
        int size = data.consumeInt(0, 6);
        Map<String, Object> values = new LinkedHashMap<>();
        Map<String, Integer> lines = new LinkedHashMap<>();
        for (int i = 0; i < size; i++) {
            String key = data.consumeString(12);
            values.put(key, value(data, path.isEmpty() ? key : path + "." + key, depth));
            if (data.consumeBoolean()) {
                lines.put(key, data.consumeInt(1, 10_000));
            }
        }
        ConfigTable table = ConfigTable.of(path, SOURCE, values, lines);
        assertEquals(values.keySet(), table.keys());
        return table;
    }

    private static Object value(FuzzedDataProvider data, String path, int depth) {
        return switch (data.consumeInt(0, depth < 3 ? 6 : 4)) {
            case 0 -> data.consumeBoolean() ? data.consumeString(8000) : data.consumeString(40);
            case 1 -> data.consumeLong();
            case 2 -> data.consumeDouble();
            case 3 -> data.consumeBoolean();
            case 4 -> data.consumeBoolean() ? data.consumeString(40) : (Object) (long) data.consumeInt(0, 100);
            case 5 -> {
                List<Object> list = new ArrayList<>();
                int n = data.consumeInt(0, 5);
                for (int i = 0; i < n; i++) {
                    list.add(value(data, path, depth + 1));
                }
                yield list;
            }
            default -> table(data, path, depth + 1);
        };
    }
}
