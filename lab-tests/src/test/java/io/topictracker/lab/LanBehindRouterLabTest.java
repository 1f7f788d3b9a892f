package io.topictracker.lab;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14, scenario 2: two hosts on a LAN (10.1.0.0/24) behind one router that masquerades them onto the public
 * segment, and one public host; all three chat in one topic (with a user's default binds, through a serve node on
 * a fourth, public host). The LAN pair connects over its LAN addresses, not through the router: the kernel's own
 * socket table on L1 ({@code ss}) shows its TCP connection with L2's LAN address (a connection through the router
 * would show the router's public address, 198.51.100.1, instead). The chats run TCP only ({@code --config}), as the
 * socket table check reads TCP connections; a chat's default (QUIC first) is the lossy segment test's.
 */
@Tag("lab")
class LanBehindRouterLabTest {
    private static final Duration MEET = Duration.ofSeconds(150);
    private static final Duration DELIVERY = Duration.ofSeconds(30);

    @Test
    void theLanPairMeetsOverItsLanAddressesAndAllThreeShareTheTopic(@TempDir Path dir) {
        try (NetLab lab = NetLab.create(dir)) {
            LabHost router = lab.addLanRouter("router", 1, 1);
            LabHost s = lab.addHost("s", 10);
            LabHost p = lab.addHost("p", 30);
            LabHost l1 = lab.addLanHost("l1", router, 2);
            LabHost l2 = lab.addLanHost("l2", router, 3);
            LabProcess serve = Cli.serveOn(lab, s);
            LabProcess chatP = lab.start(p, "chat-p", chat(dir, s));
            LabProcess chatL1 = lab.start(l1, "chat-l1", chat(dir, s));
            LabProcess chatL2 = lab.start(l2, "chat-l2", chat(dir, s));
            String pId = Cli.shortId(chatP);
            String l1Id = Cli.shortId(chatL1);
            String l2Id = Cli.shortId(chatL2);
            assertTrue(chatL1.awaitLine("L1's self line", l -> l.startsWith("self: "), Cli.READY)
                    .contains("@tcp://" + l1.ipv4() + ":"), "L1 advertises its LAN address\n" + chatL1);

            chatL1.awaitLine("L1 meets L2", l -> l.startsWith("* neighbor up " + l2Id), MEET);
            chatL2.awaitLine("L2 meets L1", l -> l.startsWith("* neighbor up " + l1Id), MEET);
            chatP.awaitLine("P meets the LAN", l -> l.startsWith("* neighbor up " + l1Id)
                    || l.startsWith("* neighbor up " + l2Id), MEET);

            List<String> peers = SocketTable.tcpPeers(l1);
            assertTrue(peers.contains(l2.ipv4()), "L1's connection with L2 is on the LAN: " + peers);
            assertTrue(peers.stream().noneMatch(peer -> peer.equals(router.ipv4()) || peer.equals("10.1.0.1")),
                    "nothing of L1 goes through the router back into the LAN: " + peers);

            chatP.send("from the public host");
            chatL1.awaitLine("P's message at L1", l -> l.equals(pId + ": from the public host"), DELIVERY);
            chatL2.awaitLine("P's message at L2", l -> l.equals(pId + ": from the public host"), DELIVERY);
            chatL2.send("from the lan");
            chatP.awaitLine("L2's message at P", l -> l.equals(l2Id + ": from the lan"), DELIVERY);
            chatL1.awaitLine("L2's message at L1", l -> l.equals(l2Id + ": from the lan"), DELIVERY);
            for (LabProcess process : List.of(chatP, chatL1, chatL2, serve)) {
                process.stop();
            }
        }
    }

    private static List<String> chat(Path dir, LabHost serveHost) {
        Path config = dir.resolve("chat-tcp.toml");
        try {
            java.nio.file.Files.writeString(config, "[node]\ntransports = [\"tcp\"]\n");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return Cli.asAUser(Cli.command("chat", "--topic", "lab-lan", "--secret", "s3cret",
                "--config", config.toString(), "--bootstrap", serveHost.ipv4() + ":6881"));
    }
}
