package io.topictracker.gossip.sim;

import io.topictracker.engine.gossip.GossipConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntSupplier;
import java.util.function.ObjIntConsumer;

/**
 * The standard simulated scenarios, each on a fresh, seeded {@link Simulator}: single sender, random senders, all
 * senders at once, half the nodes crashing, and a split into two halves that is then healed. Each reports the
 * measured phase only: the bootstrap and one untracked-for-RMR warm-up broadcast (which builds the first tree, as the
 * first message of any PlumTree does) are reported separately by {@link #warmUp}.
 *
 * <p>Stateless; each call is independent and deterministic for its seed.
 */
public final class Scenarios {
    /** Gap between two broadcasts of a scenario. */
    public static final long MESSAGE_GAP_MILLIS = 100;
    /** Time given after the last broadcast for grafts and stragglers. */
    public static final long SETTLE_MILLIS = 5_000;
    /** Payload size of the simulated broadcasts. */
    public static final int PAYLOAD_SIZE = 64;

    /**
     * The simulated network's links and how long it settles.
     *
     * @param minLatency smallest one-way link latency in virtual ms, at least 1
     * @param maxLatency largest one-way link latency in virtual ms, at least {@code minLatency}
     * @param settleAfterBootstrap virtual ms the network runs after the last join, at least 0
     */
    public record Network(int minLatency, int maxLatency, long settleAfterBootstrap) {
        /** 10–50 ms links; 130 s of settling, two shuffle periods, so passive views are filled. */
        public static final Network DEFAULT = new Network(10, 50, 130_000L);

        public Network {
            if (minLatency < 1 || maxLatency < minLatency || settleAfterBootstrap < 0) {
                throw new IllegalArgumentException("latency " + minLatency + "-" + maxLatency + " ms, settle "
                        + settleAfterBootstrap + " ms: need 1 <= min <= max and settle >= 0");
            }
        }
    }

    private final int nodes;
    private final long seed;
    private final GossipConfig config;
    private final Network network;

    /** As below, on {@link Network#DEFAULT}. */
    public Scenarios(int nodes, long seed, GossipConfig config) {
        this(nodes, seed, config, Network.DEFAULT);
    }

    /**
     * @param nodes network size
     * @param seed the seed of every scenario's simulator
     * @param config gossip settings, not null
     * @param network link latencies and settling, not null
     */
    public Scenarios(int nodes, long seed, GossipConfig config, Network network) {
        this.nodes = nodes;
        this.seed = seed;
        this.config = config;
        this.network = network;
    }

    /**
     * Builds and bootstraps a network: each node joins two random earlier nodes, 2 ms apart, then it runs
     * the network's settling time.
     */
    public Simulator network() {
        Simulator sim = new Simulator(nodes, seed, config, network.minLatency(), network.maxLatency());
        sim.bootstrap(2, 2, network.settleAfterBootstrap());
        return sim;
    }

    /** Warm-up: one broadcast from node 0, so the first tree exists; returns the sim's message count after. */
    private static long warmUp(Simulator sim) {
        sim.broadcast(0, PAYLOAD_SIZE);
        sim.runFor(SETTLE_MILLIS);
        sim.clearLatencies();
        return sim.totalMessagesSent();
    }

    /** One node (node 0) sends {@code messages} broadcasts. */
    public SimReport singleSender(int messages) {
        return broadcasts("single sender", messages, () -> 0, Scenarios::fixedGap);
    }

    /** {@code messages} broadcasts, each from a random node. */
    public SimReport randomSenders(int messages) {
        SplittableRandom pick = new SplittableRandom(seed + 1);
        return broadcasts("random senders", messages, () -> pick.nextInt(nodes), Scenarios::fixedGap);
    }

    /**
     * The same random senders as {@link #randomSenders}, but each broadcast goes out only once the one before has
     * reached every node (or {@link #SETTLE_MILLIS} passed): the shape of iroh-gossip's CI rounds, where messages never
     * overlap. {@link #randomSenders} sends every {@link #MESSAGE_GAP_MILLIS}, so several trees are being reshaped at
     * once, which costs more redundancy.
     */
    public SimReport randomSendersOneAtATime(int messages) {
        SplittableRandom pick = new SplittableRandom(seed + 1);
        return broadcasts("random, one at a time", messages, () -> pick.nextInt(nodes), Scenarios::untilReachedAll);
    }

    /**
     * A fresh network, warmed up; then {@code messages} broadcasts from {@code sender}, each followed by
     * {@code pacing}; then a settle period.
     */
    private SimReport broadcasts(String name, int messages, IntSupplier sender, ObjIntConsumer<Simulator> pacing) {
        long start = System.nanoTime();
        Simulator sim = network();
        long before = warmUp(sim);
        int first = sim.trackedCount();
        for (int m = 0; m < messages; m++) {
            pacing.accept(sim, sim.broadcast(sender.getAsInt(), PAYLOAD_SIZE));
        }
        sim.runFor(SETTLE_MILLIS);
        return sim.report(name, first, sim.trackedCount(), before, nodes, millisSince(start));
    }

