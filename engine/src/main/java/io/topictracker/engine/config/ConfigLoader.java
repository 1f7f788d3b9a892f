package io.topictracker.engine.config;

import io.topictracker.api.ConfigException;
import io.topictracker.api.ConfigTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tomlj.Toml;
import org.tomlj.TomlArray;
import org.tomlj.TomlParseError;
import org.tomlj.TomlParseResult;
import org.tomlj.TomlPosition;
import org.tomlj.TomlTable;

/**
 * Reads a node's TOML file (TOML 1.0, parsed by tomlj) into a {@link NodeConfig}. Every table becomes a
 * {@link ConfigTable} that remembers each key's line, so the engine and the providers report errors alike:
 * {@code node.toml:12: bootstrap.discovery_poll_interval: ...}. Stateless and thread-safe.
 */
public final class ConfigLoader {
    private ConfigLoader() {}

    /**
     * @param file a TOML file, not null; its file name is used in messages
     * @return the configuration, never null
     * @throws IOException if the file cannot be read
     * @throws ConfigException for a syntax error, an unknown key, a wrong type or a value out of range
     */
    public static NodeConfig load(Path file) throws IOException {
        Path name = file.getFileName();
        return parse(Files.readString(file), name == null ? file.toString() : name.toString());
    }

    /**
     * @param text TOML text, not null
     * @param sourceName how messages name the source, e.g. {@code node.toml}; not null
     * @return the configuration, never null
     * @throws ConfigException as {@link #load(Path)}
     */
    public static NodeConfig parse(String text, String sourceName) {
        return NodeConfigReader.read(parseTable(text, sourceName));
    }

    /**
     * Parses TOML into the root {@link ConfigTable} without interpreting it, for callers with tables of their own.
     *
     * @throws ConfigException for the first syntax error, with its line
     */
    public static ConfigTable parseTable(String text, String sourceName) {
        TomlParseResult result = Toml.parse(text);
        if (result.hasErrors()) {
            TomlParseError error = result.errors().get(0);
            int line = error.position() == null ? 0 : error.position().line();
            throw new ConfigException("", line, sourceName + (line > 0 ? ":" + line : "") + ": invalid TOML: "
                    + error.getMessage());
        }
        return convert("", sourceName, result);
    }

    private static ConfigTable convert(String path, String source, TomlTable table) {
        Map<String, Object> values = new LinkedHashMap<>();
        Map<String, Integer> lines = new LinkedHashMap<>();
        for (String key : table.keySet()) {
            List<String> keyPath = List.of(key);
            String childPath = path.isEmpty() ? key : path + "." + key;
            values.put(key, value(childPath, source, table.get(keyPath)));
            TomlPosition position = table.inputPositionOf(keyPath);
            if (position != null) {
                lines.put(key, position.line());
            }
        }
        return ConfigTable.of(path, source, values, lines);
    }

    private static Object value(String path, String source, Object value) {
        if (value instanceof TomlTable table) {
            return convert(path, source, table);
        }
        if (value instanceof TomlArray array) {
            List<Object> items = new ArrayList<>(array.size());
            for (int i = 0; i < array.size(); i++) {
                items.add(value(path + "[" + i + "]", source, array.get(i)));
            }
            return items;
        }
        return value;
    }
}
