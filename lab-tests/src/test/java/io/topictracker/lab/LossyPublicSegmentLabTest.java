package io.topictracker.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14, scenario 1: three hosts on one public segment with a 40 ms round trip and 1 % loss per frame
 * ({@link ImpairedSwitch}); {@code dht serve} on one; two {@code chat}s with a user's defaults on the others (no bind
 * option, no {@code --peer}, no {@code --config}: the wildcard of both families, advertising the host's address) find
 * each other through the DHT records and exchange messages both ways. The one option is {@code --bootstrap}, which
 * points the chats' DHT at the lab's serve node instead of the public routers.
 *
 * <p>The chats run without the test suite's {@code TOPIC_TRACKER_DHT_LOOPBACK_ONLY} (it would bind them to 127.0.0.1,
 * which is not a user's default). They still cannot reach a public router: the bootstrap node is named, and the
 * hosts have no route beyond 198.51.100.0/24, which the test checks.
 */
@Tag("lab")
class LossyPublicSegmentLabTest {
    static final Duration ROUND_TRIP = Duration.ofMillis(40);
    static final double LOSS = 0.01;
    /** Records are per real minute and looked up every 2 s (the defaults): a slot or two at most, plus losses. */
    static final Duration MEET = Duration.ofSeconds(150);

    @Test
    void twoChatsWithDefaultBindsMeetThroughTheDhtAndChatBothWays(@TempDir Path dir) {
        try (NetLab lab = NetLab.create(dir)) {
            LabHost a = lab.addHost("a", 10);
            LabHost b = lab.addHost("b", 20);
            LabHost c = lab.addHost("c", 30);
            lab.impair(ROUND_TRIP, LOSS, 1);
            for (LabHost host : List.of(b, c)) {
                assertEquals("", Commands.check("ip", "-n", host.namespace(), "route", "show", "default"),
                        "no way out of the lab from " + host.name());
            }
            LabProcess serve = Cli.serveOn(lab, a);
            LabProcess chatB = lab.start(b, "chat-b", userChat(a));
            LabProcess chatC = lab.start(c, "chat-c", userChat(a));

            // A chat without --config runs the node's default transports, QUIC first: its first self line is QUIC's.
            String bSelf = chatB.awaitLine("B's self line", l -> l.startsWith("self: "), Cli.READY);
            assertTrue(bSelf.contains("@quic://" + b.ipv4() + ":"),
                    "B's default bind advertises its address: " + bSelf);
            String cSelf = chatC.awaitLine("C's self line", l -> l.startsWith("self: "), Cli.READY);
            assertTrue(cSelf.contains("@quic://" + c.ipv4() + ":"),
                    "C's default bind advertises its address: " + cSelf);
            String bId = Cli.shortId(chatB);
            String cId = Cli.shortId(chatC);
            chatB.awaitLine("B meets C", l -> l.startsWith("* neighbor up " + cId), MEET);
            chatC.awaitLine("C meets B", l -> l.startsWith("* neighbor up " + bId), MEET);

            chatB.send("hello from b");
            chatC.awaitLine("B's message at C", l -> l.equals(bId + ": hello from b"), Duration.ofSeconds(30));
            chatC.send("hello from c");
            chatB.awaitLine("C's message at B", l -> l.equals(cId + ": hello from c"), Duration.ofSeconds(30));
            chatB.stop();
            chatC.stop();
            serve.stop();
        }
    }

    /** A chat as a user starts it, with the lab's serve node as the one bootstrap node. */
    static List<String> userChat(LabHost serveHost) {
        return Cli.asAUser(Cli.command("chat", "--topic", "lab-lossy", "--secret", "s3cret",
                "--bootstrap", serveHost.ipv4() + ":6881"));
    }
}
