package io.topictracker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.cli.support.ExitCode;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code topic-tracker dht ...} as processes on the module path, on 127.0.0.1 only: a {@code dht serve} node, then
 * put/get/announce/get-peers through it; and two {@code chat} processes that find each other through the serve node
 * ({@code --bootstrap}) with no {@code --peer}, via the topic's DHT records under the real clock. The first serve
 * node is stopped by SIGTERM, the second with {@code --stop-on-eof} by closing its input: both exit 0.
 */
class DhtProcessesTest {
    private static final Pattern NODE_LINE = Pattern.compile("dht-node: 127\\.0\\.0\\.1:(\\d+) [0-9a-f]{40}");
    private static final String SELF = "self: ";

    /** A serve node on any free port ({@code --port 0}): its ready line says which. */
    private static CliProcess serve(Path dir, List<String> modulePath, String... more) throws IOException {
        List<String> args = new ArrayList<>(List.of("dht", "serve", "--port", "0"));
        args.addAll(List.of(more));
        return CliProcess.start(dir, "serve", modulePath, args.toArray(String[]::new));
    }

    private static String bootstrapOf(CliProcess serve) {
        String line = serve.awaitLine("the serve node's ready line", l -> NODE_LINE.matcher(l).matches());
        return "127.0.0.1:" + line.substring("dht-node: 127.0.0.1:".length(), line.indexOf(' ', 10));
    }

    private static CliProcess run(Path dir, List<String> modulePath, String name, String... args)
            throws Exception {
        CliProcess process = CliProcess.start(dir, name, modulePath, args);
        process.closeInput();
        process.awaitExit();
        return process;
    }

    @Test
    void putGetAnnounceGetPeersThroughAServeNode(@TempDir Path dir) throws Exception {
        List<String> modulePath = CliProcess.modulePath();
        List<CliProcess> started = new ArrayList<>();
        try (CliProcess serve = serve(dir, modulePath)) {
            String bootstrap = bootstrapOf(serve);
            String seed = "07".repeat(32);
            CliProcess put = run(dir, modulePath, "put", "dht", "put", "--bootstrap", bootstrap, "--seed", seed,
                    "--salt", "cli", "--value", "hello dht");
            started.add(put);
            assertEquals(ExitCode.OK, put.awaitExit(), put::toString);
            String putLine = put.lines().stream().filter(l -> l.startsWith("put: pubkey ")).findFirst()
                    .orElseThrow(() -> new AssertionError(put.toString()));
            String pubkey = putLine.split(" ")[2];
            assertTrue(putLine.contains(" seq 0 "), putLine);

            CliProcess get = run(dir, modulePath, "get", "dht", "get", "--bootstrap", bootstrap, "--pubkey", pubkey,
                    "--salt", "cli", "--json");
            started.add(get);
            assertEquals(ExitCode.OK, get.awaitExit(), get::toString);
            assertTrue(get.lines().stream().anyMatch(l -> l.startsWith("{\"pubkey\":\"" + pubkey + "\"")
                    && l.contains("\"seq\":0") && l.contains("\"value\":\"hello dht\"")), get::toString);

            CliProcess missing = run(dir, modulePath, "get-missing", "dht", "get", "--bootstrap", bootstrap,
                    "--pubkey", pubkey, "--salt", "other", "--timeout", "5s");
            started.add(missing);
            assertEquals(ExitCode.FAILED, missing.awaitExit(), missing::toString);

            String infoHash = "5a".repeat(20);
            CliProcess announce = run(dir, modulePath, "announce", "dht", "announce", "--bootstrap", bootstrap,
                    "--infohash", infoHash, "--port", "4321");
            started.add(announce);
            assertEquals(ExitCode.OK, announce.awaitExit(), announce::toString);

            CliProcess peers = run(dir, modulePath, "get-peers", "dht", "get-peers", "--bootstrap", bootstrap,
                    "--infohash", infoHash);
            started.add(peers);
            assertEquals(ExitCode.OK, peers.awaitExit(), peers::toString);
            assertTrue(peers.lines().contains("peer: 127.0.0.1:4321"), peers::toString);

            serve.terminate();
            assertEquals(ExitCode.OK, serve.awaitExit(), serve::toString);
        } finally {
            for (CliProcess process : started) {
                process.close();
            }
        }
    }

    /**
     * A client stores nothing on itself (BEP43 read-only: the process exits right after), so a put whose bootstrap
     * node never answers reached no node and says so with status 1, instead of "acknowledged 1/1" for a copy kept
     * only in the exiting process (how issue 14's put looked successful while no other node had the item).
     */
    @Test
    void aPutThatReachesNoOtherNodeFailsInsteadOfAcknowledgingItself(@TempDir Path dir) throws Exception {
        try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            CliProcess put = run(dir, CliProcess.modulePath(), "put-alone", "dht", "put", "--bootstrap",
                    "127.0.0.1:" + silent.getLocalPort(), "--seed", "09".repeat(32), "--value", "nobody hears",
                    "--timeout", "5s");
            try {
                assertEquals(ExitCode.FAILED, put.awaitExit(), put::toString);
                assertTrue(put.stderrText().contains("no node stored the item"), put::toString);
                assertTrue(put.lines().stream().noneMatch(l -> l.startsWith("put: ")), put::toString);
            } finally {
                put.close();
            }
        }
    }

    /**
     * The chats' bootstrap loops poll every 500 ms instead of 2 s (the {@code --config} file below); the DHT records
     * are still per real minute, so this runs on the wall clock and may take a slot or two.
     */
    @Test
    void twoChatsMeetThroughAServeNodeWithoutPeer(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("node.toml"), """
                [node]
                transports = ["tcp"]

                [transport.tcp]
                bind_address = "127.0.0.1"
                port = 0

                [bootstrap]
                discovery_poll_interval = "500ms"
                no_peers_retry_interval = "500ms"
                """);
        List<String> modulePath = CliProcess.modulePath();
        try (CliProcess serve = serve(dir, modulePath, "--stop-on-eof")) {
            String bootstrap = bootstrapOf(serve);
            try (CliProcess a = chat(dir, modulePath, "a", config, bootstrap);
                    CliProcess b = chat(dir, modulePath, "b", config, bootstrap)) {
                String aShort = a.awaitLine("a's self line", l -> l.startsWith(SELF)).substring(SELF.length(), 16);
                String bShort = b.awaitLine("b's self line", l -> l.startsWith(SELF)).substring(SELF.length(), 16);
                b.awaitLine("b sees a as a neighbour", l -> l.startsWith("* neighbor up " + aShort));
                a.awaitLine("a sees b as a neighbour", l -> l.startsWith("* neighbor up " + bShort));
                b.send("found you through the DHT");
                a.awaitLine("b's line at a", l -> l.equals(bShort + ": found you through the DHT"));

                b.closeInput();
                assertEquals(ExitCode.OK, b.awaitExit(), b::toString);
                a.closeInput();
                assertEquals(ExitCode.OK, a.awaitExit(), a::toString);
            }
            serve.closeInput();
            assertEquals(ExitCode.OK, serve.awaitExit(), serve::toString);
        }
    }

    private static CliProcess chat(Path dir, List<String> modulePath, String name, Path config, String bootstrap)
            throws IOException {
        return CliProcess.start(dir, name, modulePath, "chat", "--topic", "cli-dht-chat", "--secret", "s3cret",
                "--config", config.toString(), "--bootstrap", bootstrap, "--bind", "127.0.0.1");
    }
}
