package io.topictracker.lab;

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
 * Issue 15, scenario 2: peers behind symmetric NATs meet through a relay. A behind a symmetric router, B behind an
 * endpoint-independent one, C behind another symmetric one; a public member P runs {@code topic-tracker relay}
 * ({@code --serve auto}: it relays once a reservation reaches it from a global address); {@code dht serve} on S; the
 * public segment has a 40 ms round trip and 1 % loss. The chats name P as their relay in their configuration, join
 * P directly and find each other through it and the DHT records: A and B (symmetric × endpoint-independent) and A and C (symmetric ×
 * symmetric) become neighbours through P, the chats say so, and messages go both ways. Then P stops: the chats say
 * that their reservation ended and why, and lose each other.
 */
@Tag("lab")
class RelayLabTest {
    static final Duration ROUND_TRIP = Duration.ofMillis(40);
    static final double LOSS = 0.01;
    /** Records are per real minute and looked up every 2 s (the defaults): a slot or two at most, plus losses. */
    static final Duration MEET = Duration.ofSeconds(150);
    static final Duration DELIVERY = Duration.ofSeconds(30);
    static final String TOPIC = "lab-relay";
    static final int RELAY_PORT = 4100;

    @Test
    void peersBehindSymmetricNatsMeetThroughTheRelayAndSayWhyNotOnceItIsGone(@TempDir Path dir) {
        try (NetLab lab = NetLab.create(dir)) {
            LabHost s = lab.addHost("s", 10);
            LabHost p = lab.addHost("p", 30);
            LabHost routerA = lab.addNatRouter("ra", 1, 1, NetLab.NatMapping.SYMMETRIC, false);
            LabHost routerB = lab.addNatRouter("rb", 2, 2, NetLab.NatMapping.ENDPOINT_INDEPENDENT, false);
            LabHost routerC = lab.addNatRouter("rc", 3, 3, NetLab.NatMapping.SYMMETRIC, true);
            LabHost a = lab.addLanHost("a", routerA, 2);
            LabHost b = lab.addLanHost("b", routerB, 2);
            LabHost c = lab.addLanHost("c", routerC, 2);
            lab.impair(ROUND_TRIP, LOSS, 15);
            Path config = natedConfig(dir, p);

            LabProcess serve = Cli.serveOn(lab, s);
            LabProcess relay = lab.start(p, "relay-p", relayOn(s));
            String relayLine = relay.awaitLine("P's relay address", l -> l.startsWith("self: ")
                    && l.contains("@relay://" + p.ipv4() + ":" + RELAY_PORT), Cli.READY);
            String pId = relayLine.substring(6, 16);
            // P's TCP address as a --peer: the chats join P at once and meet each other through its ForwardJoins
            // (and the DHT records), so the test spends its time on the relay, not on the records' minute slots
            String pPeer = relay.awaitLine("P's TCP address", l -> l.startsWith("self: ")
                    && l.contains("@tcp://" + p.ipv4() + ":"), Cli.READY).substring(6);
            LabProcess chatA = lab.start(a, "chat-a", natedChat(s, config, pPeer));
            LabProcess chatB = lab.start(b, "chat-b", natedChat(s, config, pPeer));
            LabProcess chatC = lab.start(c, "chat-c", natedChat(s, config, pPeer));
            String aId = Cli.shortId(chatA);
            String bId = Cli.shortId(chatB);
            String cId = Cli.shortId(chatC);
            assertTrue(chatA.awaitLine("A's relay address", l -> l.startsWith("self: ") && l.contains("@relay://"
                    + p.ipv4() + ":" + RELAY_PORT), Cli.READY).contains(aId), "A advertises its relay");

            String relayed = " (relayed via " + pId + ")";
            chatA.awaitLine("A meets B through P", l -> l.equals("* neighbor up " + bId + relayed), MEET);
            chatB.awaitLine("B meets A through P", l -> l.equals("* neighbor up " + aId + relayed), MEET);
            chatA.awaitLine("A meets C through P", l -> l.equals("* neighbor up " + cId + relayed), MEET);
            chatC.awaitLine("C meets A through P", l -> l.equals("* neighbor up " + aId + relayed), MEET);

            chatA.send("hello from a");
            chatB.awaitLine("A's message at B", l -> l.equals(aId + ": hello from a"), DELIVERY);
            chatC.awaitLine("A's message at C", l -> l.equals(aId + ": hello from a"), DELIVERY);
            chatC.send("hello from c");
            chatA.awaitLine("C's message at A", l -> l.equals(cId + ": hello from c"), DELIVERY);

            relay.stop();
            for (LabProcess chat : List.of(chatA, chatB, chatC)) {
                chat.awaitErrorLine("why the relay no longer helps", l -> l.contains("reservation at relay://"
                        + p.ipv4() + ":" + RELAY_PORT + " ended"), DELIVERY);
            }
            chatA.awaitLine("A loses B", l -> l.equals("* neighbor down " + bId), DELIVERY);
            chatA.awaitLine("A loses C", l -> l.equals("* neighbor down " + cId), DELIVERY);
            chatA.awaitErrorLine("why A cannot reach the relay again", l -> l.contains("no reservation at relay://"
                    + p.ipv4() + ":" + RELAY_PORT) && l.contains("could not reach it"), DELIVERY);
            for (LabProcess process : List.of(chatA, chatB, chatC, serve)) {
                process.stop();
            }
        }
    }

    /** The NATed chats' configuration: TCP and the relay transport, P as their relay. */
    private static Path natedConfig(Path dir, LabHost relayHost) {
        Path file = dir.resolve("nated.toml");
        try {
            Files.writeString(file, "[node]\ntransports = [\"tcp\", \"relay\"]\n\n[transport.relay]\nrelays = "
                    + "[\"relay://" + relayHost.ipv4() + ":" + RELAY_PORT + "\"]\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    static List<String> natedChat(LabHost serveHost, Path config) {
        return Cli.asAUser(Cli.command("chat", "--topic", TOPIC, "--secret", "s3cret", "--config", config.toString(),
                "--bootstrap", serveHost.ipv4() + ":6881"));
    }

    /** As {@link #natedChat(LabHost, Path)}, joining {@code peer} (ID@ADDRESS) directly too. */
    static List<String> natedChat(LabHost serveHost, Path config, String peer) {
        return Cli.asAUser(Cli.command("chat", "--topic", TOPIC, "--secret", "s3cret", "--config", config.toString(),
                "--bootstrap", serveHost.ipv4() + ":6881", "--peer", peer));
    }

    static List<String> relayOn(LabHost serveHost) {
        return Cli.asAUser(Cli.command("relay", "--topic", TOPIC, "--secret", "s3cret", "--serve", "auto",
                "--port", String.valueOf(RELAY_PORT), "--bootstrap", serveHost.ipv4() + ":6881"));
    }
}
