package io.topictracker.lab;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mainline DHT between three hosts, each a real {@code topic-tracker} process (issue 14: "dht put ... reports
 * acknowledged 1/1 while a raw KRPC get of that target sent to the serving node right after answers with no v"; on
 * 127.0.0.1 all worked). Host A runs {@code dht serve}; host B puts a BEP44 mutable item through it; a raw KRPC
 * {@code get} from host C shows A itself holds it; {@code dht get} on C finds it; then B replaces it with a higher
 * {@code --seq} and C finds that one. And a node whose bootstrap answers a firewall dropped joins once they get
 * through; and two chats on B and C meet through A. Every address is the lab's own (198.51.100.0/24): the processes inherit the
 * test suite's {@code TOPIC_TRACKER_DHT_LOOPBACK_ONLY}, whose guard lets such documentation addresses through.
 */
@Tag("lab")
class DhtAcrossHostsLabTest {
    private static final Duration READY = Duration.ofSeconds(90);
    /** A whole client run: JVM start, bootstrap, lookup and store, on a loaded 2-core machine. */
    private static final Duration CLIENT_RUN = Duration.ofSeconds(120);
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    private static final Pattern PUT_LINE = Pattern.compile(
            "put: pubkey ([0-9a-f]{64}) seq (\\d+) target ([0-9a-f]{40}) acknowledged (\\d+)/(\\d+)");
    private static final String SEED = "5e".repeat(32);
    private static final String SALT = "lab";

    /** {@code java --module-path ... --module io.topictracker.cli/...Main}, as ./topic-tracker runs it. */
    private static List<String> topicTracker(String... args) throws IOException {
        String modulePath = Files.readString(Path.of(System.getProperty("lab.cliModulePathFile"))).strip();
        List<String> command = new ArrayList<>(List.of(JAVA, "--module-path", modulePath,
                "--add-modules", "ALL-MODULE-PATH", "--module", "io.topictracker.cli/io.topictracker.cli.Main"));
        command.addAll(List.of(args));
        return command;
    }

