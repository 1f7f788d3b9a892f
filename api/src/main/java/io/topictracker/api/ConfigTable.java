package io.topictracker.api;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One table of configuration, such as {@code [transport.tcp]}, with typed reads whose errors name the key and line.
 *
 * <p>The engine builds these from TOML; tests and programmatic users build them with {@link #of(String, Map)}.
 * Values are {@link String}, {@link Long}, {@link Double}, {@link Boolean}, {@link List} of those, or nested
 * {@code ConfigTable}s. Durations are strings with a unit: {@code "1500ms"}, {@code "10s"}, {@code "2m"},
 * {@code "1h"}. Every read takes the default when the key is absent. Immutable and thread-safe.
 */
public final class ConfigTable {
    private static final Pattern DURATION = Pattern.compile("(\\d{1,12})(ms|s|m|h)");
    /**
     * The longest string value {@link #string} and {@link #stringList} accept, and the longest path {@link #path}
     * accepts (Linux's {@code PATH_MAX}): no value a node reads needs more, and a longer one is a mistake or an attack.
     */
    public static final int MAX_STRING_LENGTH = 4096;
    /** How much of a bad value a message quotes, so a huge value is never echoed whole. */
    private static final int EXCERPT_LENGTH = 60;

    private final String path;
    private final String source;
    private final Map<String, Object> values;
    private final Map<String, Integer> lines;

    private ConfigTable(String path, String source, Map<String, Object> values, Map<String, Integer> lines) {
        this.path = path;
        this.source = source;
        this.values = values;
        this.lines = lines;
    }

    /**
     * @param path the table's dotted path, e.g. {@code "transport.tcp"}; empty for the root; not null
     * @param source where it was read from, e.g. a file name, for messages; not null
     * @param values key to value, not null; copied
     * @param lines key to 1-based line, not null; keys without a line are reported without one; copied
     */
    public static ConfigTable of(String path, String source, Map<String, ?> values, Map<String, Integer> lines) {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(source, "source");
        return new ConfigTable(path, source, Collections.unmodifiableMap(new LinkedHashMap<>(values)), Map.copyOf(lines));
    }

    /** A table built in code: messages have no line. */
    public static ConfigTable of(String path, Map<String, ?> values) {
        return of(path, "<code>", values, Map.of());
    }

    /** An empty table: every read returns its default. */
    public static ConfigTable empty(String path) {
        return of(path, Map.of());
    }

    /** @return the dotted path of this table, never null */
    public String path() {
        return path;
    }

    /** @return the keys present, in file order, never null */
    public Set<String> keys() {
        return values.keySet();
    }

    /** @return true if the key is present */
    public boolean contains(String key) {
        return values.containsKey(key);
    }

    /** @return a copy with {@code key} set to {@code value} (no line); this table is unchanged */
    public ConfigTable with(String key, Object value) {
        Map<String, Object> copy = new LinkedHashMap<>(values);
        copy.put(key, value);
        Map<String, Integer> lineCopy = new LinkedHashMap<>(lines);
        lineCopy.remove(key);
        return new ConfigTable(path, source, Collections.unmodifiableMap(copy), Map.copyOf(lineCopy));
    }

    /**
     * Fails on the first key not in {@code known}, naming it, its line and the keys that are allowed.
     *
     * @throws ConfigException for an unknown key
     */
    public void requireKnownKeys(Set<String> known) {
        for (String key : values.keySet()) {
            if (!known.contains(key)) {
                throw error(key, "unknown key; known keys here: " + knownKeysList(known));
            }
        }
    }

    /**
     * @return the string at {@code key}, at most {@link #MAX_STRING_LENGTH} characters, or {@code defaultValue} (may
     *     be null) when absent
     */
    public String string(String key, String defaultValue) {
        Object value = values.get(key);
        if (value == null) {
            return defaultValue;
        }
        if (!(value instanceof String text)) {
            throw wrongType(key, "a string", value);
        }
        return bounded(key, text);
    }

    /**
     * A file path: a non-empty string of at most {@link #MAX_STRING_LENGTH} characters that this platform accepts as
     * a path (no NUL character, for one). Nothing is checked on disk.
     *
     * @return the path at {@code key}, or {@code defaultValue} (may be null) when absent
     */
    public Path path(String key, Path defaultValue) {
        String text = string(key, null);
        if (text == null) {
            return defaultValue;
        }
        if (text.isEmpty()) {
            throw error(key, "expected a file path, got an empty string");
        }
        if (text.indexOf('\0') >= 0) {
            throw error(key, "a path cannot hold a NUL character, got " + excerpt(text));
        }
        try {
            return Path.of(text);
        } catch (InvalidPathException e) {
            throw error(key, "not a valid path here (" + e.getReason() + "): " + excerpt(text));
        }
    }

    private String bounded(String key, String text) {
        if (text.length() > MAX_STRING_LENGTH) {
            throw error(key, "expected at most " + MAX_STRING_LENGTH + " characters, got " + excerpt(text));
        }
        return text;
    }

    /** @return the integer at {@code key} within [min, max], or the default when absent */
    public long integer(String key, long defaultValue, long min, long max) {
        Object value = values.get(key);
        if (value == null) {
            return defaultValue;
        }
        if (!(value instanceof Long || value instanceof Integer)) {
            throw wrongType(key, "an integer", value);
        }
        long number = ((Number) value).longValue();
        if (number < min || number > max) {
            throw error(key, "expected " + min + " to " + max + ", got " + number);
        }
        return number;
    }

    /** @return the integer at {@code key} within [min, max] as an int, or the default when absent */
    public int integer(String key, int defaultValue, int min, int max) {
        return (int) integer(key, (long) defaultValue, (long) min, (long) max);
    }

    /** @return the number at {@code key} within [min, max] (integers accepted), or the default when absent */
    public double number(String key, double defaultValue, double min, double max) {
        Object value = values.get(key);
        if (value == null) {
            return defaultValue;
        }
        if (!(value instanceof Number number)) {
            throw wrongType(key, "a number", value);
        }
        double result = number.doubleValue();
        if (!(result >= min && result <= max)) {
            throw error(key, "expected " + min + " to " + max + ", got " + result);
        }
        return result;
    }

    /** @return the boolean at {@code key}, or the default when absent */
    public boolean bool(String key, boolean defaultValue) {
        Object value = values.get(key);
        if (value == null) {
            return defaultValue;
        }
        if (!(value instanceof Boolean flag)) {
            throw wrongType(key, "true or false", value);
        }
        return flag;
    }

    /**
     * @return the duration at {@code key} (a string such as {@code "1500ms"} or {@code "10s"}) within [min, max], or
     *     the default when absent
     */
    public Duration duration(String key, Duration defaultValue, Duration min, Duration max) {
        Object value = values.get(key);
        if (value == null) {
            return defaultValue;
        }
        if (!(value instanceof String text)) {
            throw wrongType(key, "a duration string such as \"1500ms\" or \"10s\"", value);
        }
        Duration duration;
        try {
            duration = parseDuration(text);
        } catch (IllegalArgumentException e) {
            throw error(key, e.getMessage());
        }
        if (duration.compareTo(min) < 0 || duration.compareTo(max) > 0) {
            throw error(key, "expected " + format(min) + " to " + format(max) + ", got " + text);
        }
        return duration;
    }

    /** @return the list of strings at {@code key}, or the default when absent */
    public List<String> stringList(String key, List<String> defaultValue) {
        Object value = values.get(key);
        if (value == null) {
            return defaultValue;
        }
        if (!(value instanceof List<?> list)) {
            throw wrongType(key, "an array of strings", value);
        }
        List<String> result = new ArrayList<>(list.size());
        for (Object item : list) {
            if (!(item instanceof String text)) {
                throw wrongType(key, "an array of strings", item);
            }
            result.add(bounded(key, text));
        }
        return List.copyOf(result);
    }

    /** @return the nested table at {@code key}, or an empty one when absent; never null */
    public ConfigTable table(String key) {
        Object value = values.get(key);
        String childPath = path.isEmpty() ? key : path + "." + key;
        if (value == null) {
            return new ConfigTable(childPath, source, Map.of(), Map.of());
        }
        if (!(value instanceof ConfigTable table)) {
            throw wrongType(key, "a table", value);
        }
        return table;
    }

    /**
     * Builds the error for {@code key} in this table, with source and line.
     *
     * @param key a key of this table, not null
     * @param problem what is wrong, not null
     */
    public ConfigException error(String key, String problem) {
        String fullKey = path.isEmpty() ? key : path + "." + key;
        Integer line = lines.get(key);
        String where = line == null ? source : source + ":" + line;
        return new ConfigException(fullKey, line == null ? 0 : line, where + ": " + shownKey(fullKey) + ": " + problem);
    }

    /** Most characters of a key a message quotes: a long key must not crowd out the problem (or the allowed keys). */
    static final int MAX_SHOWN_KEY_LENGTH = 64;
    /** Most characters of the allowed keys an unknown-key message lists, so that it stays one bounded line. */
    static final int MAX_KNOWN_KEYS_LENGTH = 800;

    /** @return the allowed keys, sorted, as "[a, b, ...]", cut after {@link #MAX_KNOWN_KEYS_LENGTH} characters */
    private static String knownKeysList(Set<String> known) {
        StringBuilder list = new StringBuilder("[");
        int shown = 0;
        for (String name : new TreeSet<>(known)) {
            if (list.length() + name.length() > MAX_KNOWN_KEYS_LENGTH) {
                return list.append("... and ").append(known.size() - shown).append(" more]").toString();
            }
            list.append(shown == 0 ? "" : ", ").append(name);
            shown++;
        }
        return list.append(']').toString();
    }

    private static String shownKey(String fullKey) {
        return fullKey.length() <= MAX_SHOWN_KEY_LENGTH ? fullKey
                : fullKey.substring(0, MAX_SHOWN_KEY_LENGTH) + "... (" + (fullKey.length() - MAX_SHOWN_KEY_LENGTH)
                        + " more characters)";
    }

    private ConfigException wrongType(String key, String expected, Object value) {
        String kind = value instanceof String text ? "string " + excerpt(text)
                : value instanceof ConfigTable ? "a table"
                : value instanceof List ? "an array"
                : value.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT) + " " + value;
        return error(key, "expected " + expected + ", got " + kind);
    }

    /**
     * Parses {@code "<digits><unit>"} with unit ms, s, m or h.
     *
     * @throws IllegalArgumentException naming the text when it is not a duration
     */
    public static Duration parseDuration(String text) {
        Matcher matcher = DURATION.matcher(text);
        if (!matcher.matches()) {
            throw new IllegalArgumentException(
                    "not a duration: " + excerpt(text) + " (expected digits and a unit ms, s, m or h, e.g. \"1500ms\")");
        }
        long amount = Long.parseLong(matcher.group(1));
        return switch (matcher.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            default -> Duration.ofHours(amount);
        };
    }

    /**
     * Quotes a value for a message, cut to its first characters with its length when it is long, and with control
     * characters escaped, so that a message stays one short line whatever the value.
     *
     * @param text not null
     * @return {@code "text"}, or {@code "first characters…" (N characters)}; never null
     */
    public static String excerpt(String text) {
        boolean cut = text.length() > EXCERPT_LENGTH;
        String shown = cut ? text.substring(0, EXCERPT_LENGTH) : text;
        StringBuilder quoted = new StringBuilder(shown.length() + 24).append('"');
        shown.codePoints().forEach(c -> {
            if (c < 0x20 || c == 0x7f) {
                quoted.append(String.format(java.util.Locale.ROOT, "\\u%04x", c));
            } else {
                quoted.appendCodePoint(c);
            }
        });
        quoted.append(cut ? "…\" (" + text.length() + " characters)" : "\"");
        return quoted.toString();
    }

    /** Formats a duration in the form {@link #parseDuration(String)} reads. */
    public static String format(Duration duration) {
        long millis = duration.toMillis();
        if (millis % 3_600_000 == 0 && millis > 0) {
            return millis / 3_600_000 + "h";
        }
        if (millis % 60_000 == 0 && millis > 0) {
            return millis / 60_000 + "m";
        }
        if (millis % 1000 == 0) {
            return millis / 1000 + "s";
        }
        return millis + "ms";
    }

    @Override
    public String toString() {
        return "[" + path + "] " + values;
    }
}
