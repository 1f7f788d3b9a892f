package io.topictracker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.cli.support.ExitCode;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two {@code chat} processes on one machine, on the module path, over TCP on 127.0.0.1: the second joins the first
 * with {@code --peer} taken from the first's {@code self:} line; a line typed into each arrives at the other with its
 * author; closing their input ends both with status 0. Each has its own in-process DHT, so only {@code --peer} can
 * bring them together.
 */
class ChatProcessesTest {
    private static final String SELF = "self: ";

    @Test
    void twoChatsTalkThroughPeer(@TempDir Path dir) throws Exception {
        Path key = dir.resolve("a.key");
        CliRun keygen = CliRun.of("keygen", "--out", key.toString());
        assertEquals(ExitCode.OK, keygen.status(), keygen::toString);
        String keyId = keygen.out().lines().filter(l -> l.startsWith("peer id: ")).findFirst().orElseThrow()
                .substring("peer id: ".length());

        List<String> modulePath = CliProcess.modulePath();
        try (CliProcess a = CliProcess.start(dir, "a", modulePath,
                        "chat", "--topic", "cli-chat-test", "--secret", "s3cret", "--key", key.toString(),
                        "--bind", "127.0.0.1");
                CliProcess b = startSecond(dir, modulePath, a)) {
            String aSelf = a.awaitLine("a's self line", l -> l.startsWith(SELF)).substring(SELF.length());
            String bSelf = b.awaitLine("b's self line", l -> l.startsWith(SELF)).substring(SELF.length());
            // Without --config a chat runs the node's default transports, QUIC first; --bind applies to each.
            assertTrue(aSelf.startsWith(keyId + "@quic://127.0.0.1:"), () -> "--key sets the identity: " + aSelf);
            String aTcp = a.awaitLine("a's tcp self line", l -> l.startsWith(SELF) && l.contains("@tcp://"));
            assertTrue(aTcp.startsWith(SELF + keyId + "@tcp://127.0.0.1:"), () -> "--bind applies to tcp too: " + aTcp);
            String aShort = aSelf.substring(0, 10);
            String bShort = bSelf.substring(0, 10);

            a.awaitLine("a sees b as a neighbour", l -> l.startsWith("* neighbor up " + bShort));
            b.awaitLine("b sees a as a neighbour", l -> l.startsWith("* neighbor up " + aShort));

            b.send("hello from b");
            a.awaitLine("b's line at a", l -> l.equals(bShort + ": hello from b"));
            a.send("and hello from a");
            b.awaitLine("a's line at b", l -> l.equals(aShort + ": and hello from a"));

            b.closeInput();
            assertEquals(ExitCode.OK, b.awaitExit(), b::toString);
            a.closeInput();
            assertEquals(ExitCode.OK, a.awaitExit(), a::toString);
            assertTrue(a.lines().stream().noneMatch(l -> l.startsWith(aShort + ": ")),
                    () -> "a does not print its own lines back\n" + a);
        }
    }

    /** A peer named with --peer that is not up yet is joined again until it is there. */
    @Test
    void aPeerThatComesUpLaterIsJoinedOnceItIsThere(@TempDir Path dir) throws Exception {
        Path key = dir.resolve("late.key");
        CliRun keygen = CliRun.of("keygen", "--out", key.toString());
        assertEquals(ExitCode.OK, keygen.status(), keygen::toString);
        String lateId = keygen.out().lines().filter(l -> l.startsWith("peer id: ")).findFirst().orElseThrow()
                .substring("peer id: ".length());
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort(); // free now; the late peer binds it below
        }
        Path lateConfig = Files.writeString(dir.resolve("late.toml"), """
                [node]
                dht = "inmemory"
                transports = ["tcp"]

                [transport.tcp]
                bind_address = "127.0.0.1"
                port = %d
                """.formatted(port));

        List<String> modulePath = CliProcess.modulePath();
        try (CliProcess early = CliProcess.start(dir, "early", modulePath, "chat", "--topic", "cli-chat-late",
                "--secret", "s3cret", "--bind", "127.0.0.1", "--peer", lateId + "@tcp://127.0.0.1:" + port)) {
            early.awaitLine("the early chat tries again while its peer is down",
                    l -> l.equals("* no neighbor yet: joining 1 peer(s) again"));
            try (CliProcess late = CliProcess.start(dir, "late", modulePath, "chat", "--topic", "cli-chat-late",
                    "--secret", "s3cret", "--key", key.toString(), "--config", lateConfig.toString())) {
                early.awaitLine("the early chat reaches the late one",
                        l -> l.startsWith("* neighbor up " + lateId.substring(0, 10)));
                late.closeInput();
                assertEquals(ExitCode.OK, late.awaitExit(), late::toString);
            }
            early.closeInput();
            assertEquals(ExitCode.OK, early.awaitExit(), early::toString);
        }
    }

    private static CliProcess startSecond(Path dir, List<String> modulePath, CliProcess a) throws Exception {
        String peer = a.awaitLine("a's self line", l -> l.startsWith(SELF)).substring(SELF.length());
        return CliProcess.start(dir, "b", modulePath,
                "chat", "--topic", "cli-chat-test", "--secret", "s3cret", "--peer", peer, "--bind", "127.0.0.1");
    }
}
