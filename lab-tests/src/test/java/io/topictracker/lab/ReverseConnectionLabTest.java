package io.topictracker.lab;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15, "a public node and a NATed node: the public one reaches the NATed one by a reverse connection request
 * through a common neighbour" (PROTOCOL.md §10), with real chats over QUIC: a public contact C, a public chat P and
 * a chat N behind an endpoint-independent NAT, no DHT between them (each chat's DHT is in-process, so the only way
 * they meet is through C, named with {@code --peer}). P joins C first; then N joins C, whose ForwardJoin makes P
 * (which has C alone) take N as a neighbour and dial it, at N's LAN address, which P cannot reach. P asks C; C
 * forwards to N; N dials P back. Asserted: P and N become neighbours and chat, P asked for the dial back and N made
 * it (their debug lines), and N's router holds the answered UDP flow from N's QUIC socket to P: the connection was
 * opened from N's side.
 */
@Tag("lab")
class ReverseConnectionLabTest {
    static final Duration STARTED = Duration.ofSeconds(240);
    static final Duration MEET = Duration.ofSeconds(120);
    static final String TOPIC = "lab-reverse";

    @Test
    void aPublicChatThatWantsANattedOneIsDialledBackThroughTheirCommonNeighbour(@TempDir Path dir)
            throws IOException {
        try (NetLab lab = NetLab.create(dir)) {
            LabHost c = lab.addHost("c", 20);
            LabHost p = lab.addHost("p", 21);
            LabHost router = lab.addNatRouter("r", 1, 1, NetLab.NatMapping.ENDPOINT_INDEPENDENT, true);
            LabHost n = lab.addLanHost("n", router, 2);
            lab.impair(ManyNatsLabTest.ROUND_TRIP, ManyNatsLabTest.LOSS, 45);
            Path config = dir.resolve("quic-no-dht.toml");
            Files.writeString(config, "[node]\ntransports = [\"quic\"]\ndht = \"inmemory\"\n");

            LabProcess chatC = lab.start(c, "chat-c", chat(config));
            String cPeer = chatC.awaitLine("C's public QUIC address", l -> l.startsWith("self: ")
                    && l.contains("@quic://" + c.ipv4() + ":"), STARTED).substring(6);
            String cId = cPeer.substring(0, 10);
            LabProcess chatP = lab.start(p, "chat-p", chat(config, "--peer", cPeer));
            String pSelf = chatP.awaitLine("P's public QUIC address", l -> l.startsWith("self: ")
                    && l.contains("@quic://" + p.ipv4() + ":"), STARTED);
            String pId = pSelf.substring(6, 16);
            int pPort = Integer.parseInt(pSelf.substring(pSelf.lastIndexOf(':') + 1));
            chatP.awaitLine("P joined C", l -> l.startsWith("* neighbor up " + cId), MEET);

            LabProcess chatN = lab.start(n, "chat-n", chat(config, "--peer", cPeer));
            String nSelf = chatN.awaitLine("N's LAN QUIC address", PunchLab::isLanQuicSelfLine, STARTED);
            String nId = nSelf.substring(6, 16);
            int nPort = PunchLab.quicPort(nSelf);
            chatN.awaitLine("N has P as a neighbour", l -> l.equals("* neighbor up " + pId + " (direct)"), MEET);
            chatP.awaitLine("P has N as a neighbour", l -> l.equals("* neighbor up " + nId + " (direct)"), MEET);
            chatP.send("hello from p");
            chatN.awaitLine("P's message at N", l -> l.equals(pId + ": hello from p"), MEET);
            chatN.send("hello from n");
            chatP.awaitLine("N's message at P", l -> l.equals(nId + ": hello from n"), MEET);

            chatP.awaitErrorLine("P's request for N", l -> l.contains("neighbours to have " + nId + " dial us")
                    && !l.contains("asked 0 "), MEET);
            chatN.awaitErrorLine("N's dial back to P", l -> l.contains("dialling " + pId + " back (request via "
                    + cId + ")"), MEET);
            Commands.Result flows = lab.run(router, Duration.ofSeconds(10), List.of("conntrack", "-L", "-p", "udp",
                    "--orig-src", n.ipv4(), "--sport", String.valueOf(nPort), "--orig-dst", p.ipv4(), "--dport",
                    String.valueOf(pPort)));
            assertFalse(flows.output().lines().noneMatch(l -> l.startsWith("udp") && !l.contains("UNREPLIED")),
                    "N's QUIC socket opened an answered flow to P's; N's router's UDP flows:\n"
                            + lab.run(router, Duration.ofSeconds(10), List.of("conntrack", "-L", "-p", "udp"))
                                    .output());
            chatN.stop();
            chatP.stop();
            chatC.stop();
        }
    }

    private static List<String> chat(Path config, String... extra) {
        List<String> args = new ArrayList<>(List.of("chat", "--topic", TOPIC, "--secret", "s3cret", "--config",
                config.toString()));
        args.addAll(List.of(extra));
        return Cli.asAUser(Cli.withJvmOptions(Cli.command(args.toArray(String[]::new)), ManyNatsLabTest.JVM_OPTIONS));
    }
}
