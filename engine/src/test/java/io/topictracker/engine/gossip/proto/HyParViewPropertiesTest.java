package io.topictracker.engine.gossip.proto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import io.topictracker.api.ConfigTable;
import io.topictracker.api.PeerId;
import io.topictracker.api.PeerInfo;
import io.topictracker.engine.gossip.GossipConfig;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * HyParView's view bounds as a property over generated runs: views of random capacities, fed any sequence of
 * membership messages (Join, ForwardJoin, Neighbor of each kind, Shuffle, ShuffleReply, Disconnect; from the peer
 * they name or an impostor, with the topic's MAC or a wrong one), lost connections, timers and JoinPeers commands
 * from a pool of peers. After every input: the active view holds at most {@code active_view_capacity} peers and the
 * passive view at most {@code passive_view_capacity}, we are in neither, no peer is in both, pending Neighbor requests
 * never outnumber the active view's capacity, and PlumTree's eager and lazy peers split the active view exactly
 * (PlumTree §3.4). Fixed seed: the same runs every time.
 */
class HyParViewPropertiesTest {
    private static final int POOL = 24;
    private static final int SELF = 0;

    /** One input, decoded from generated numbers by {@link #apply}. */
    private record Step(int kind, int peer, int other, int extra, int macOk) {}

    private record Run(int activeCapacity, int passiveCapacity, List<Step> steps) {}

    @Test
    void viewsStayWithinTheirBoundsAndApart() {
        qt().withFixedSeed(20260407L).withExamples(300).forAll(runs()).checkAssert(run -> {
            GossipConfig config = GossipConfig.from(ConfigTable.of("gossip", Map.of(
                    "active_view_capacity", (long) run.activeCapacity,
                    "passive_view_capacity", (long) run.passiveCapacity,
                    "shuffle_active_view_count", (long) Math.min(3, run.activeCapacity),
                    "shuffle_passive_view_count", (long) Math.min(4, run.passiveCapacity))))
                    .withVerifySignatures(false);
            Harness node = new Harness(Harness.peer(SELF + 1), config, BroadcastAuth.none());
            for (Step step : run.steps) {
                apply(node, step);
                node.outputs.clear();
                check(node, run);
            }
        });
    }

    private static void check(Harness node, Run run) {
        GossipStateMachine state = node.state;
        Set<PeerId> active = state.activeView();
        Set<PeerId> passive = state.passiveView();
        assertTrue(active.size() <= run.activeCapacity, "active view of " + active.size());
        assertTrue(passive.size() <= run.passiveCapacity, "passive view of " + passive.size());
        assertFalse(active.contains(node.self.id()) || passive.contains(node.self.id()), "we are in our own view");
        Set<PeerId> both = new HashSet<>(active);
        both.retainAll(passive);
        assertTrue(both.isEmpty(), "in both views: " + both);
        long pending = pool().stream().filter(p -> state.isPending(p.id())).count();
        assertTrue(pending <= run.activeCapacity, pending + " Neighbor requests pending");
        Set<PeerId> eager = state.eagerPeers();
        Set<PeerId> lazy = state.lazyPeers();
        Set<PeerId> union = new HashSet<>(eager);
        union.addAll(lazy);
        assertEquals(active, union, "eager and lazy peers are the active view");
        assertEquals(eager.size() + lazy.size(), union.size(), "no peer both eager and lazy");
    }

    private static void apply(Harness node, Step step) {
        PeerInfo from = peer(step.peer);
        PeerInfo named = step.macOk % 5 == 0 ? peer(step.other) : from; // sometimes an impostor names another peer
        byte[] mac = Harness.mac(named, node.self, step.macOk % 7 == 0 ? Harness.filled(32, 9) : Harness.SECRET);
        switch (step.kind) {
            case 0 -> node.receive(from, new Message.Join(named, mac));
            case 1 -> node.receive(from, new Message.ForwardJoin(peer(step.other), step.extra % 8));
            case 2, 3, 4 -> node.receive(from, new Message.Neighbor(named,
                    Message.NeighborKind.values()[step.kind - 2], mac));
            case 5 -> node.receive(from, new Message.Disconnect(step.extra % 2 == 0));
            case 6 -> node.receive(from, new Message.Shuffle(peer(step.other), peers(step.extra), step.extra % 7));
            case 7 -> node.receive(from, new Message.ShuffleReply(named, peers(step.extra), mac));
            case 8 -> node.input(new Input.PeerDisconnected(from.id()));
            case 9 -> node.fire(new Timer.Shuffle());
            case 10 -> node.fire(new Timer.NeighborTimeout(from.id()));
            default -> node.input(new Input.JoinPeers(peers(step.extra)));
        }
        node.now += 1000;
    }

    /** Peers 0..POOL-1; peer 0 is the node itself, so messages naming it or sent by it are generated too. */
    private static PeerInfo peer(int index) {
        return Harness.peer(index % POOL + 1);
    }

    private static List<PeerInfo> pool() {
        List<PeerInfo> all = new ArrayList<>();
        for (int i = 0; i < POOL; i++) {
            all.add(peer(i));
        }
        return all;
    }

    /** A list of up to 8 distinct peers chosen by the bits of {@code bits}. */
    private static List<PeerInfo> peers(int bits) {
        List<PeerInfo> chosen = new ArrayList<>();
        for (int i = 0; i < POOL && chosen.size() < 8; i++) {
            if ((bits >>> i & 1) != 0) {
                chosen.add(peer(i));
            }
        }
        return chosen;
    }

    private static Gen<Run> runs() {
        Gen<Step> step = integers().between(0, 11).zip(integers().between(0, POOL - 1),
                integers().between(0, POOL - 1), integers().between(0, (1 << POOL) - 1),
                (kind, peer, other, extra) -> new Step(kind, peer, other, extra, extra % 35));
        return random -> {
            int length = integers().between(0, 150).generate(random);
            List<Step> steps = new ArrayList<>();
            for (int i = 0; i < length; i++) {
                steps.add(step.generate(random));
            }
            return new Run(integers().between(1, 6).generate(random), integers().between(0, 10).generate(random),
                    steps);
        };
    }
}
