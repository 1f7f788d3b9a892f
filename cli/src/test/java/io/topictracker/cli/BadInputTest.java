package io.topictracker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile and careless input, one row per case, run through the real command in this JVM: each ends with its exit
 * status (2 for bad arguments or configuration, 3 for a missing provider), a message naming the option or the
 * {@code file:line: key}, no stack trace, a short standard error (a huge value is never echoed whole), nothing on
 * standard output, and nothing created on disk.
 *
 * <p>In the arguments, {@code {config}} is replaced by the row's configuration file ({@code node.toml} in a folder of
 * its own) and {@code {dir}} by a folder holding {@code short.key} (3 bytes), {@code folder/} and
 * {@code binary.bin} (random bytes).
 */
class BadInputTest {
    private static final String PEER = "a".repeat(64);
    private static final String CHAT = "chat --topic t --secret s";
    /** A [node] table naming the DHT, so the rows after it reach the table they test. */
    private static final String INMEMORY = "[node]\ndht = \"inmemory\"\n";

    @TempDir
    static Path dir;

    @BeforeAll
    static void fixtures() throws IOException {
        Files.write(dir.resolve("short.key"), new byte[] {1, 2, 3});
        Files.createDirectory(dir.resolve("folder"));
        byte[] binary = new byte[4096];
        new Random(7).nextBytes(binary);
        binary[0] = (byte) 0xff; // never valid UTF-8, whatever the seed gives
        Files.write(dir.resolve("binary.bin"), binary);
    }