    private static String testClasses() throws URISyntaxException {
        return Path.of(KrpcGet.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    @Test
    void aMutableItemPutFromHostBIsStoredOnTheServeNodeOfHostAAndFoundFromHostC(@TempDir Path dir)
            throws Exception {
        try (NetLab lab = NetLab.create(dir)) {
            LabHost a = lab.addHost("a", 10);
            LabHost b = lab.addHost("b", 20);
            LabHost c = lab.addHost("c", 30);
            LabProcess serve = lab.start(a, "serve", topicTracker("dht", "serve", "--bind", a.ipv4(),
                    "--port", "6881", "--seconds", "600", "--status-interval", "0"));
            serve.awaitLine("the ready line", l -> l.matches("dht-node: 198\\.51\\.100\\.10:6881 [0-9a-f]{40}"),
                    READY);
            String bootstrap = a.ipv4() + ":6881";

            Matcher first = put(lab, b, bootstrap, "from host b", null);
            String pubkey = first.group(1);
            String target = first.group(3);
            assertEquals("0", first.group(2), "the first item of this key: seq 0");
            // the client is read-only (it exits next): the serve node is the one storing node, and it accepted
            assertEquals("1/1", first.group(4) + "/" + first.group(5), first.group());

            // what issue 14 saw: host A answered a get of the target with no v
            Map<String, Object> stored = rawGet(lab, c, a, target);
            assertArrayEquals(utf8("from host b"), (byte[]) stored.get("v"), "host A holds the value: " + stored);
            assertEquals(0L, stored.get("seq"));
            assertArrayEquals(HexFormat.of().parseHex(pubkey), (byte[]) stored.get("k"));

            Commands.Result get = get(lab, c, bootstrap, pubkey);
            assertEquals(0, get.status(), get.output());
            assertTrue(get.output().lines().anyMatch(l -> l.startsWith("{\"pubkey\":\"" + pubkey + "\"")
                    && l.contains("\"seq\":0,") && l.contains("\"value\":\"from host b\"")), get.output());

            // a newer version (BEP44: a higher seq replaces the stored item)
            Matcher second = put(lab, b, bootstrap, "seq seven", 7L);
            assertEquals("7", second.group(2), second.group());
            assertEquals("1/1", second.group(4) + "/" + second.group(5), second.group());
            Commands.Result newer = get(lab, c, bootstrap, pubkey);
            assertEquals(0, newer.status(), newer.output());
            List<String> items = newer.output().lines().filter(l -> l.startsWith("{")).toList();
            assertEquals(1, items.size(), "only the newer item is left: " + newer.output());
            assertTrue(items.get(0).contains("\"seq\":7,") && items.get(0).contains("\"value\":\"seq seven\""),
                    newer.output());
            assertEquals(7L, rawGet(lab, c, a, target).get("seq"));

            assertTrue(serve.isAlive(), "still serving\n" + serve);
            serve.stop();
            String stopped = serve.toString();
            assertTrue(stopped.contains("(exit 0)") && stopped.contains("dht-node: stopping (SIGTERM)"), stopped);
        }
    }

    /**
     * A lost datagram must not leave a node alone for good: host B's firewall (nftables, inside B's namespace only)
     * drops the serve node's answers while B's {@code dht serve --bootstrap} starts, so B is up with an empty table;
     * once the drop is lifted B joins by bootstrapping again (it stayed at 0 nodes before, whatever the wait).
     */
    @Test
    void aNodeWhoseBootstrapAnswersWereDroppedJoinsOnceTheyGetThrough(@TempDir Path dir) throws Exception {
        try (NetLab lab = NetLab.create(dir)) {
            LabHost a = lab.addHost("a", 10);
            LabHost b = lab.addHost("b", 20);
            LabProcess serve = serveOn(lab, a);

            nft(b, "add", "table", "inet", "labdrop");
            nft(b, "add", "chain", "inet", "labdrop", "input", "{ type filter hook input priority 0; }");
            nft(b, "add", "rule", "inet", "labdrop", "input", "ip", "saddr", a.ipv4(), "udp", "sport", "6881", "drop");
            LabProcess node = lab.start(b, "node", topicTracker("dht", "serve", "--bind", b.ipv4(), "--port", "6881",
                    "--bootstrap", a.ipv4() + ":6881", "--seconds", "600", "--status-interval", "1s"));
            // printed once start is over, that is once the bootstrap ended (unanswered: every answer dropped)
            node.awaitLine("B's ready line", l -> l.startsWith("dht-node: 198.51.100.20:6881 "), READY);
            node.awaitErrorLine("a status line of B with an empty table",
                    l -> l.startsWith("dht-status: routing table 0 nodes"), READY);

            nft(b, "delete", "table", "inet", "labdrop");
            node.awaitErrorLine("B's table with A in it", l -> l.startsWith("dht-status: routing table 1 nodes"),
                    Duration.ofSeconds(90));
            node.stop();
            serve.stop();
        }
    }

    /**
     * Issue 14's chats: two {@code chat --bootstrap} on hosts B and C, joined through {@code dht serve} on A, find
     * each other through the topic's DHT records (no {@code --peer}). Their TCP transports are bound to the hosts'
     * addresses in {@code --config} by hand (binding the wildcard by default is the addresses part of the issue); the
     * DHT side is the command's own. Before, {@code --bootstrap} bound the chat's DHT socket to 127.0.0.1, which
     * cannot reach another host, so neither chat ever stored or found a record.
     */
    @Test
    void twoChatsOnHostsBAndCMeetThroughTheServeNodeOnHostA(@TempDir Path dir) throws Exception {
        try (NetLab lab = NetLab.create(dir)) {
            LabHost a = lab.addHost("a", 10);
            LabHost b = lab.addHost("b", 20);
            LabHost c = lab.addHost("c", 30);
            LabProcess serve = serveOn(lab, a);
            LabProcess chatB = lab.start(b, "chat-b", chat(dir, b, a, b.ipv4()));
            LabProcess chatC = lab.start(c, "chat-c", chat(dir, c, a, c.ipv4()));
            awaitMeeting(chatB, chatC);
            chatB.stop();
            chatC.stop();
            serve.stop();
        }
    }

    /**
     * The addresses part of issue 14: chats whose TCP transport is bound to the wildcard (the default for users; the
     * test suite's default is loopback, so it is named here) advertise their host's lab address, not 0.0.0.0 or
     * 127.0.0.1 as they did, and so two of them on different hosts can dial each other and meet.
     */
    @Test
    void twoChatsBoundToTheWildcardAdvertiseTheirHostsAddressAndMeet(@TempDir Path dir) throws Exception {
        try (NetLab lab = NetLab.create(dir)) {
            LabHost a = lab.addHost("a", 10);
            LabHost b = lab.addHost("b", 20);
            LabHost c = lab.addHost("c", 30);
            LabProcess serve = serveOn(lab, a);
            LabProcess chatB = lab.start(b, "chat-b", chat(dir, b, a, "0.0.0.0"));
            LabProcess chatC = lab.start(c, "chat-c", chat(dir, c, a, "0.0.0.0"));
            String bSelf = chatB.awaitLine("B's self line", l -> l.startsWith("self: "), READY);
            assertTrue(bSelf.contains("@tcp://" + b.ipv4() + ":"), "B advertises its host's address: " + bSelf);
            String cSelf = chatC.awaitLine("C's self line", l -> l.startsWith("self: "), READY);
            assertTrue(cSelf.contains("@tcp://" + c.ipv4() + ":"), "C advertises its host's address: " + cSelf);
            awaitMeeting(chatB, chatC);
            chatB.stop();
            chatC.stop();
            serve.stop();
        }
    }

    /** Starts {@code dht serve} on {@code host}'s address, port 6881, and waits for its ready line. */
    private static LabProcess serveOn(NetLab lab, LabHost host) throws IOException {
        LabProcess serve = lab.start(host, "serve", topicTracker("dht", "serve", "--bind", host.ipv4(),
                "--port", "6881", "--seconds", "600", "--status-interval", "0"));
        serve.awaitLine("the serve node's ready line", l -> l.startsWith("dht-node: " + host.ipv4() + ":6881 "), READY);
        return serve;
    }

    /** Waits until each chat has the other as a neighbour; records are per real minute: a slot or two at most. */
    private static void awaitMeeting(LabProcess chatB, LabProcess chatC) throws Exception {
        String bId = chatB.awaitLine("B's self line", l -> l.startsWith("self: "), READY).substring(6, 16);
        String cId = chatC.awaitLine("C's self line", l -> l.startsWith("self: "), READY).substring(6, 16);
        chatB.awaitLine("B meets C", l -> l.startsWith("* neighbor up " + cId), Duration.ofSeconds(150));
        chatC.awaitLine("C meets B", l -> l.startsWith("* neighbor up " + bId), Duration.ofSeconds(150));
    }

    private static List<String> chat(Path dir, LabHost host, LabHost bootstrap, String bind) throws IOException {
        Path config = Files.writeString(dir.resolve("chat-" + host.name() + ".toml"), """
                [node]
                transports = ["tcp"]

                [transport.tcp]
                bind_address = "%s"
                port = 0

                [bootstrap]
                discovery_poll_interval = "500ms"
                no_peers_retry_interval = "500ms"
                """.formatted(bind));
        return topicTracker("chat", "--topic", "lab-dht-chat", "--secret", "s3cret", "--config", config.toString(),
                "--bootstrap", bootstrap.ipv4() + ":6881");
    }

    private static void nft(LabHost host, String... args) {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", host.namespace(), "nft"));
        command.addAll(List.of(args));
        Commands.check(command.toArray(String[]::new));
    }

    /** Runs {@code dht put} on {@code host} to completion; returns its matched output line (status 0 required). */
    private static Matcher put(NetLab lab, LabHost host, String bootstrap, String value, Long seq) throws Exception {
        List<String> args = new ArrayList<>(List.of("dht", "put", "--bind", host.ipv4(), "--bootstrap", bootstrap,
                "--seed", SEED, "--salt", SALT, "--value", value, "--timeout", "30s"));
        if (seq != null) {
            args.addAll(List.of("--seq", seq.toString()));
        }
        Commands.Result put = lab.run(host, CLIENT_RUN, topicTracker(args.toArray(String[]::new)));
        assertEquals(0, put.status(), put.output());
        for (String line : put.output().lines().toList()) {
            Matcher m = PUT_LINE.matcher(line);
            if (m.matches()) {
                return m;
            }
        }
        throw new AssertionError("no put line in\n" + put.output());
    }

    private static Commands.Result get(NetLab lab, LabHost host, String bootstrap, String pubkey) throws Exception {
        return lab.run(host, CLIENT_RUN, topicTracker("dht", "get", "--bind", host.ipv4(), "--bootstrap", bootstrap,
                "--pubkey", pubkey, "--salt", SALT, "--json", "--timeout", "30s"));
    }

    /** A raw KRPC get from {@code from} to the node on {@code node}:6881; returns the response's {@code r}. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> rawGet(NetLab lab, LabHost from, LabHost node, String target)
            throws Exception {
        Commands.Result result = lab.run(from, Duration.ofSeconds(60), List.of(JAVA, "-cp", testClasses(),
                KrpcGet.class.getName(), from.ipv4(), node.ipv4(), "6881", target, "10000"));
        assertEquals(0, result.status(), result.output());
        String[] words = result.output().strip().split(" ");
        assertEquals(node.ipv4() + ":6881", words[2], result.output());
        Map<String, Object> reply = (Map<String, Object>) Bencode.decode(HexFormat.of().parseHex(words[3]));
        assertArrayEquals(utf8("r"), (byte[]) reply.get("y"), "a response (y = r): " + result.output());
        assertArrayEquals(utf8(KrpcGet.TRANSACTION), (byte[]) reply.get("t"), "our transaction id");
        return (Map<String, Object>) reply.get("r");
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
