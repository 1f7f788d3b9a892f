package io.topictracker.gossip.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.engine.gossip.GossipConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/** 100-node simulations held to at least iroh-gossip's own CI bounds. */
class SimulationTest {
    private static final int NODES = 100;
    private static final long SEED = 20_261_124L;
    private final Scenarios scenarios = new Scenarios(NODES, SEED,
            GossipConfig.defaults().withVerifySignatures(false));

    @Test
    void singleSender() {
        SimReport r = scenarios.singleSender(20);
        System.out.println(r);
        assertEquals(0, r.missed(), r.toString());
        assertTrue(r.rmr() < 0.2, r.toString());
        assertTrue(r.ldhMax() < 15, r.toString());
    }

    @Test
    void randomSenders() {
        SimReport r = scenarios.randomSenders(50);
        System.out.println(r);
        assertEquals(0, r.missed(), r.toString());
        assertTrue(r.rmr() < 1, r.toString());
        assertTrue(r.ldhMax() < 18, r.toString());
    }

    /** iroh-gossip's CI round shape: the next message goes out once the last reached everyone. */
    @Test
    void randomSendersOneAtATime() {
        SimReport r = scenarios.randomSendersOneAtATime(50);
        System.out.println(r);
        assertEquals(0, r.missed(), r.toString());
        assertTrue(r.rmr() < 1, r.toString());
        assertTrue(r.ldhMax() < 18, r.toString());
    }

    @Test
    void allSendersAtOnce() {
        SimReport r = scenarios.allSenders();
        System.out.println(r);
        assertEquals(0, r.missed(), r.toString());
        assertTrue(r.rmr() < 3, r.toString());
        assertTrue(r.ldhMax() < 30, r.toString());
    }

    @Test
    void everySurvivorKeepsReceivingAfterHalfTheNodesCrash() {
        SimReport r = scenarios.crashHalf(20);
        System.out.println(r);
        assertEquals(0, r.missed(), r.toString());
        assertTrue(r.delivered() > 0, r.toString());
    }

    @Test
    void bothHalvesWorkDuringASplitAndTheWholeAfterHealing() {
        List<SimReport> r = scenarios.splitAndHeal(20);
        System.out.println(r);
        assertEquals(0, r.get(0).missed(), r.get(0).toString());
        assertEquals(0, r.get(1).missed(), r.get(1).toString());
        // A phase's latencies are its own messages': none can exceed the phase (messages sent over 20 gaps, then the
        // settle time). Messages sent during the split that reach the other half after the heal are not counted.
        long phase = 20 * Scenarios.MESSAGE_GAP_MILLIS + Scenarios.SETTLE_MILLIS;
        assertTrue(r.get(1).latencyMax() <= phase, r.get(1).toString());
    }

    @Test
    void theSameSeedGivesTheSameResult() {
        Scenarios small = new Scenarios(60, 7, GossipConfig.defaults().withVerifySignatures(false));
        SimReport a = small.randomSenders(10);
        SimReport b = small.randomSenders(10);
        assertEquals(a.withoutWallTime(), b.withoutWallTime());
    }

    /**
     * The shape of GossipNodeEndToEndTest's 20-node test in virtual time: every node joins through node 0, each as soon
     * as the one before has a neighbour, and all broadcast right away while the overlay is still forming (node 0
     * evicts a random neighbour on every join it accepts). Every broadcast must still reach every node: a node that
     * was cut off while a message passed learns of it from the cache of a later neighbour.
     */
    @Test
    void everyoneGetsEveryBroadcastSentWhileTheOverlayIsStillForming() {
        int size = 20;
        List<String> misses = new java.util.ArrayList<>();
        for (long seed = 1; seed <= 200; seed++) {
            Simulator sim = new Simulator(size, seed, GossipConfig.defaults().withVerifySignatures(false), 1, 20);
            for (int i = 0; i < size; i++) {
                sim.node(i).start(sim.now());
                if (i > 0) {
                    sim.join(i, List.of(0));
                    for (int t = 0; t < 10_000 && sim.node(i).activeView().isEmpty(); t++) {
                        sim.runFor(1);
                    }
                    assertTrue(!sim.node(i).activeView().isEmpty(), "seed " + seed + ": node " + i + " joined");
                }
            }
            for (int i = 0; i < size; i++) {
                sim.broadcast(i, Scenarios.PAYLOAD_SIZE);
            }
            sim.runFor(30_000);
            for (int m = 0; m < size; m++) {
                for (int i = 0; i < size; i++) {
                    if (!sim.received(m, i)) {
                        misses.add("seed " + seed + ": node " + i + " lacks message " + m);
                    }
                }
            }
        }
        assertEquals(List.of(), misses);
    }
}
