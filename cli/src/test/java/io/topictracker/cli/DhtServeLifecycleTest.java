package io.topictracker.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.cli.support.ExitCode;
import io.topictracker.tck.Await;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dht serve} as a service runs it: standard input at its end from the start ({@code < /dev/null}), stopped by
 * SIGTERM sent to its PID, which must close the node (saving {@code --routing-table}) and exit 0; and the opt-in
 * {@code --stop-on-eof}. Every process is on 127.0.0.1 and stopped by its handle; every wait is bounded.
 */
class DhtServeLifecycleTest {
    private static final Pattern NODE_LINE = Pattern.compile("dht-node: 127\\.0\\.0\\.1:(\\d+) ([0-9a-f]{40})");
    /** BEP5 compact node info: 20-byte id, 4-byte IPv4 address, 2-byte port. */
    private static final int COMPACT_NODE_LENGTH = 26;

    /** The ready line's port and node id, waiting (bounded) for it. */
    private record Ready(int port, String idHex) {
        static Ready of(CliProcess serve) {
            Matcher m = NODE_LINE.matcher(serve.awaitLine("the ready line", l -> NODE_LINE.matcher(l).matches()));
            assertTrue(m.matches());
            return new Ready(Integer.parseInt(m.group(1)), m.group(2));
        }
    }

    private static CliProcess serveWithoutInput(Path dir, String name, String... more) throws IOException {
        List<String> args = new ArrayList<>(List.of("dht", "serve", "--port", "0"));
        args.addAll(List.of(more));
        return CliProcess.startWithoutInput(dir, name, CliProcess.modulePath(), args.toArray(String[]::new));
    }

    @Test
    void withInputClosedItServesUntilSigtermThenExitsZero(@TempDir Path dir) throws Exception {
        try (CliProcess serve = serveWithoutInput(dir, "serve")) {
            Ready ready = Ready.of(serve);
            // The old serve had already stopped here (its input ended at once); this one answers a BEP5 ping.
            Map<String, byte[]> reply = ping(ready.port());
            assertArrayEquals("r".getBytes(StandardCharsets.US_ASCII), reply.get("y"), reply::toString);
            assertTrue(serve.isAlive(), serve::toString);

            serve.terminate();
            assertEquals(ExitCode.OK, serve.awaitExit(), serve::toString);
            assertTrue(serve.stderr().contains("dht-node: stopping (SIGTERM)"), serve::toString);
        }
    }

    @Test
    void stopOnEofStopsAtTheEndOfInputWithStatusZero(@TempDir Path dir) throws Exception {
        try (CliProcess serve = serveWithoutInput(dir, "serve", "--stop-on-eof")) {
            assertEquals(ExitCode.OK, serve.awaitExit(), serve::toString);
            Ready.of(serve); // it was up before it stopped
            assertTrue(serve.stderr().contains("dht-node: stopping (end of input)"), serve::toString);
        }
    }

    /**
     * A node joined through another saves its table at SIGTERM; started again from the file with no
     * {@code --bootstrap}, it still knows the other node, which only the loaded table can have told it (nobody else
     * knows the restarted node's new port to contact it first), and saves it again.
     */
    @Test
    void theRoutingTableIsSavedAtSigtermAndLoadedAtStart(@TempDir Path dir) throws Exception {
        Path table = dir.resolve("routing-table");
        try (CliProcess first = serveWithoutInput(dir, "first")) {
            Ready firstReady = Ready.of(first);
            byte[] firstEntry = compactEntry(firstReady);

            try (CliProcess joined = serveWithoutInput(dir, "joined", "--bootstrap",
                    "127.0.0.1:" + firstReady.port(), "--routing-table", table.toString(), "--status-interval", "1s")) {
                Ready joinedReady = Ready.of(joined);
                // Its bootstrap runs after the ready line: stop it only once its table holds a node (the first is
                // the only other one), else SIGTERM can come first under load and save an empty table.
                Await.until(CliProcess.WAIT, "a status line with a node in the routing table\n" + joined,
                        () -> joined.stderrText().lines().anyMatch(l -> l.startsWith("dht-status: routing table ")
                                && !l.startsWith("dht-status: routing table 0 nodes")));
                joined.terminate();
                assertEquals(ExitCode.OK, joined.awaitExit(), joined::toString);
                Map<String, byte[]> saved = parseTable(Files.readAllBytes(table));
                assertEquals(joinedReady.idHex(), HexFormat.of().formatHex(saved.get("id")), saved::toString);
                assertTrue(containsEntry(saved.get("nodes"), firstEntry), "the first node is in the saved table");
            }
            assertFalse(Files.exists(dir.resolve("routing-table.tmp")), "the save was completed by its rename");

            try (CliProcess restarted = serveWithoutInput(dir, "restarted", "--routing-table", table.toString())) {
                Ready restartedReady = Ready.of(restarted);
                restarted.terminate();
                assertEquals(ExitCode.OK, restarted.awaitExit(), restarted::toString);
                Map<String, byte[]> saved = parseTable(Files.readAllBytes(table));
                // its own (new) id: the file was written again at this stop, not left from the first save
                assertEquals(restartedReady.idHex(), HexFormat.of().formatHex(saved.get("id")), saved::toString);
                assertTrue(containsEntry(saved.get("nodes"), firstEntry),
                        "the restarted node knows the first one, from the loaded table only");
            }

            first.terminate();
            assertEquals(ExitCode.OK, first.awaitExit(), first::toString);
        }
    }