    static Stream<Case> cases() {
        return Stream.of(
                // configuration files (read by the engine's ConfigLoader; provider tables by their provider)
                toml("inline table 1000 deep", 2, "a = " + "{b = ".repeat(1000) + "1" + "}".repeat(1000),
                        "node.toml:1: a: nested deeper than 32 levels"),
                toml("array 1000 deep", 2, "a = " + "[".repeat(1000) + "]".repeat(1000),
                        "node.toml:1: a: nested deeper than 32 levels"),
                toml("dotted header 2000 deep", 2, "# deep\n[a" + ".b".repeat(2000) + "]\n",
                        "node.toml:2: a: nested deeper than 32 levels"),
                toml("dotted key 2000 deep", 2, "a" + ".b".repeat(2000) + " = 1\n",
                        "node.toml:1: a: nested deeper than 32 levels"),
                toml("key_file with a NUL", 2, "[node]\nkey_file = \"a\\u0000b\"\n",
                        "node.toml:2: node.key_file: a path cannot hold a NUL character"),
                toml("key_file empty", 2, "[node]\nkey_file = \"\"\n",
                        "node.toml:2: node.key_file: expected a file path, got an empty string"),
                tomlBytes("invalid UTF-8 on line 3", 2,
                        bytes("[node]\n# comment\nkey_file = \"", new byte[] {(byte) 0xc3, (byte) 0x28}, "\"\n"),
                        "node.toml:3: not UTF-8 text"),
                toml("key_file of 3 bytes", 2, "[node]\nkey_file = \"{dir}/short.key\"\n",
                        "node.key_file: " + "{dir}/short.key: not a key file: it must hold a 32-byte seed"),
                toml("key_file is a directory", 2, "[node]\nkey_file = \"{dir}/folder\"\n",
                        "node.key_file: {dir}/folder: is a directory"),
                toml("key_file in a missing folder", 2, "[node]\nkey_file = \"{dir}/missing/sub/node.key\"\n",
                        "node.key_file: {dir}/missing/sub/node.key: no such file; make one with "
                                + "'topic-tracker keygen --out {dir}/missing/sub/node.key'"),
                toml("key_file of 5000 characters", 2, "[node]\nkey_file = \"" + "k".repeat(5000) + "\"\n",
                        "node.toml:2: node.key_file: expected at most 4096 characters, got \"kkk",
                        "(5000 characters)"),
                toml("config of 10 MB (a 10 MB key_file)", 2,
                        "[node]\nkey_file = \"" + "k".repeat(10_000_000) + "\"\n",
                        "node.toml: larger than 256 KiB"),
                toml("key_file not a string", 2, "[node]\nkey_file = 42\n",
                        "node.toml:2: node.key_file: expected a string, got long 42"),
                toml("transports with a bad id", 2, "[node]\ntransports = [\"TCP!\"]\n",
                        "node.toml:2: node.transports: \"TCP!\" is not a provider id"),
                toml("unknown key of 5000 characters", 2, "x".repeat(5000) + " = 1\n",
                        "node.toml:1: xxxx", "more characters)"),
                toml("bootstrap port 99999", 2, mainline("\"127.0.0.1:99999\""),
                        "node.toml:4: dht.mainline.bootstrap: port must be 1 to 65535, got 99999"),
                toml("bootstrap port 0", 2, mainline("\"127.0.0.1:0\""),
                        "node.toml:4: dht.mainline.bootstrap: port must be 1 to 65535, got 0"),
                toml("bootstrap IPv6 without brackets", 2, mainline("\"::1:6881\""),
                        "node.toml:4: dht.mainline.bootstrap: an IPv6 address goes in brackets"),
                toml("bootstrap with no host", 2, mainline("\":6881\""),
                        "node.toml:4: dht.mainline.bootstrap: the host before ':' is empty"),
                toml("bootstrap without a port", 2, mainline("\"127.0.0.1\""),
                        "node.toml:4: dht.mainline.bootstrap: expected \"host:port\""),
                toml("bind_address empty", 2, mainline("\"127.0.0.1:6881\"") + "bind_address = \"\"\n",
                        "node.toml:5: dht.mainline.bind_address: expected the local IP address to bind"),
                toml("a duration of 2562048h in a config file", 2, INMEMORY + "[gossip]\nshuffle_interval = \"2562048h\"\n",
                        "node.toml:4: gossip.shuffle_interval: "),
                toml("a duration of 19 digits in a config file", 2,
                        INMEMORY + "[gossip]\njoin_deadline = \"9999999999999999999s\"\n",
                        "node.toml:4: gossip.join_deadline: "),
                toml("a negative flood rate", 2, INMEMORY + "[gossip]\nmax_broadcasts_per_second_per_peer = -1\n",
                        "node.toml:4: gossip.max_broadcasts_per_second_per_peer: expected 0 to 1048576"),
                toml("tcp handshakes per IP over the total", 2,
                        INMEMORY + "[transport.tcp]\nmax_handshakes_in_flight = 8\n"
                                + "max_handshakes_in_flight_per_ip = 9\n",
                        "transport.tcp.max_handshakes_in_flight_per_ip: must not exceed max_handshakes_in_flight (8),"
                                + " got 9"),
                toml("tcp port 99999", 2, INMEMORY + "[transport.tcp]\nport = 99999\n",
                        "node.toml:4: transport.tcp.port: expected 0 to 65535"),
                toml("relay serve mode unknown", 2, INMEMORY + "[transport.relay]\nserve = \"sometimes\"\n",
                        "node.toml:4: transport.relay.serve: expected \"off\", \"auto\" or \"always\""),
                toml("relay list naming a tcp address", 2,
                        INMEMORY + "[transport.relay]\nrelays = [\"tcp://192.0.2.1:5\"]\n",
                        "transport.relay.relays: \"tcp://192.0.2.1:5\" is not a relay address"),
                args("relay --serve unknown", 2, "--serve: expected 'always' or 'auto', got \"maybe\"",
                        "relay --topic t --secret s --serve maybe"),
                toml("an absent DHT provider", 3, "[node]\ndht = \"kademlia\"\n",
                        "no DHT provider 'kademlia'; available: [inmemory, mainline]"),
                args("--config is a directory", 2, "folder: is a directory", CHAT + " --config {dir}/folder"),
                args("--config is binary", 2, "binary.bin:1: not UTF-8 text", CHAT + " --config {dir}/binary.bin"),
                args("--config /dev/zero", 2, "zero: larger than 256 KiB", CHAT + " --config /dev/zero"),
                args("--config missing", 2, "--config {dir}/no.toml: no such file", CHAT + " --config {dir}/no.toml"),
                args("--config empty path", 2, "Invalid value for option '--config': expected a file path",
                        List.of("chat", "--topic", "t", "--secret", "s", "--config", "")),
                args("--key is a directory", 2, "--key {dir}/folder: is a directory", CHAT + " --key {dir}/folder"),
                args("--key of 3 bytes", 2, "--key {dir}/short.key: expected a key file", CHAT + " --key {dir}/short.key"),
                args("--key of 10 MB", 2, "Invalid value for option '--key': a path is at most 4096 characters",
                        List.of("chat", "--topic", "t", "--secret", "s", "--key", "k".repeat(10_000_000))),
                args("--key with a NUL", 2, "Invalid value for option '--key': not a valid path",
                        List.of("chat", "--topic", "t", "--secret", "s", "--key", "a\0b")),
                // chat
                args("--peer with a scheme no transport speaks", 2,
                        "--peer " + PEER + "@udp://127.0.0.1:1: no transport here speaks 'udp://'; this chat's "
                                + "transports: [quic, tcp, ", CHAT + " --peer " + PEER + "@udp://127.0.0.1:1"),
                args("--peer of 10 MB", 2, "Invalid value for option '--peer'",
                        List.of("chat", "--topic", "t", "--secret", "s", "--peer", "p".repeat(10_000_000))),
                args("chat --topic empty", 2, "Invalid value for option '--topic': a topic name must not be blank",
                        List.of("chat", "--topic", "", "--secret", "s")),
                args("chat --secret empty", 2, "--secret must not be empty",
                        List.of("chat", "--topic", "t", "--secret", "")),
                args("chat --bootstrap port 99999", 2, "Invalid value for option '--bootstrap' (HOST:PORT): port must "
                        + "be 1 to 65535, got 99999", CHAT + " --bootstrap 127.0.0.1:99999"),
                // demo
                args("demo --timeout 2562048h", 2, "Invalid value for option '--timeout': expected 100ms to 24h, got "
                        + "\"2562048h\"", "demo --timeout 2562048h"),
                args("demo --timeout 0s", 2, "Invalid value for option '--timeout': expected 100ms to 24h",
                        "demo --timeout 0s"),
                args("demo --timeout of 13 digits", 2, "Invalid value for option '--timeout': not a duration",
                        "demo --timeout 9999999999999s"),
                args("demo --topic empty", 2, "Invalid value for option '--topic': a topic name must not be blank",
                        List.of("demo", "--topic", " ")),
                args("demo --topic of 2000 characters", 2, "Invalid value for option '--topic': a topic name is at "
                        + "most 1024 characters", "demo --topic " + "t".repeat(2000)),
                args("demo --nodes negative", 2, "--nodes must be 2 to 200, got -5", "demo --nodes -5"),
                args("demo --messages huge", 2, "Invalid value for option '--messages': '99999999999' is not an int",
                        "demo --messages 99999999999"),
                args("demo --messages over the bound", 2, "--messages must be 1 to 10000, got 20000",
                        "demo --messages 20000"),
                args("demo --transport unknown", 3, "no transport provider 'udp'; available: [inmemory, quic, relay, tcp]; "
                        + "add a module that provides io.topictracker.api.transport.TransportProvider with id 'udp'",
                        "demo --transport udp"),
                args("demo --dht not an id", 2, "--dht must be a provider id (letters, digits, '-', '_' or '.'; see "
                        + "'topic-tracker providers'), got \"x/y\"", "demo --dht x/y"),
                args("demo --config missing", 2, "--config {dir}/none.toml: no such file",
                        "demo --config {dir}/none.toml"),
                new Case("demo --config with a typo in its [node] table", 2,
                        List.of("node.toml:2: node.dht: expected a string"),
                        "[node]\ndht = 7\n".getBytes(StandardCharsets.UTF_8), List.of("demo", "--config", "{config}")),
                // dht
                args("dht get --timeout 0s", 2, "Invalid value for option '--timeout': expected 100ms to 24h",
                        "dht get --bootstrap 127.0.0.1:6881 --pubkey " + PEER + " --timeout 0s"),
                args("dht put --timeout 25h", 2, "Invalid value for option '--timeout': expected 100ms to 24h",
                        "dht put --bootstrap 127.0.0.1:6881 --seed " + PEER + " --value v --timeout 25h"),
                args("dht serve --bind empty", 2, "Invalid value for option '--bind': expected a local IP address",
                        List.of("dht", "serve", "--port", "0", "--bind", "")),
                args("dht serve --rate-limit-per-ip -1", 2, "--rate-limit-per-ip must be 0 to 10000000, got -1",
                        "dht serve --port 0 --rate-limit-per-ip -1"),
                args("dht put --timeout 0s", 2, "Invalid value for option '--timeout': expected 100ms to 24h",
                        "dht put --bootstrap 127.0.0.1:6881 --seed " + PEER + " --value v --timeout 0s"),
                args("dht serve --port -1", 2, "--port must be 0 to 65535, got -1", "dht serve --port -1"),
                args("dht get --bootstrap port 0", 2, "Invalid value for option '--bootstrap' (HOST:PORT): port must "
                        + "be 1 to 65535, got 0", "dht get --bootstrap 127.0.0.1:0 --pubkey " + PEER),
                args("dht get --bootstrap IPv6 without brackets", 2, "an IPv6 address goes in brackets",
                        "dht get --bootstrap ::1:6881 --pubkey " + PEER),
                args("dht get --bootstrap with no host", 2, "Invalid value for option '--bootstrap' (HOST:PORT): "
                        + "expected HOST:PORT", "dht get --bootstrap :6881 --pubkey " + PEER),
                args("dht put --value over 996 bytes", 2, "--value must be at most 996 bytes",
                        "dht put --bootstrap 127.0.0.1:6881 --seed " + PEER + " --value " + "v".repeat(2000)),
                args("dht unknown subcommand", 2, "Unmatched argument at index 1: 'frob'", "dht frob"),
                // keygen and the command itself
                args("keygen --out empty", 2, "Invalid value for option '--out': expected a file path",
                        List.of("keygen", "--out", "")),
                args("keygen --out a directory", 2, "--out {dir}/folder is a directory", "keygen --out {dir}/folder"),
                args("keygen --out in a missing folder", 2, "does not exist", "keygen --out {dir}/none/k.key"),
                args("unknown subcommand", 2, "Unmatched argument at index 0: 'frobnicate'", "frobnicate"),
                args("unknown option of 10 MB", 2, "Unknown option", List.of("demo", "--" + "x".repeat(10_000_000))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void isRefusedClearly(Case row) throws IOException {
        List<String> args = new ArrayList<>();
        Path caseDir = Files.createTempDirectory(dir, "case");
        Path config = caseDir.resolve("node.toml");
        if (row.config() != null) {
            Files.write(config, row.config());
        }
        for (String arg : row.args()) {
            args.add(fill(arg, config));
        }
        List<Path> before = listing();

        CliRun run = CliRun.of(args.toArray(String[]::new));

        String shown = run.toString().length() > 3000 ? run.toString().substring(0, 3000) : run.toString();
        assertEquals(row.status(), run.status(), () -> row.name() + "\n" + shown);
        for (String expected : row.expected()) {
            String filled = fill(expected, config);
            assertTrue(run.err().contains(filled), () -> row.name() + ": expected '" + filled + "' in\n" + shown);
        }
        assertFalse(run.err().contains("\tat ") || run.err().contains("Exception in thread"),
                () -> row.name() + ": a stack trace\n" + shown);
        assertTrue(run.err().length() < 2000, () -> row.name() + ": standard error is " + run.err().length()
                + " characters; a bad value must not be echoed whole\n" + shown);
        assertEquals("", run.out(), () -> row.name() + ": nothing on standard output\n" + shown);
        assertEquals(before, listing(), () -> row.name() + ": a refused command must create nothing");
    }

    private static String fill(String text, Path config) {
        return text.replace("{config}", config.toString()).replace("{dir}", dir.toString());
    }

    private static List<Path> listing() throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.sorted().toList();
        }
    }

    private static String mainline(String bootstrap) {
        return "[node]\ndht = \"mainline\"\n[dht.mainline]\nbootstrap = [" + bootstrap + "]\n";
    }

    private static byte[] bytes(String before, byte[] middle, String after) {
        byte[] head = before.getBytes(StandardCharsets.UTF_8);
        byte[] tail = after.getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[head.length + middle.length + tail.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(middle, 0, all, head.length, middle.length);
        System.arraycopy(tail, 0, all, head.length + middle.length, tail.length);
        return all;
    }

    /** A chat with this configuration file; {@code {dir}} in the TOML is replaced too. */
    private static Case toml(String name, int status, String toml, String... expected) {
        byte[] content = toml.replace("{dir}", dir.toString()).getBytes(StandardCharsets.UTF_8);
        return tomlBytes(name, status, content, expected);
    }

    private static Case tomlBytes(String name, int status, byte[] content, String... expected) {
        return new Case(name, status, List.of(expected), content,
                List.of("chat", "--topic", "t", "--secret", "s", "--config", "{config}"));
    }

    /** A command line split at spaces (for arguments without spaces). */
    private static Case args(String name, int status, String expected, String commandLine) {
        return args(name, status, expected, List.of(commandLine.split(" ")));
    }

    private static Case args(String name, int status, String expected, List<String> args) {
        return new Case(name, status, List.of(expected), null, args);
    }

    /**
     * @param name what is tried
     * @param status the exit status expected
     * @param expected what standard error must contain
     * @param config the configuration file's bytes, or null for none
     * @param args the command line
     */
    record Case(String name, int status, List<String> expected, byte[] config, List<String> args) {
        @Override
        public String toString() {
            return name;
        }
    }
}
