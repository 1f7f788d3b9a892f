package io.topictracker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.cli.support.ExitCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A wrong command line exits with status 2 and one message naming what is wrong, whatever the command. */
class ArgumentErrorsTest {
    private static void assertUsageError(String expected, String... args) {
        CliRun run = CliRun.of(args);
        assertEquals(ExitCode.USAGE, run.status(), run::toString);
        assertTrue(run.err().contains(expected), () -> "expected '" + expected + "' in\n" + run);
        assertTrue(run.err().contains("--help' for more information"), run::toString);
        assertEquals("", run.out(), run::toString);
    }

    /** Checked once the command runs (before anything starts): status 2 and the message, without the usage hint. */
    private static void assertRejected(String expected, String... args) {
        CliRun run = CliRun.of(args);
        assertEquals(ExitCode.USAGE, run.status(), run::toString);
        assertTrue(run.err().contains(expected), () -> "expected '" + expected + "' in\n" + run);
        assertEquals("", run.out(), run::toString);
    }

    @Test
    void noCommand() {
        assertUsageError("missing COMMAND: one of [help, demo, chat, relay, keygen, providers, dht]");
    }

    @Test
    void unknownCommandListsTheCommands() {
        assertUsageError("Unmatched argument at index 0: 'dmeo'; commands are [help, demo, chat, relay, keygen, providers, dht]",
                "dmeo");
    }

    @Test
    void chatWithoutTopicOrSecret() {
        assertUsageError("Missing required options: '--topic=NAME', '--secret=S'", "chat");
    }

    @Test
    void chatWithAMalformedPeer() {
        assertUsageError("Invalid value for option '--peer' (ID@ADDRESS): 'nobody' is not ID@ADDRESS",
                "chat", "--topic", "t", "--secret", "s", "--peer", "nobody");
        assertUsageError("the ID before '@' must be 64 lowercase hex digits",
                "chat", "--topic", "t", "--secret", "s", "--peer", "abc@tcp://127.0.0.1:4000");
        assertUsageError("bad ADDRESS after '@'",
                "chat", "--topic", "t", "--secret", "s", "--peer", "a".repeat(64) + "@127.0.0.1:4000");
    }

    @Test
    void dhtOptionsNameTheOptionAndNeedABootstrap() {
        assertUsageError("Invalid value for option '--seed': expected 64 hex digits (32 bytes), got 3",
                "dht", "put", "--bootstrap", "127.0.0.1:6881", "--seed", "abc", "--value", "v");
        assertUsageError("Invalid value for option '--pubkey': expected 64 hex digits, got '"
                + "z".repeat(64) + "'", "dht", "get", "--bootstrap", "127.0.0.1:6881", "--pubkey", "z".repeat(64));
        assertUsageError("Invalid value for option '--infohash': expected 40 hex digits (20 bytes)",
                "dht", "get-peers", "--bootstrap", "127.0.0.1:6881", "--infohash", "a".repeat(64));
        assertUsageError("Invalid value for option '--bootstrap' (HOST:PORT): expected HOST:PORT",
                "dht", "announce", "--bootstrap", "localhost", "--infohash", "a".repeat(40), "--port", "1");
        assertRejected("--bootstrap HOST:PORT is required", "dht", "get", "--pubkey", "a".repeat(64));
        assertRejected("--salt must be at most 64 bytes", "dht", "get", "--bootstrap", "127.0.0.1:6881",
                "--pubkey", "a".repeat(64), "--salt", "s".repeat(65));
        assertRejected("--port must be 0 to 65535, got 70000", "dht", "serve", "--port", "70000");
        assertUsageError("missing COMMAND: one of [serve, get, put, announce, get-peers]", "dht");
    }

    /** Checked before the node starts, so a typo does not surface as a warning at the first stop. */
    @Test
    void dhtServeRoutingTableNeedsAWritableDirectory(@TempDir Path dir) {
        Path missing = dir.resolve("no-such-dir").resolve("table");
        assertRejected("--routing-table " + missing + ": directory " + missing.getParent() + " does not exist",
                "dht", "serve", "--port", "0", "--routing-table", missing.toString());
        assertRejected("--routing-table " + dir + " is a directory; name a file in it",
                "dht", "serve", "--port", "0", "--routing-table", dir.toString());
    }

