package io.topictracker.bench.support;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The arguments of a benchmark's {@code main}: {@code key=value} pairs, each with a default. A key no benchmark
 * asked for, a value that does not parse or is out of range is an {@link IllegalArgumentException} naming the key,
 * the value and what was expected, so a typo never runs a benchmark with defaults the user did not want.
 *
 * <p>Not thread-safe; used by one {@code main}.
 */
public final class Args {
    private final Map<String, String> values = new LinkedHashMap<>();

    private Args() {}

    /**
     * @param args the {@code main} arguments, each {@code key=value}; not null
     * @param known every key the benchmark reads; not null
     * @throws IllegalArgumentException for an argument without {@code =} or with a key not in {@code known}
     */
    public static Args parse(String[] args, String... known) {
        Set<String> keys = Set.of(known);
        Args parsed = new Args();
        for (String arg : args) {
            int equals = arg.indexOf('=');
            if (equals <= 0) {
                throw new IllegalArgumentException("expected key=value, got '" + arg + "'; keys: "
                        + Arrays.toString(known));
            }
            String key = arg.substring(0, equals);
            if (!keys.contains(key)) {
                throw new IllegalArgumentException("unknown argument '" + key + "'; keys: " + Arrays.toString(known));
            }
            parsed.values.put(key, arg.substring(equals + 1));
        }
        return parsed;
    }

    /** @return the whole number under {@code key}, or {@code defaultValue}; in [min, max] */
    public long integer(String key, long defaultValue, long min, long max) {
        String text = values.get(key);
        if (text == null) {
            return defaultValue;
        }
        long value;
        try {
            value = Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + ": expected a whole number, got '" + text + "'", e);
        }
        if (value < min || value > max) {
            throw new IllegalArgumentException(key + ": expected " + min + " to " + max + ", got " + value);
        }
        return value;
    }

    /** @return the number under {@code key}, or {@code defaultValue}; in [min, max] */
    public double decimal(String key, double defaultValue, double min, double max) {
        String text = values.get(key);
        if (text == null) {
            return defaultValue;
        }
        double value;
        try {
            value = Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + ": expected a number, got '" + text + "'", e);
        }
        if (!(value >= min && value <= max)) {
            throw new IllegalArgumentException(key + ": expected " + min + " to " + max + ", got " + value);
        }
        return value;
    }

    /** @return the value under {@code key}, one of {@code allowed}, or {@code defaultValue} */
    public String choice(String key, String defaultValue, String... allowed) {
        String value = values.getOrDefault(key, defaultValue);
        if (!List.of(allowed).contains(value)) {
            throw new IllegalArgumentException(key + ": expected one of " + Arrays.toString(allowed) + ", got '"
                    + value + "'");
        }
        return value;
    }

    /** @return true or false under {@code key}, or {@code defaultValue} */
    public boolean flag(String key, boolean defaultValue) {
        return Boolean.parseBoolean(choice(key, Boolean.toString(defaultValue), "true", "false"));
    }

    /** @return the comma-separated values under {@code key}, or {@code defaults}; never null */
    public List<String> list(String key, List<String> defaults) {
        String text = values.get(key);
        return text == null ? defaults : List.of(text.split(","));
    }
}
