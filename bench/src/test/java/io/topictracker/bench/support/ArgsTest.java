package io.topictracker.bench.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The harnesses' arguments and tables: a typo or a bad value is an error naming it, never a silent default. */
class ArgsTest {
    @Test
    void valuesDefaultsAndTheirBounds() {
        Args args = Args.parse(new String[] {"nodes=70", "transport=quic", "fast=false", "only=a,b"}, "nodes",
                "transport", "fast", "only", "scale");
        assertEquals(70, args.integer("nodes", 50, 2, 1000));
        assertEquals("quic", args.choice("transport", "tcp", "tcp", "quic"));
        assertFalse(args.flag("fast", true));
        assertEquals(List.of("a", "b"), args.list("only", List.of()));
        assertEquals(0.5, args.decimal("scale", 0.5, 0.01, 100));
    }

    @Test
    void anUnknownKeyABadValueOrAMissingEqualsSignIsNamed() {
        IllegalArgumentException typo = assertThrows(IllegalArgumentException.class,
                () -> Args.parse(new String[] {"node=70"}, "nodes"));
        assertTrue(typo.getMessage().contains("'node'") && typo.getMessage().contains("nodes"), typo.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Args.parse(new String[] {"70"}, "nodes"));
        Args args = Args.parse(new String[] {"nodes=many", "rounds=0", "transport=udp"}, "nodes", "rounds",
                "transport");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> args.integer("nodes", 50, 2, 1000))
                .getMessage().contains("nodes: expected a whole number, got 'many'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> args.integer("rounds", 5, 1, 10))
                .getMessage().contains("rounds: expected 1 to 10, got 0"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> args.choice("transport", "tcp", "tcp", "quic"))
                .getMessage().contains("transport: expected one of [tcp, quic], got 'udp'"));
    }

    @Test
    void aTablePrintsAsMarkdownAndRefusesARowOfTheWrongWidth() {
        MarkdownTable table = new MarkdownTable("measure", "value").row("p50", MarkdownTable.number(1234.5, 2))
                .row("p99", MarkdownTable.number(Double.NaN, 2));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        table.print(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        assertEquals("| measure | value |\n|---|---|\n| p50 | 1,235 |\n| p99 | n/a |\n",
                bytes.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n"));
        assertThrows(IllegalArgumentException.class, () -> table.row("only one"));
    }
}
