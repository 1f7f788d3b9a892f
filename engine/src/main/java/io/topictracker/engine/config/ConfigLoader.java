package io.topictracker.engine.config;

import io.topictracker.api.ConfigException;
import io.topictracker.api.ConfigTable;
import java.io.IOException;
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
    /**
     * The largest configuration file read: a node's file is a few KB, and the parser's time grows with the text
     * (10 MB took it half a minute), so a bigger file is refused before it is parsed.
     */
    public static final int MAX_FILE_BYTES = 256 * 1024;

    private ConfigLoader() {}

    /**
     * @param file a TOML file, not null; its file name is used in messages
     * @return the configuration, never null
     * @throws java.nio.file.NoSuchFileException if the file does not exist
     * @throws IOException if the file cannot be read
     * @throws ConfigException for a file that is not a regular file, larger than {@link #MAX_FILE_BYTES}, not UTF-8,
     *     nested too deeply, a syntax error, an unknown key, a wrong type or a value out of range
     */
    public static NodeConfig load(Path file) throws IOException {
        Path name = file.getFileName();
        String source = name == null ? file.toString() : name.toString();
        return parse(ConfigText.read(file, source, MAX_FILE_BYTES), source);
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
        TomlNesting.check(text, sourceName);
        TomlParseResult result;
        try {
            result = Toml.parse(text);
        } catch (StackOverflowError e) {
            // TomlNesting should make this unreachable; if a shape it does not count still gets here, say so plainly.
            throw new ConfigException("", 0, sourceName + ": invalid TOML: nested too deeply to parse");
        } catch (AssertionError e) {
            // With assertions enabled (java -ea, and every test run), tomlj 1.1.1 checks assumptions that some
            // invalid text breaks, e.g. a backslash-u escape with fewer than four hex digits (a fuzzing finding);
            // without -ea the same text ends in its ordinary parse error. Either way the text is not TOML.
            throw new ConfigException("", 0, sourceName + ": invalid TOML: the parser could not read it (is there a"
                    + " malformed escape sequence, such as \\u without four hex digits?)");
        } catch (TomlParseError e) {
            // tomlj 1.1.1 reports most errors in the result, but throws some, e.g. a bad escape in a quoted key of a
            // table header (a fuzzing finding)
            throw syntaxError(e, sourceName);
        }
        if (result.hasErrors()) {
            throw syntaxError(result.errors().get(0), sourceName);
        }
        return convert("", sourceName, result);
    }

    /** @return the exception for {@code error}: one line naming the source and line, the parser's message cut short */
    private static ConfigException syntaxError(TomlParseError error, String sourceName) {
        int line = error.position() == null ? 0 : error.position().line();
        String message = error.getMessage().replaceAll("\\p{Cntrl}", "?"); // it may quote a control character
        if (message.length() > 200) {
            message = message.substring(0, 200) + "…";
        }
        return new ConfigException("", line, sourceName + (line > 0 ? ":" + line : "") + ": invalid TOML: " + message);
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
