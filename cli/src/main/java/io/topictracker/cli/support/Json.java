package io.topictracker.cli.support;

import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes the few JSON values the command prints ({@code --json}): maps, lists, strings, numbers, booleans, null.
 * Just enough to avoid a JSON library on the module path. Stateless and thread-safe.
 */
public final class Json {
    private Json() {}

    /**
     * @param value a {@link Map} with string keys (insertion order kept), {@link List}, {@link CharSequence},
     *     {@link Number}, {@link Boolean} or null
     * @return one line of JSON, never null
     * @throws IllegalArgumentException for any other type, or a non-finite double
     */
    public static String write(Object value) {
        StringBuilder text = new StringBuilder();
        append(text, value);
        return text.toString();
    }

    private static void append(StringBuilder text, Object value) {
        if (value == null) {
            text.append("null");
        } else if (value instanceof Map<?, ?> map) {
            text.append('{');
            Iterator<? extends Map.Entry<?, ?>> entries = map.entrySet().iterator();
            while (entries.hasNext()) {
                Map.Entry<?, ?> entry = entries.next();
                string(text, String.valueOf(entry.getKey()));
                text.append(':');
                append(text, entry.getValue());
                if (entries.hasNext()) {
                    text.append(',');
                }
            }
            text.append('}');
        } else if (value instanceof List<?> list) {
            text.append('[');
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) {
                    text.append(',');
                }
                append(text, list.get(i));
            }
            text.append(']');
        } else if (value instanceof CharSequence chars) {
            string(text, chars.toString());
        } else if (value instanceof Double || value instanceof Float) {
            double number = ((Number) value).doubleValue();
            if (!Double.isFinite(number)) {
                throw new IllegalArgumentException("JSON has no " + number);
            }
            text.append(number == Math.rint(number) && Math.abs(number) < 1e15
                    ? String.format(Locale.ROOT, "%.1f", number) : Double.toString(number));
        } else if (value instanceof Number || value instanceof Boolean) {
            text.append(value);
        } else {
            throw new IllegalArgumentException("cannot write " + value.getClass().getName() + " as JSON");
        }
    }

    private static void string(StringBuilder text, String value) {
        text.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> text.append("\\\"");
                case '\\' -> text.append("\\\\");
                case '\n' -> text.append("\\n");
                case '\r' -> text.append("\\r");
                case '\t' -> text.append("\\t");
                default -> {
                    if (c < 0x20) {
                        text.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        text.append(c);
                    }
                }
            }
        }
        text.append('"');
    }
}
