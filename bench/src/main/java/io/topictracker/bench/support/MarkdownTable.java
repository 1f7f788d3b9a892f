package io.topictracker.bench.support;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A Markdown table the benchmarks print, so that their output pastes into BENCHMARKS.md as it is. Cells are given
 * as text; {@link #number} formats a figure the way every table here does.
 *
 * <p>Not thread-safe; filled by one thread, then printed.
 */
public final class MarkdownTable {
    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

    /** @param columns the column names, at least one; not null */
    public MarkdownTable(String... columns) {
        if (columns.length == 0) {
            throw new IllegalArgumentException("a table needs a column");
        }
        this.header = List.of(columns);
    }

    /**
     * @param cells one per column, not null
     * @return this
     * @throws IllegalArgumentException if the count is not the number of columns
     */
    public MarkdownTable row(Object... cells) {
        if (cells.length != header.size()) {
            throw new IllegalArgumentException("expected " + header.size() + " cells, got " + cells.length);
        }
        List<String> row = new ArrayList<>(cells.length);
        for (Object cell : cells) {
            row.add(String.valueOf(cell));
        }
        rows.add(row);
        return this;
    }

    /** @return {@code value} with thousands separators and no decimals at 100 or more, else with {@code decimals} */
    public static String number(double value, int decimals) {
        if (Double.isNaN(value)) {
            return "n/a";
        }
        return Math.abs(value) >= 100 ? String.format(Locale.ROOT, "%,.0f", value)
                : String.format(Locale.ROOT, "%." + decimals + "f", value);
    }

    /** Prints the header, the separator line and every row. */
    public void print(PrintStream out) {
        out.println(line(header));
        out.println("|" + "---|".repeat(header.size()));
        rows.forEach(row -> out.println(line(row)));
    }

    private static String line(List<String> cells) {
        return "| " + String.join(" | ", cells) + " |";
    }
}
