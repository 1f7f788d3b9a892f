package io.topictracker.lab;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14, scenario 5: a host moves to a new address (ip addr del/add inside its namespace, as a DHCP renewal or
 * a new Wi-Fi would) while its chat runs; its next record carries the new address, and a newcomer reaches it there.
 *
 * <p>So that the newcomer can only have learnt the new address from B's own record, B is alone in the topic (no
 * neighbour lists another address of it, no Join carries it) and the newcomer C refuses incoming TCP connections
 * (nftables in C's namespace drops inbound SYNs): B, which keeps looking for peers while alone, finds C's record
 * but cannot dial it, so the meeting is C dialling B at 198.51.100.21, which only a record of B can have told it.
 * The kernel's socket table on C ({@code ss}) then shows that connection's far end.
 */
@Tag("lab")
class AddressChangeLabTest {
    /** The next minute's record (up to a minute away, then up to a publisher interval), then a lookup. */
    private static final Duration NEXT_RECORD = Duration.ofSeconds(150);

    @Test
    void aHostThatMovedIsReachedAtItsNewAddressByANewcomer(@TempDir Path dir) {
        try (NetLab lab = NetLab.create(dir)) {
            LabHost a = lab.addHost("a", 10);
            LabHost b = lab.addHost("b", 20);
            LabHost c = lab.addHost("c", 30);
            LabProcess serve = Cli.serveOn(lab, a);
            LabProcess chatB = lab.start(b, "chat-b", chat(dir, a));
            String bSelf = chatB.awaitLine("B's self line", l -> l.startsWith("self: "), Cli.READY);
            assertTrue(bSelf.contains("@tcp://198.51.100.20:"), bSelf);
            String bId = Cli.shortId(chatB);

            String moved = "198.51.100.21";
            Commands.check("ip", "-n", b.namespace(), "address", "del", b.ipv4() + "/24", "dev", "eth0");
            Commands.check("ip", "-n", b.namespace(), "address", "add", moved + "/24", "dev", "eth0");

            Commands.check("ip", "netns", "exec", c.namespace(), "nft", "add table inet labfw; "
                    + "add chain inet labfw input { type filter hook input priority 0; }; "
                    + "add rule inet labfw input tcp flags & (syn | ack) == syn drop");
            LabProcess chatC = lab.start(c, "chat-c", chat(dir, a));
            String cId = Cli.shortId(chatC);
            chatC.awaitLine("C reaching B", l -> l.startsWith("* neighbor up " + bId), NEXT_RECORD);
            chatB.awaitLine("B with C", l -> l.startsWith("* neighbor up " + cId), Duration.ofSeconds(30));

            List<String> peers = SocketTable.tcpPeers(c);
            assertTrue(peers.contains(moved), "C's connection goes to B's new address: " + peers);
            chatC.send("found you");
            chatB.awaitLine("C's message at B", l -> l.equals(cId + ": found you"), Duration.ofSeconds(30));
            chatB.stop();
            chatC.stop();
            serve.stop();
        }
    }

    /**
     * A user's chat (default binds; transport tcp, which the socket table reads), but publishing every 2-3 s rather than
     * every 10-60 s, so the next minute's record follows the minute's start closely (a minute's record cannot be
     * replaced within it: every put of a slot uses one seq).
     */
    private static List<String> chat(Path dir, LabHost serveHost) {
        Path config = dir.resolve("chat-publishing-often.toml");
        try {
            java.nio.file.Files.writeString(config, """
                    [node]
                    transports = ["tcp"]

                    [publisher]
                    base_interval = "2s"
                    max_jitter = "1s"
                    """);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return Cli.asAUser(Cli.command("chat", "--topic", "lab-moving", "--secret", "s3cret",
                "--config", config.toString(), "--bootstrap", serveHost.ipv4() + ":6881"));
    }
}
