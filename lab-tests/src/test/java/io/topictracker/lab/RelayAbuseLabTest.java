package io.topictracker.lab;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * Issue 15, scenario 5: a relay under abuse. A public {@code topic-tracker relay} on P with small limits from its
 * configuration: one reservation per IP ({@code max_reservations_per_ip = 1}) and {@value #CIRCUIT_BYTES} bytes per
 * circuit ({@code circuit_bytes}). Four chats, each LAN behind a symmetric NAT (so members reach each other only
 * through P): A1 and A2 behind the same router (one public IP), B and C behind routers of their own; the public
 * segment has a 40 ms round trip and 1 % loss.
 *
 * <ul>
 *   <li>A1 reserves; A2, from the same IP, is refused and says so, naming the limit.</li>
 *   <li>B and C become neighbours through P (P logs their circuit). A1, once relayed to B, sends one message
 *       larger than a circuit may carry: P closes A1's circuit and says which limit it went over; no member prints
 *       the message.</li>
 *   <li>B and C keep their relayed connection (no neighbour down, no closing at P) and it carries messages both
 *       ways after the abuse.</li>
 * </ul>
 *
 * <p>Every member accepts relayed frames up to 2 MiB ({@code max_frame_size}), so the oversized message is stopped by
 * the relay's budget, not by a receiver's frame limit first.
 */
@Tag("lab")
class RelayAbuseLabTest {
    static final Duration ROUND_TRIP = Duration.ofMillis(40);
    static final double LOSS = 0.01;
    /** As RelayLabTest: the chats join P at once; records per minute, looked up every 2 s, plus losses. */
    static final Duration MEET = Duration.ofSeconds(150);
    static final Duration DELIVERY = Duration.ofSeconds(30);
    static final String TOPIC = "lab-relay-abuse";
    static final int RELAY_PORT = 4100;
    /** A circuit's budget: far more than a chat's control traffic and a few lines, far less than the abuse. */
    static final int CIRCUIT_BYTES = 512 * 1024;
    /** The abusive message: twice the circuit's budget, within the abuser's own message limit (1 MiB). */
    static final int ABUSE_CHARS = 1_000_000;

    @Test
    void aRelayRefusesAMemberOverItsLimitsAndOthersKeepTheirRelayedConnection(@TempDir Path dir) {
        try (NetLab lab = NetLab.create(dir)) {
            LabHost s = lab.addHost("s", 10);
            LabHost p = lab.addHost("p", 30);
            LabHost routerA = lab.addNatRouter("ra", 1, 1, NetLab.NatMapping.SYMMETRIC, true);
            LabHost routerB = lab.addNatRouter("rb", 2, 2, NetLab.NatMapping.SYMMETRIC, true);
            LabHost routerC = lab.addNatRouter("rc", 3, 3, NetLab.NatMapping.SYMMETRIC, true);
            LabHost a1 = lab.addLanHost("a1", routerA, 2);
            LabHost a2 = lab.addLanHost("a2", routerA, 3);
            LabHost b = lab.addLanHost("b", routerB, 2);
            LabHost c = lab.addLanHost("c", routerC, 2);
            lab.impair(ROUND_TRIP, LOSS, 25);
            String relayAddress = "relay://" + p.ipv4() + ":" + RELAY_PORT;
            Path relayConfig = write(dir.resolve("relay.toml"), "[node]\ntransports = [\"tcp\", \"relay\"]\n\n"
                    + "[transport.relay]\nmax_reservations_per_ip = 1\ncircuit_bytes = " + CIRCUIT_BYTES + "\n");
            String memberRelay = "[transport.relay]\nrelays = [\"" + relayAddress + "\"]\nmax_frame_size = 2097152\n";
            Path memberConfig = write(dir.resolve("member.toml"), "[node]\ntransports = [\"tcp\", \"relay\"]\n\n"
                    + memberRelay);
            Path abuserConfig = write(dir.resolve("abuser.toml"), "[node]\ntransports = [\"tcp\", \"relay\"]\n\n"
                    + "[gossip]\nmax_message_size = 1048576\n\n" + memberRelay
                    + "write_buffer_high_water_mark = 8388608\n");

            LabProcess serve = Cli.serveOn(lab, s);
            LabProcess relay = lab.start(p, "relay-p", Cli.asAUser(Cli.command("relay", "--verbose", "--topic",
                    TOPIC, "--secret", "s3cret", "--config", relayConfig.toString(), "--port",
                    String.valueOf(RELAY_PORT), "--bootstrap", s.ipv4() + ":6881")));
            String pId = relay.awaitLine("P's relay address", l -> l.startsWith("self: ")
                    && l.contains("@" + relayAddress), Cli.READY).substring(6, 16);
            String pPeer = relay.awaitLine("P's TCP address", l -> l.startsWith("self: ")
                    && l.contains("@tcp://" + p.ipv4() + ":"), Cli.READY).substring(6);

            LabProcess chatA1 = lab.start(a1, "chat-a1", chat(s, abuserConfig, pPeer));
            String a1Id = Cli.shortId(chatA1);
            relay.awaitErrorLine("A1's reservation", l -> l.contains("relay: reservation for " + a1Id + " from "
                    + routerA.ipv4()), Cli.READY);
            LabProcess chatA2 = lab.start(a2, "chat-a2", chat(s, memberConfig, pPeer));
            String refusal = chatA2.awaitErrorLine("A2's refusal at P", l -> l.contains("no reservation at "
                    + relayAddress) && l.contains("refused"), Cli.READY);
            assertTrue(refusal.contains("max_reservations_per_ip") && refusal.contains(routerA.ipv4()),
                    "A2 hears that its IP is over the per-IP reservation limit: " + refusal);

            LabProcess chatB = lab.start(b, "chat-b", chat(s, memberConfig, pPeer));
            LabProcess chatC = lab.start(c, "chat-c", chat(s, memberConfig, pPeer));
            String bId = Cli.shortId(chatB);
            String cId = Cli.shortId(chatC);
            chatB.awaitLine("B meets C", l -> isRelayedNeighbourUp(l, cId, pId), MEET);
            chatC.awaitLine("C meets B", l -> isRelayedNeighbourUp(l, bId, pId), MEET);
            relay.awaitErrorLine("B and C's circuit at P", l -> isCircuitOpened(l, bId, cId), MEET);
            chatA1.awaitLine("A1 meets B", l -> isRelayedNeighbourUp(l, bId, pId), MEET);
            relay.awaitErrorLine("A1 and B's circuit at P", l -> isCircuitOpened(l, a1Id, bId), MEET);

            int bBefore = chatB.lineCount();
            int cBefore = chatC.lineCount();
            chatA1.send("x".repeat(ABUSE_CHARS));
            String cut = relay.awaitErrorLine("P closing A1's circuit over its byte budget", l -> l.contains(
                    "relay: circuit ") && l.contains(a1Id) && l.contains("(circuit_bytes)"), DELIVERY);
            assertTrue(cut.contains("over " + CIRCUIT_BYTES), "the line names the limit's value: " + cut);

            chatB.send("hello from b");
            chatC.awaitLine("B's message at C", l -> l.equals(bId + ": hello from b"), DELIVERY);
            chatC.send("hello from c");
            chatB.awaitLine("C's message at B", l -> l.equals(cId + ": hello from c"), DELIVERY);

            String lostEachOther = "* neighbor down ";
            assertFalse(lines(chatB).subList(bBefore, chatB.lineCount()).contains(lostEachOther + cId),
                    "B kept C through the abuse:\n" + chatB + "\n" + chatC + "\n" + relayLines(dir));
            assertFalse(lines(chatC).subList(cBefore, chatC.lineCount()).contains(lostEachOther + bId),
                    "C kept B through the abuse:\n" + chatC + "\n" + chatB + "\n" + relayLines(dir));
            for (LabProcess member : List.of(chatA2, chatB, chatC)) {
                assertTrue(lines(member).stream().noneMatch(l -> l.startsWith(a1Id + ": ")),
                        "no member printed the oversized message (P cut it; a receiver's own limits refuse it too)");
            }
            assertTrue(stderrLines(dir, "relay-p").stream().noneMatch(l -> l.contains("relay: circuit ")
                    && l.contains(" closed") && l.contains(bId) && l.contains(cId)),
                    "P never closed B and C's circuit for a limit");
            for (LabProcess process : List.of(chatA1, chatA2, chatB, chatC, relay, serve)) {
                process.stop();
            }
        }
    }

    private static List<String> chat(LabHost serveHost, Path config, String peer) {
        // --verbose: the engine's info log on standard error, the clue in a failure message why a link went down
        return Cli.asAUser(Cli.command("chat", "--verbose", "--topic", TOPIC, "--secret", "s3cret", "--config",
                config.toString(), "--bootstrap", serveHost.ipv4() + ":6881", "--peer", peer));
    }

    /**
     * @return whether a chat's line says {@code peer} became a neighbour, and not directly: members behind symmetric
     *     NATs meet only through P. The path is printed when a connection is known; a neighbour named by a
     *     ForwardJoin before its connection opens is printed without one (the relay's circuit line proves the path).
     */
    private static boolean isRelayedNeighbourUp(String line, String peer, String relayId) {
        String up = "* neighbor up " + peer;
        return line.equals(up) || line.equals(up + " (relayed via " + relayId + ")");
    }

    /** @return whether a relay log line is the opening of a circuit between {@code one} and {@code other} */
    private static boolean isCircuitOpened(String line, String one, String other) {
        return line.contains("relay: circuit ") && !line.contains(" closed") && (line.endsWith(one + " -> " + other)
                || line.endsWith(other + " -> " + one));
    }

    private static List<String> lines(LabProcess process) {
        List<String> lines = new java.util.ArrayList<>();
        for (int i = 0; i < process.lineCount(); i++) {
            lines.add(process.line(i));
        }
        return lines;
    }

    /** @return the relay's own lines (reservations, circuits, closings), for failure messages */
    private static String relayLines(Path dir) {
        return "--- relay-p's relay lines\n" + String.join("\n", stderrLines(dir, "relay-p").stream()
                .filter(l -> l.contains("relay: ") || l.contains("WARN")).toList());
    }

    /** @return the process's standard error so far (the lab writes it to {@code <label>.stderr.txt} in dir) */
    private static List<String> stderrLines(Path dir, String label) {
        try {
            return Files.readAllLines(dir.resolve(label + ".stderr.txt"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path write(Path file, String text) {
        try {
            return Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
