package io.topictracker.lab;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15, scenario 3: a relayed connection upgrades to a direct one once a direct path exists (PROTOCOL.md §9, after
 * libp2p DCUtR). A behind a symmetric NAT router, B behind an endpoint-independent one, a public member P running
 * {@code topic-tracker relay --serve auto}, {@code dht serve} on S; the public segment has a 40 ms round trip and 1 %
 * loss. The chats (QUIC and the relay transport, P as their relay) meet through P, and the upgrade's first round of
 * attempts fails (the initiator logs it). Then A's router turns endpoint-independent: at the next round, 30 s later,
 * the chats say the neighbour is direct now, neither lost it on the way, messages still go both ways, and each router's conntrack table holds a UDP flow answered both ways between the chat's QUIC socket
 * and the other router's public address at the other chat's QUIC port.
 *
 * <p>Both routers drop unsolicited packets: while A's NAT is symmetric every upgrade attempt sends punches that cannot
 * succeed, and a router that keeps them remembers their 4-tuples, which can make it move a mapping later (see
 * {@link NetLab#addNatRouter}); that effect is scenario 1's subject, not this one's. The change of mapping forgets A's
 * router's UDP flows only ({@code conntrack -D -p udp}), not its TCP flows: A's relay hops to P are TCP flows mapped
 * at random ports, and a full flush (a reboot) would cut them, and with them the relayed connection this scenario
 * upgrades; the UDP flows must go, since the symmetric mapping of A's QUIC socket towards B's NAT would otherwise
 * outlive the change for as long as the failed attempts keep it busy.
 */
@Tag("lab")
class UpgradeLabTest {
    static final Duration ROUND_TRIP = Duration.ofMillis(40);
    static final double LOSS = 0.01;
    /** Records per real minute, looked up every 2 s, then a relayed dial after the direct one fails. */
    static final Duration MEET = Duration.ofSeconds(150);
    /** A round of 3 attempts: a round trip and a QUIC handshake timeout (10 s) each, with room for a loaded host. */
    static final Duration ROUND = Duration.ofSeconds(90);
    /** The rest of the 30 s period between rounds and one attempt, with room for a loaded host. */
    static final Duration UPGRADE = Duration.ofSeconds(120);
    static final Duration DELIVERY = Duration.ofSeconds(30);
    static final String TOPIC = "lab-upgrade";
    static final int RELAY_PORT = 4100;

    @Test
    void aRelayedConnectionBecomesDirectOnceTheSymmetricNatTurnsEndpointIndependent(@TempDir Path dir) {
        try (NetLab lab = NetLab.create(dir)) {
            LabHost s = lab.addHost("s", 10);
            LabHost p = lab.addHost("p", 30);
            LabHost routerA = lab.addNatRouter("ra", 1, 1, NetLab.NatMapping.SYMMETRIC, true);
            LabHost routerB = lab.addNatRouter("rb", 2, 2, NetLab.NatMapping.ENDPOINT_INDEPENDENT, true);
            LabHost a = lab.addLanHost("a", routerA, 2);
            LabHost b = lab.addLanHost("b", routerB, 2);
            lab.impair(ROUND_TRIP, LOSS, 23);
            Path config = chatConfig(dir, p);

            LabProcess serve = Cli.serveOn(lab, s);
            LabProcess relay = lab.start(p, "relay-p", relayOn(s));
            String relayLine = relay.awaitLine("P's relay address", l -> l.startsWith("self: ")
                    && l.contains("@relay://" + p.ipv4() + ":" + RELAY_PORT), Cli.READY);
            String pId = relayLine.substring(6, 16);
            // the chats speak QUIC and the relay transport: they join P at its relay listener (a dial expecting the
            // relay's own id gets the relay itself) and meet each other through P and the DHT records
            String pPeer = relayLine.substring(6);
            LabProcess chatA = lab.start(a, "chat-a", chat(s, config, pPeer));
            LabProcess chatB = lab.start(b, "chat-b", chat(s, config, pPeer));
            int aPort = PunchLab.quicPort(chatA.awaitLine("A's QUIC self line", PunchLab::isLanQuicSelfLine,
                    Cli.READY));
            int bPort = PunchLab.quicPort(chatB.awaitLine("B's QUIC self line", PunchLab::isLanQuicSelfLine,
                    Cli.READY));
            String aId = Cli.shortId(chatA);
            String bId = Cli.shortId(chatB);

            String relayed = " (relayed via " + pId + ")";
            chatA.awaitLine("A meets B through P", l -> l.equals("* neighbor up " + bId + relayed), MEET);
            chatB.awaitLine("B meets A through P", l -> l.equals("* neighbor up " + aId + relayed), MEET);
            int aMet = chatA.lineCount();
            int bMet = chatB.lineCount();

            // the upgrade's first round (3 attempts) fails while A's NAT is symmetric; the lower id initiates and says so
            String aFull = chatA.awaitLine("A's self line", l -> l.startsWith("self: "), Cli.READY).substring(6, 70);
            String bFull = chatB.awaitLine("B's self line", l -> l.startsWith("self: "), Cli.READY).substring(6, 70);
            boolean aInitiates = aFull.compareTo(bFull) < 0; // lowercase hex: text order is unsigned byte order
            LabProcess initiator = aInitiates ? chatA : chatB;
            String other = aInitiates ? bId : aId;
            initiator.awaitErrorLine("the first round of upgrade attempts failing", l -> l.contains("no direct path to "
                    + other + " yet: 3 attempts"), ROUND);
            int aFrom = chatA.lineCount();
            int bFrom = chatB.lineCount();
            for (LabProcess chat : List.of(chatA, chatB)) {
                for (int i = 0; i < chat.lineCount(); i++) {
                    assertFalse(chat.line(i).endsWith(" now direct"), "direct before the NAT change: " + chat.line(i));
                }
            }

            long changed = System.nanoTime();
            lab.setNatMapping(routerA, NetLab.NatMapping.ENDPOINT_INDEPENDENT, false);
            lab.run(routerA, Duration.ofSeconds(10), List.of("conntrack", "-D", "-p", "udp"));
            int aDirect;
            int bDirect;
            try {
                aDirect = chatA.awaitLineIndex(aFrom, "A's line: B is direct now",
                        l -> l.equals("* neighbor " + bId + " now direct"), UPGRADE);
                bDirect = chatB.awaitLineIndex(bFrom, "B's line: A is direct now",
                        l -> l.equals("* neighbor " + aId + " now direct"), UPGRADE);
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\n" + chatB + "\nA's router's UDP flows:\n"
                        + udpFlows(lab, routerA) + "\nB's router's UDP flows:\n" + udpFlows(lab, routerB), e);
            }
            // the figure BENCHMARKS.md reports: from the NAT change to each chat's line
            System.out.printf("upgrade-lab: NAT change to direct: A %d ms, B %d ms%n",
                    (chatA.arrivalNanos(aDirect) - changed) / 1_000_000,
                    (chatB.arrivalNanos(bDirect) - changed) / 1_000_000);
            chatA.send("hello from a");
            chatB.awaitLine("A's message at B", l -> l.equals(aId + ": hello from a"), DELIVERY);
            chatB.send("hello from b");
            chatA.awaitLine("B's message at A", l -> l.equals(bId + ": hello from b"), DELIVERY);

            for (LabProcess chat : List.of(chatA, chatB)) {
                for (int i = chat == chatA ? aMet : bMet; i < chat.lineCount(); i++) {
                    assertFalse(chat.line(i).startsWith("* neighbor down"), "the neighbour stayed up through the"
                            + " upgrade and after: " + chat.line(i) + "\n" + chatA + "\n" + chatB);
                }
            }

            String aFlow = answeredUdpFlow(lab, routerA, a, aPort, routerB.ipv4(), bPort);
            assertFalse(aFlow.isEmpty(), "A's QUIC socket talks directly to B's NAT at B's port " + bPort
                    + "; A's router's UDP flows:\n" + udpFlows(lab, routerA));
            String bFlow = answeredUdpFlow(lab, routerB, b, bPort, routerA.ipv4(), aPort);
            assertFalse(bFlow.isEmpty(), "B's QUIC socket talks directly to A's NAT at A's port " + aPort
                    + "; B's router's UDP flows:\n" + udpFlows(lab, routerB));
            for (LabProcess process : List.of(chatA, chatB, relay, serve)) {
                process.stop();
            }
        }
    }

    /** The chats' configuration: QUIC (the punching transport) and the relay transport, P as their relay. */
    private static Path chatConfig(Path dir, LabHost relayHost) {
        Path file = dir.resolve("upgrade-chat.toml");
        try {
            Files.writeString(file, "[node]\ntransports = [\"quic\", \"relay\"]\n\n[transport.relay]\nrelays = "
                    + "[\"relay://" + relayHost.ipv4() + ":" + RELAY_PORT + "\"]\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    private static List<String> relayOn(LabHost serveHost) {
        return Cli.asAUser(Cli.command("relay", "--topic", TOPIC, "--secret", "s3cret", "--serve", "auto",
                "--port", String.valueOf(RELAY_PORT), "--bootstrap", serveHost.ipv4() + ":6881"));
    }

    private static List<String> chat(LabHost serveHost, Path config, String peer) {
        // --verbose: the engine's info log, where the upgrade's initiator says its first round failed
        return Cli.asAUser(Cli.command("chat", "--verbose", "--topic", TOPIC, "--secret", "s3cret", "--config",
                config.toString(), "--bootstrap", serveHost.ipv4() + ":6881", "--peer", peer));
    }

    /** As {@link PunchLab#answeredUdpFlow}: the router's UDP flow between the two sockets if answered both ways. */
    private static String answeredUdpFlow(NetLab lab, LabHost router, LabHost lanHost, int lanPort, String remote,
            int remotePort) {
        Commands.Result result = lab.run(router, Duration.ofSeconds(10), List.of("conntrack", "-L", "-p", "udp",
                "--orig-src", lanHost.ipv4(), "--sport", String.valueOf(lanPort), "--orig-dst", remote,
                "--dport", String.valueOf(remotePort)));
        return result.output().lines().filter(l -> l.startsWith("udp") && !l.contains("UNREPLIED")).findFirst()
                .orElse("");
    }

    private static String udpFlows(NetLab lab, LabHost router) {
        return lab.run(router, Duration.ofSeconds(10), List.of("conntrack", "-L", "-p", "udp")).output();
    }
}
