package io.topictracker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.cli.support.ExitCode;
import io.topictracker.tck.Await;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --metrics} on real processes (module path, 127.0.0.1, any free port): the Prometheus text at /metrics moves
 * when traffic flows through a {@code dht serve} node and between two {@code chat}s, and {@code dht serve} prints its
 * status line at {@code --status-interval}. Children keep their standard input open and are stopped by their handle.
 */
class MetricsProcessesTest {
    private static final Pattern NODE_LINE = Pattern.compile("dht-node: (127\\.0\\.0\\.1:\\d+) [0-9a-f]{40}");
    private static final Pattern METRICS_LINE = Pattern.compile("metrics: (http://127\\.0\\.0\\.1:\\d+/metrics)");
    private static final String SELF = "self: ";

    private static String metricsUrl(CliProcess process) {
        String line = process.awaitLine("the metrics line", l -> METRICS_LINE.matcher(l).matches());
        Matcher matcher = METRICS_LINE.matcher(line);
        assertTrue(matcher.matches());
        return matcher.group(1);
    }

    /** @return the Prometheus text served at {@code url} */
    private static String scrape(String url) throws IOException {
        // HttpURLConnection (java.base): the tests compile in the command's module, which does not read java.net.http
        HttpURLConnection connection = (HttpURLConnection) URI.create(url).toURL().openConnection();
        connection.setConnectTimeout((int) Duration.ofSeconds(10).toMillis());
        connection.setReadTimeout((int) Duration.ofSeconds(10).toMillis());
        try (InputStream in = connection.getInputStream()) {
            String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(200, connection.getResponseCode(), body);
            assertTrue(String.valueOf(connection.getContentType()).startsWith("text/plain"), body);
            return body;
        } finally {
            connection.disconnect();
        }
    }

    /** @return the sum of the samples of {@code metric} whose labels contain every one of {@code labels} */
    static double sum(String text, String metric, String... labels) {
        double total = 0;
        for (String line : text.split("\n")) {
            if (line.startsWith("#") || !(line.startsWith(metric + "{") || line.startsWith(metric + " "))) {
                continue;
            }
            boolean all = true;
            for (String label : labels) {
                all &= line.contains(label);
            }
            if (all) {
                total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return total;
    }

    @Test
    void aPutThroughAServeNodeMovesItsQueryMetersAndStatusLine(@TempDir Path dir) throws Exception {
        List<String> modulePath = CliProcess.modulePath();
        try (CliProcess serve = CliProcess.start(dir, "serve", modulePath, "dht", "serve", "--port", "0",
                "--metrics", "127.0.0.1:0", "--status-interval", "1s")) {
            String nodeLine = serve.awaitLine("the ready line", l -> NODE_LINE.matcher(l).matches());
            Matcher node = NODE_LINE.matcher(nodeLine);
            assertTrue(node.matches());
            String url = metricsUrl(serve);
            String before = scrape(url);
            assertTrue(before.contains("# TYPE topictracker_dht_queries_total counter"), before);
            double putsBefore = sum(before, "topictracker_dht_queries_total", "direction=\"in\"", "type=\"put\"");

            CliProcess put = CliProcess.start(dir, "put", modulePath, "dht", "put", "--bootstrap", node.group(1),
                    "--seed", "09".repeat(32), "--value", "metered");
            put.closeInput();
            assertEquals(ExitCode.OK, put.awaitExit(), put::toString);

            String after = scrape(url);
            assertTrue(sum(after, "topictracker_dht_queries_total", "direction=\"in\"", "type=\"put\"",
                    "outcome=\"ok\"") > putsBefore, after);
            assertTrue(sum(after, "topictracker_dht_queries_total", "direction=\"in\"", "type=\"get\"") > 0, after);
            Await.until(CliProcess.WAIT, "a status line showing the stored item\n" + serve,
                    () -> serve.stderrText().lines().anyMatch(l -> l.startsWith("dht-status: routing table ")
                            && l.contains("stored 1 items, 0 peers") && l.contains("external address unknown")));
        }
    }

    @Test
    void twoChatsExchangingALineMoveTheirGossipAndTransportMeters(@TempDir Path dir) throws Exception {
        List<String> modulePath = CliProcess.modulePath();
        try (CliProcess a = CliProcess.start(dir, "a", modulePath, "chat", "--topic", "metrics-test", "--secret", "s",
                "--metrics", ":0", "--bind", "127.0.0.1")) {
            String aSelf = a.awaitLine("a's self line", l -> l.startsWith(SELF)).substring(SELF.length());
            // b dials the address of a's first self line: the bytes count under that address's transport
            String transport = "transport=\"" + aSelf.substring(aSelf.indexOf('@') + 1, aSelf.indexOf("://")) + "\"";
            String aUrl = metricsUrl(a);
            try (CliProcess b = CliProcess.start(dir, "b", modulePath, "chat", "--topic", "metrics-test", "--secret",
                    "s", "--peer", aSelf, "--bind", "127.0.0.1")) {
                String bShort = b.awaitLine("b's self line", l -> l.startsWith(SELF)).substring(SELF.length(),
                        SELF.length() + 10);
                a.awaitLine("a sees b", l -> l.startsWith("* neighbor up " + bShort));
                String before = scrape(aUrl);
                double gossipIn = sum(before, "topictracker_gossip_messages_total", "direction=\"in\"",
                        "kind=\"gossip\"");
                double bytesIn = sum(before, "topictracker_transport_bytes_total", "direction=\"in\"", transport);
                assertTrue(sum(before, "topictracker_transport_connections_opened_total") >= 1, before);
                assertTrue(sum(before, "topictracker_gossip_neighbors") >= 1, before);

                b.send("counted line");
                a.awaitLine("b's line at a", l -> l.equals(bShort + ": counted line"));

                String after = scrape(aUrl);
                assertTrue(sum(after, "topictracker_gossip_messages_total", "direction=\"in\"", "kind=\"gossip\"")
                        > gossipIn, after);
                assertTrue(sum(after, "topictracker_transport_bytes_total", "direction=\"in\"", transport) > bytesIn,
                        after);
                assertTrue(sum(after, "topictracker_gossip_deliveries_total") >= 1, after);
            }
        }
    }

    @Test
    void aBadMetricsAddressIsAUsageError() {
        CliRun run = CliRun.of("dht", "serve", "--metrics", "localhost:http");
        assertEquals(ExitCode.USAGE, run.status(), run::toString);
        assertTrue(run.err().contains("--metrics") && run.err().contains("localhost:http"), run::toString);
    }
}