    @Test
    void demoWithOutOfRangeValues() {
        assertUsageError("--nodes must be 2 to 200, got 1", "demo", "--nodes", "1");
        assertUsageError("Invalid value for option '--nodes': 'many' is not an int", "demo", "--nodes", "many");
        assertUsageError("not a duration: \"soon\"", "demo", "--timeout", "soon");
        assertUsageError("--transport must be a provider id", "demo", "--transport", "udp?");
    }

    /** Any id may be named; one that is not found is status 3, naming what exists and inventing no module. */
    @Test
    void demoNamingAnAbsentProviderIsStatusThree() {
        CliRun run = CliRun.of("demo", "--dht", "kad");
        assertEquals(ExitCode.PROVIDER_MISSING, run.status(), run::toString);
        assertTrue(run.err().contains("no DHT provider 'kad'; available: [inmemory, mainline]; add a module that "
                + "provides io.topictracker.api.dht.DhtProvider with id 'kad' to the module path (or its jar to the "
                + "class path)"), run::toString);
    }

    @Test
    void chatWithABadConfigFileNamesTheFileLineAndKey(@TempDir Path dir) throws IOException {
        Path config = Files.writeString(dir.resolve("node.toml"), "[bootstrap]\ndiscovery_pol_interval = \"1s\"\n");
        CliRun run = CliRun.of("chat", "--topic", "t", "--secret", "s", "--config", config.toString());
        assertEquals(ExitCode.USAGE, run.status(), run::toString);
        assertTrue(run.err().contains("node.toml:2: bootstrap.discovery_pol_interval: unknown key"), run::toString);

        CliRun missing = CliRun.of("chat", "--topic", "t", "--secret", "s", "--config", dir.resolve("no.toml").toString());
        assertEquals(ExitCode.USAGE, missing.status(), missing::toString);
        assertTrue(missing.err().contains("no.toml: no such file"), missing::toString);
    }

    @Test
    void chatNamingAnAbsentProviderIsStatusThree(@TempDir Path dir) throws IOException {
        Path config = Files.writeString(dir.resolve("node.toml"), "[node]\ndht = \"kademlia\"\n");
        CliRun run = CliRun.of("chat", "--topic", "t", "--secret", "s", "--config", config.toString());
        assertEquals(ExitCode.PROVIDER_MISSING, run.status(), run::toString);
        assertTrue(run.err().contains("no DHT provider 'kademlia'; available: [inmemory, mainline]"),
                run::toString);
    }

    @Test
    void keygenWithoutOut() {
        assertUsageError("Missing required option: '--out=FILE'", "keygen");
    }

    @Test
    void demoAndChatHelpListTheProviderIdsFound() {
        CliRun demo = CliRun.of("demo", "--help");
        assertEquals(ExitCode.OK, demo.status(), demo::toString);
        for (String expected : new String[] {"Providers found here (name them with --dht and --transport, or in "
                + "--config's [node] table):", "  dht:       inmemory, mainline", "  transport: inmemory, quic", "tcp",
                "  signing:   ed25519-bc", "--config=FILE"}) {
            assertTrue(demo.out().contains(expected), () -> "expected '" + expected + "' in\n" + demo);
        }
        CliRun chat = CliRun.of("chat", "--help");
        assertEquals(ExitCode.OK, chat.status(), chat::toString);
        for (String expected : new String[] {"Providers found here (name them in --config's [node] table):",
                "  dht:       inmemory, mainline"}) {
            assertTrue(chat.out().contains(expected), () -> "expected '" + expected + "' in\n" + chat);
        }
    }

    @Test
    void helpListsTheCommandsExitCodesAndProviders() {
        CliRun run = CliRun.of("--help");
        assertEquals(ExitCode.OK, run.status(), run::toString);
        for (String expected : new String[] {"demo", "chat", "keygen", "providers", "Exit codes:",
                "2   bad arguments or configuration", "dht        inmemory", "transport  tcp",
                "signing    ed25519-bc"}) {
            assertTrue(run.out().contains(expected), () -> "expected '" + expected + "' in\n" + run);
        }
    }
}