    /** The compact node info (BEP5) another node stores for {@code node}: its id, 127.0.0.1 and its port. */
    private static byte[] compactEntry(Ready node) {
        byte[] entry = new byte[COMPACT_NODE_LENGTH];
        System.arraycopy(HexFormat.of().parseHex(node.idHex()), 0, entry, 0, 20);
        System.arraycopy(InetAddress.getLoopbackAddress().getAddress(), 0, entry, 20, 4);
        entry[24] = (byte) (node.port() >> 8);
        entry[25] = (byte) node.port();
        return entry;
    }

    private static boolean containsEntry(byte[] compactNodes, byte[] entry) {
        assertEquals(0, compactNodes.length % COMPACT_NODE_LENGTH, "compact node info is 26 bytes a node");
        for (int i = 0; i < compactNodes.length; i += COMPACT_NODE_LENGTH) {
            if (Arrays.equals(compactNodes, i, i + COMPACT_NODE_LENGTH, entry, 0, COMPACT_NODE_LENGTH)) {
                return true;
            }
        }
        return false;
    }

    /** The saved table: a bencoded dictionary {@code {id: 20 bytes, nodes: compact node info}}, checked strictly. */
    private static Map<String, byte[]> parseTable(byte[] data) {
        Map<String, byte[]> dict = FlatBencode.parseDictionary(data);
        assertEquals(List.of("id", "nodes"), List.copyOf(dict.keySet()), "the saved table's keys");
        assertEquals(20, dict.get("id").length, "the node id's length");
        return dict;
    }

    /**
     * Sends a BEP5 {@code ping} query to 127.0.0.1:{@code port} and returns the reply's top-level string values.
     * UDP may drop a datagram even on loopback, so it tries up to 5 times, 2 s each.
     */
    private static Map<String, byte[]> ping(int port) throws IOException {
        ByteArrayOutputStream query = new ByteArrayOutputStream();
        query.writeBytes("d1:ad2:id20:".getBytes(StandardCharsets.US_ASCII));
        query.writeBytes(HexFormat.of().parseHex("11".repeat(20)));
        query.writeBytes("e1:q4:ping1:t2:pp1:y1:qe".getBytes(StandardCharsets.US_ASCII));
        byte[] bytes = query.toByteArray();
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            socket.setSoTimeout(2000);
            InetSocketAddress node = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
            for (int attempt = 0; attempt < 5; attempt++) {
                socket.send(new DatagramPacket(bytes, bytes.length, node));
                DatagramPacket reply = new DatagramPacket(new byte[1500], 1500);
                try {
                    socket.receive(reply);
                } catch (SocketTimeoutException e) {
                    continue;
                }
                Map<String, byte[]> fields = FlatBencode.parseDictionary(
                        Arrays.copyOf(reply.getData(), reply.getLength()));
                assertArrayEquals("pp".getBytes(StandardCharsets.US_ASCII), fields.get("t"), "transaction id");
                return fields;
            }
        }
        throw new AssertionError("no reply to a ping on 127.0.0.1:" + port + " within 5 tries");
    }

    /**
     * Just enough bencode (BEP3) for the two messages above: a dictionary whose values are byte strings or nested
     * dictionaries; nested ones are skipped (kept as an empty value). Anything else fails the test.
     */
    private static final class FlatBencode {
        private final byte[] data;
        private int at;

        private FlatBencode(byte[] data) {
            this.data = data;
        }

        static Map<String, byte[]> parseDictionary(byte[] data) {
            FlatBencode parser = new FlatBencode(data);
            Map<String, byte[]> dict = parser.dictionary(true);
            assertEquals(data.length, parser.at, "trailing bytes after the dictionary");
            return dict;
        }

        private Map<String, byte[]> dictionary(boolean keep) {
            expect('d');
            Map<String, byte[]> dict = new LinkedHashMap<>();
            while (peek() != 'e') {
                String key = new String(string(), StandardCharsets.US_ASCII);
                byte[] value = peek() == 'd' ? nested() : string();
                if (keep) {
                    dict.put(key, value);
                }
            }
            at++;
            return dict;
        }

        private byte[] nested() {
            dictionary(false);
            return new byte[0];
        }

        private byte[] string() {
            int colon = at;
            while (colon < data.length && data[colon] != ':') {
                assertTrue(data[colon] >= '0' && data[colon] <= '9', "a string length at byte " + colon);
                colon++;
            }
            assertTrue(colon < data.length && colon > at, "a string at byte " + at);
            int length = Integer.parseInt(new String(data, at, colon - at, StandardCharsets.US_ASCII));
            assertTrue(colon + 1 + length <= data.length, "a string of " + length + " bytes at byte " + at);
            at = colon + 1 + length;
            return Arrays.copyOfRange(data, colon + 1, at);
        }

        private byte peek() {
            assertTrue(at < data.length, "more bencode at byte " + at);
            return data[at];
        }

        private void expect(char c) {
            assertEquals(c, (char) peek(), "bencode at byte " + at);
            at++;
        }
    }
}
