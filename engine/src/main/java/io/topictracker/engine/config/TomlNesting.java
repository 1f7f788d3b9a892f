package io.topictracker.engine.config;

import io.topictracker.api.ConfigException;

/**
 * Refuses TOML text nested deeper than {@link #MAX_DEPTH} levels before the parser sees it. tomlj parses nested
 * inline tables, arrays and dotted keys recursively, so {@code a = {b = {b = …}}} a thousand levels deep, or a header
 * {@code [a.a.a…]} of two thousand segments, overflows its stack; this scan is a loop and cannot.
 *
 * <p>It is not a parser: it follows strings (basic, literal and their multi-line forms, TOML 1.0 §String) and comments
 * only to skip them, counts open {@code [} / <code>{</code> of values, and counts the dots of a key (a header's or a
 * key/value pair's, TOML 1.0 §Keys "Dotted keys", §Table) while a key is being read. A depth is the open brackets
 * around a key plus its segments, or the open brackets around a value. Everything else, right or wrong, is left to
 * the parser. Stateless and thread-safe; linear in the text's length.
 */
final class TomlNesting {
    /** A node's configuration nests three or four levels ({@code [merge.bubble]}, an array of strings): 32 is ample. */
    static final int MAX_DEPTH = 32;

    private TomlNesting() {}

    /**
     * @param text TOML text, not null
     * @param source how messages name it, e.g. {@code node.toml}; not null
     * @throws ConfigException naming the source, the line and the first key of the line when nested too deeply
     */
    static void check(String text, String source) {
        char[] open = new char[MAX_DEPTH + 1]; // the brackets of values now open, innermost last
        int depth = 0;
        int line = 1;
        boolean atKey = true; // reading a key (line start, after '{' or a ',' inside an inline table), not a value
        boolean header = false;
        int keySegments = 1;
        StringBuilder lineKey = new StringBuilder();
        int length = text.length();
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c == '\n') {
                line++;
                if (depth == 0) {
                    atKey = true;
                    header = false;
                    keySegments = 1;
                    lineKey.setLength(0);
                }
                continue;
            }
            if (c == '#') {
                while (i + 1 < length && text.charAt(i + 1) != '\n') {
                    i++;
                }
                continue;
            }
            if (c == '"' || c == '\'') {
                int end = skipString(text, i);
                for (int j = i; j < end && j < length; j++) {
                    if (text.charAt(j) == '\n') {
                        line++;
                    }
                }
                i = end - 1;
                continue;
            }
            if (atKey) {
                if (c == '[' && depth == 0 && lineKey.length() == 0 && keySegments == 1) {
                    header = true; // "[" or "[[" opening a table header
                } else if (c == ']' && header) {
                    header = false;
                    atKey = false; // the rest of a header line is at most a comment
                } else if (c == '.') {
                    keySegments++;
                    if (depth + keySegments > MAX_DEPTH) {
                        throw tooDeep(source, line, lineKey);
                    }
                } else if (c == '=') {
                    atKey = false;
                    keySegments = 1;
                } else if (c == '}' && depth > 0) {
                    depth--; // an empty inline table "{}"
                    atKey = false;
                } else if (depth == 0 && keySegments == 1 && !Character.isWhitespace(c) && lineKey.length() < 40) {
                    lineKey.append(c);
                }
                continue;
            }
            if (c == '[' || c == '{') {
                if (depth == MAX_DEPTH) {
                    throw tooDeep(source, line, lineKey);
                }
                open[depth++] = c;
                if (c == '{') {
                    atKey = true;
                    keySegments = 1;
                }
            } else if ((c == ']' || c == '}') && depth > 0) {
                depth--;
            } else if (c == ',' && depth > 0 && open[depth - 1] == '{') {
                atKey = true;
                keySegments = 1;
            }
        }
    }

    /** @return the index just past the string starting at {@code start} (or the text's end if it is not closed) */
    private static int skipString(String text, int start) {
        char quote = text.charAt(start);
        boolean multiLine = text.startsWith(String.valueOf(quote).repeat(3), start);
        boolean escapes = quote == '"';
        int i = start + (multiLine ? 3 : 1);
        while (i < text.length()) {
            char c = text.charAt(i);
            if (escapes && c == '\\') {
                i += 2;
                continue;
            }
            if (!multiLine && c == '\n') {
                return i; // an unclosed single-line string: the parser will say so
            }
            if (c == quote && (!multiLine || text.startsWith(String.valueOf(quote).repeat(3), i))) {
                // A multi-line string may end with up to two more quotes of its own (TOML 1.0 §String).
                int end = i + (multiLine ? 3 : 1);
                while (multiLine && end < text.length() && text.charAt(end) == quote && end < i + 5) {
                    end++;
                }
                return end;
            }
            i++;
        }
        return i;
    }

    private static ConfigException tooDeep(String source, int line, CharSequence key) {
        String name = key.length() == 0 ? "" : key + ": ";
        return new ConfigException(key.toString(), line, source + ":" + line + ": " + name
                + "nested deeper than " + MAX_DEPTH + " levels (tables, arrays and dotted keys together)");
    }
}
