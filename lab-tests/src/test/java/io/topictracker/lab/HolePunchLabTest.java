package io.topictracker.lab;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15, scenario 1: two chats, each on a LAN behind its own endpoint-independent NAT, and only a public
 * {@code dht serve} node (no public topic member, no relay) meet and chat both ways over a direct QUIC connection
 * punched through both NATs: each router's conntrack table holds a UDP flow answered both ways from its chat's QUIC socket to
 * the other router's public address at the other chat's QUIC port. Run with routers that drop unsolicited packets and
 * with routers that do not (where a punch that arrives before the other side has sent moves that side's mapping; see
 * {@link NetLab#addNatRouter}).
 */
@Tag("lab")
class HolePunchLabTest {
    /** Records per real minute, looked up every 2 s; the first dials punch through dropping NATs. */
    static final Duration MEET = Duration.ofSeconds(150);
    /**
     * With NATs that keep unsolicited packets the first dials usually fail, and the pair meets at a punch slot: the
     * failed dial (10 s), 30 s of quiet, up to one period to the first slot, then up to two 45-s periods when the
     * other side's own first dial fell close to that slot (see ARCHITECTURE.md, NAT traversal): about 175 s after
     * the first side saw the other's record, in the worst case.
     */
    static final Duration MEET_AT_A_SLOT = Duration.ofSeconds(300);
    private static final Duration DELIVERY = Duration.ofSeconds(30);

    @Test
    void chatsBehindTwoDroppingNatsMeetDirectly(@TempDir Path dir) {
        meetDirectly(dir, true, 11);
    }

    @Test
    void chatsBehindTwoNatsThatKeepUnsolicitedPacketsMeetDirectly(@TempDir Path dir) {
        meetDirectly(dir, false, 12);
    }

    private static void meetDirectly(Path dir, boolean dropUnsolicited, long seed) {
        PunchLab setup = new PunchLab(dir, dropUnsolicited, seed);
        try (NetLab lab = setup.lab) {
            LabProcess serve = Cli.serveOn(lab, setup.serveHost);
            LabProcess chatA = lab.start(setup.a, "chat-a", setup.chat("lab-punch"));
            LabProcess chatB = lab.start(setup.b, "chat-b", setup.chat("lab-punch"));
            String aSelf = chatA.awaitLine("A's QUIC self line", PunchLab::isLanQuicSelfLine, Cli.READY);
            String bSelf = chatB.awaitLine("B's self line", PunchLab::isLanQuicSelfLine, Cli.READY);
            int aPort = PunchLab.quicPort(aSelf);
            int bPort = PunchLab.quicPort(bSelf);
            String aId = Cli.shortId(chatA);
            String bId = Cli.shortId(chatB);

            try {
                Duration meet = dropUnsolicited ? MEET : MEET_AT_A_SLOT;
                chatA.awaitLine("A meets B", l -> l.equals("* neighbor up " + bId), meet);
                chatB.awaitLine("B meets A", l -> l.equals("* neighbor up " + aId), meet);
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
            serve.stop();
        }
    }
}
