package io.topictracker.api;

import java.util.OptionalInt;

/**
 * A configuration value that is missing, unknown, of the wrong type or out of range. The message names the source,
 * the line (when known) and the full key, e.g. {@code node.toml:12: [transport.tcp] port: expected 0-65535, got 70000}.
 */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String key;
    private final int line;

    /**
     * @param key the dotted key the problem is about, not null
     * @param line the 1-based line, or 0 when unknown
     * @param message the full message, not null
     */
    public ConfigException(String key, int line, String message) {
        super(message);
        this.key = key;
        this.line = line;
    }

    /** @return the dotted key, never null */
    public String key() {
        return key;
    }

    /** @return the 1-based line in the source, empty when the value did not come from a file */
    public OptionalInt line() {
        return line > 0 ? OptionalInt.of(line) : OptionalInt.empty();
    }
}
