package io.topictracker.lab;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15, scenario 1: two chats, each on a LAN behind its own endpoint-independent NAT, and only public
 * {@code dht serve} nodes (no public topic member, no relay) meet and chat both ways over a direct QUIC connection
 * punched through both NATs: each router's conntrack table holds a UDP flow answered both ways from its chat's QUIC
 * socket to the other router's public address at the other chat's QUIC port, and both chats say the neighbour is
 * direct. Run with both router kinds the issue names: routers that drop unsolicited packets on their WAN side and
 * routers that keep them (see {@link NetLab#addNatRouter}: a punch that arrives before the other side has sent moves
 * that side's mapping). Both chats are fresh, so both first dial at their first-contact instant, 2.7 s after the later
 * start (PROTOCOL.md §8); a pair that misses it (one read the other's record late) meets at a punch slot, 40–175 s
 * after the failed dial by design (ARCHITECTURE.md, NAT traversal). Figures for both:
 * {@link PunchMeasurements}.
 */
@Tag("lab")
class HolePunchLabTest {
    /** Routers that drop: records per real minute, looked up every 2 s; the first dials punch through. */
    static final Duration MEET = Duration.ofSeconds(150);
    /**
     * Routers that keep: both records visible (up to a minute or two under load), then the first-contact instant; if
     * that is missed, the failed dials (10 s) and a punch slot 40–175 s later; the rest is room for a loaded CI
     * machine. A bound, not a sleep: the wait ends at the neighbour line.
     */
    static final Duration MEET_AT_A_PUNCH_SLOT = Duration.ofSeconds(420);
    private static final Duration DELIVERY = Duration.ofSeconds(30);

    @Test
    void chatsBehindTwoNatsThatDropUnsolicitedPacketsMeetDirectly(@TempDir Path dir) {
        meetDirectly(new PunchLab(dir, true, 11), MEET);
    }

    @Test
    void chatsBehindTwoNatsThatKeepUnsolicitedPacketsMeetDirectly(@TempDir Path dir) {
        meetDirectly(new PunchLab(dir, false, 12), MEET_AT_A_PUNCH_SLOT);
    }

    private static void meetDirectly(PunchLab setup, Duration meet) {
        try (NetLab lab = setup.lab) {
            List<LabProcess> serves = setup.serve();
            LabProcess chatA = lab.start(setup.a, "chat-a", setup.chat("lab-punch"));
            LabProcess chatB = lab.start(setup.b, "chat-b", setup.chat("lab-punch"));
            String aSelf = chatA.awaitLine("A's QUIC self line", PunchLab::isLanQuicSelfLine, Cli.READY);
            String bSelf = chatB.awaitLine("B's self line", PunchLab::isLanQuicSelfLine, Cli.READY);
            int aPort = PunchLab.quicPort(aSelf);
            int bPort = PunchLab.quicPort(bSelf);
            String aId = Cli.shortId(chatA);
            String bId = Cli.shortId(chatB);

            try {
                chatA.awaitLine("A meets B directly", l -> l.equals("* neighbor up " + bId + " (direct)"), meet);
                chatB.awaitLine("B meets A directly", l -> l.equals("* neighbor up " + aId + " (direct)"), meet);
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\n" + chatB + "\nA's router's UDP flows:\n"
                        + setup.udpFlows(setup.routerA) + "\nB's router's UDP flows:\n"
                        + setup.udpFlows(setup.routerB), e);
            }
            chatA.send("hello from a");
            chatB.awaitLine("A's message at B", l -> l.equals(aId + ": hello from a"), DELIVERY);
            chatB.send("hello from b");
            chatA.awaitLine("B's message at A", l -> l.equals(bId + ": hello from b"), DELIVERY);

            String aFlow = setup.answeredUdpFlow(setup.routerA, setup.a, aPort, setup.routerB.ipv4(), bPort);
            assertFalse(aFlow.isEmpty(), "A's QUIC socket talks directly to B's NAT at B's port " + bPort
                    + "; A's router's UDP flows:\n" + setup.udpFlows(setup.routerA));
            String bFlow = setup.answeredUdpFlow(setup.routerB, setup.b, bPort, setup.routerA.ipv4(), aPort);
            assertFalse(bFlow.isEmpty(), "B's QUIC socket talks directly to A's NAT at A's port " + aPort
                    + "; B's router's UDP flows:\n" + setup.udpFlows(setup.routerB));
            chatA.stop();
            chatB.stop();
            serves.forEach(LabProcess::stop);
        }
    }
}