    /** Pacing: the next broadcast {@link #MESSAGE_GAP_MILLIS} later, whatever became of this one. */
    private static void fixedGap(Simulator sim, int messageId) {
        sim.runFor(MESSAGE_GAP_MILLIS);
    }

    /** Pacing: the next broadcast once this one reached every node, or after {@link #SETTLE_MILLIS}. */
    private static void untilReachedAll(Simulator sim, int messageId) {
        for (long waited = 0; waited < SETTLE_MILLIS && !sim.reachedAll(messageId); waited++) {
            sim.runFor(1);
        }
    }

    /** Every node broadcasts once, all at the same virtual instant. */
    public SimReport allSenders() {
        long start = System.nanoTime();
        Simulator sim = network();
        long before = warmUp(sim);
        int first = sim.trackedCount();
        for (int i = 0; i < nodes; i++) {
            sim.broadcast(i, PAYLOAD_SIZE);
        }
        sim.runFor(SETTLE_MILLIS);
        return sim.report("all senders", first, sim.trackedCount(), before, nodes, millisSince(start));
    }

    /**
     * Half the nodes (chosen at random) crash at once; after 10 s of repair, {@code messages} broadcasts from random
     * survivors must reach every survivor.
     */
    public SimReport crashHalf(int messages) {
        long start = System.nanoTime();
        Simulator sim = network();
        warmUp(sim);
        SplittableRandom pick = new SplittableRandom(seed + 2);
        List<Integer> order = shuffled(pick);
        for (int k = 0; k < nodes / 2; k++) {
            sim.crash(order.get(k));
        }
        sim.runFor(10_000);
        List<Integer> survivors = order.subList(nodes / 2, nodes);
        long before = sim.totalMessagesSent();
        int first = sim.trackedCount();
        for (int m = 0; m < messages; m++) {
            sim.broadcast(survivors.get(pick.nextInt(survivors.size())), PAYLOAD_SIZE);
            sim.runFor(MESSAGE_GAP_MILLIS);
        }
        sim.runFor(SETTLE_MILLIS);
        return sim.report("50% crash", first, sim.trackedCount(), before, nodes - nodes / 2, millisSince(start));
    }

    /**
     * The network splits into two random halves for 30 s (each half must keep working on its own: reported as
     * {@code "split (each half)"}), then heals; as the bootstrap layer would from DHT records, three nodes of each half
     * join a random node of the other; after 10 s, {@code messages} broadcasts from random nodes must reach all.
     *
     * @return two reports: during the split, after healing
     */
    public List<SimReport> splitAndHeal(int messages) {
        long start = System.nanoTime();
        Simulator sim = network();
        warmUp(sim);
        SplittableRandom pick = new SplittableRandom(seed + 3);
        List<Integer> order = shuffled(pick);
        int[] sides = new int[nodes];
        for (int k = nodes / 2; k < nodes; k++) {
            sides[order.get(k)] = 1;
        }
        sim.split(sides);
        sim.runFor(30_000);
        long before = sim.totalMessagesSent();
        int first = sim.trackedCount();
        for (int m = 0; m < messages; m++) {
            sim.broadcast(pick.nextInt(nodes), PAYLOAD_SIZE);
            sim.runFor(MESSAGE_GAP_MILLIS);
        }
        sim.runFor(SETTLE_MILLIS);
        SimReport during = sim.report("split (each half)", first, sim.trackedCount(), before, nodes,
                millisSince(start));
        sim.heal();
        for (int s = 0; s < 2; s++) {
            for (int k = 0; k < 3; k++) {
                int a = sideMember(order, s, pick);
                int b = sideMember(order, 1 - s, pick);
                sim.join(a, List.of(b));
            }
        }
        sim.runFor(10_000);
        before = sim.totalMessagesSent();
        first = sim.trackedCount();
        for (int m = 0; m < messages; m++) {
            sim.broadcast(pick.nextInt(nodes), PAYLOAD_SIZE);
            sim.runFor(MESSAGE_GAP_MILLIS);
        }
        sim.runFor(SETTLE_MILLIS);
        SimReport after = sim.report("split healed", first, sim.trackedCount(), before, nodes, millisSince(start));
        return List.of(during, after);
    }

    private int sideMember(List<Integer> order, int side, SplittableRandom pick) {
        int half = nodes / 2;
        return side == 0 ? order.get(pick.nextInt(half)) : order.get(half + pick.nextInt(nodes - half));
    }

    private List<Integer> shuffled(SplittableRandom pick) {
        List<Integer> order = new ArrayList<>(nodes);
        for (int i = 0; i < nodes; i++) {
            order.add(i);
        }
        for (int i = nodes - 1; i > 0; i--) {
            int j = pick.nextInt(i + 1);
            Integer swap = order.get(i);
            order.set(i, order.get(j));
            order.set(j, swap);
        }
        return order;
    }

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
