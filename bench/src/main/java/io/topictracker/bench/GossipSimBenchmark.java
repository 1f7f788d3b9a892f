package io.topictracker.bench;

import io.topictracker.bench.support.Args;
import io.topictracker.engine.gossip.GossipConfig;
import java.time.Duration;
import io.topictracker.gossip.sim.Scenarios;
import io.topictracker.gossip.sim.SimReport;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the gossip simulation scenarios at a given size and prints a Markdown table for BENCHMARKS.md.
 *
 * <p>Usage: {@code java -cp 'bench/target/classes:bench/target/lib/*' io.topictracker.bench.GossipSimBenchmark
 * nodes=N [seed=1] [scenarios=...]} where scenarios are {@code single,random,rounds,all,crash,split} (default: all
 * six).
 */
public final class GossipSimBenchmark {
    private GossipSimBenchmark() {}

    public static void main(String[] args) {
        Args opts = Args.parse(args, "nodes", "seed", "scenarios", "min_latency", "max_latency", "settle",
                "optimization_threshold", "eager_flood_rounds",
                "graft_timeout_min", "graft_timeout_max", "prune_grace");
        int nodes = (int) opts.integer("nodes", 1000, 2, 100_000);
        long seed = opts.integer("seed", 1, Long.MIN_VALUE, Long.MAX_VALUE);
        List<String> which = opts.list("scenarios", List.of("single", "random", "rounds", "all", "crash", "split"));
        GossipConfig config = GossipConfig.defaults().withVerifySignatures(false);
        // Defaults are iroh-gossip's; optimization_threshold=N explores PlumTree's §3.8 threshold.
        config = config.withOptimizationThreshold((int) opts.integer("optimization_threshold",
                config.optimizationThreshold(), 1, 1000));
        // eager_flood_rounds=N: hops from the author pushed to every peer (0 = PlumTree's one shared tree).
        config = config.withEagerFloodRounds((int) opts.integer("eager_flood_rounds", config.eagerFloodRounds(), 0,
                GossipConfig.MAX_EAGER_FLOOD_ROUNDS));
        // graft_timeout_min=MS / graft_timeout_max=MS: bounds of the learnt graft wait (equal to 80 = main's fixed wait).
        config = config.withGraftTimeoutBounds(
                Duration.ofMillis(opts.integer("graft_timeout_min", config.graftTimeoutMin().toMillis(), 1, 3_600_000)),
                Duration.ofMillis(opts.integer("graft_timeout_max", config.graftTimeoutMax().toMillis(), 1, 3_600_000)));
        // prune_grace=MS: how long a link carrying another author's messages is spared one duplicate (0 = §3.5 as written).
        config = config.withPruneGrace(Duration.ofMillis(opts.integer("prune_grace", config.pruneGrace().toMillis(), 0,
                GossipConfig.MAX_PRUNE_GRACE.toMillis())));
        Scenarios.Network defaults = Scenarios.Network.DEFAULT;
        Scenarios.Network network = new Scenarios.Network(
                (int) opts.integer("min_latency", defaults.minLatency(), 1, 10_000),
                (int) opts.integer("max_latency", defaults.maxLatency(), 1, 10_000),
                opts.integer("settle", defaults.settleAfterBootstrap(), 0, 3_600_000));
        Scenarios scenarios = new Scenarios(nodes, seed, config, network);
        long start = System.nanoTime();
        System.out.println("nodes=" + nodes + " seed=" + seed + " latency=" + network.minLatency() + "-"
                + network.maxLatency() + "ms settle=" + network.settleAfterBootstrap() + "ms optimization_threshold="
                + config.optimizationThreshold() + " eager_flood_rounds=" + config.eagerFloodRounds() + " prune_grace="
                + config.pruneGrace().toMillis() + "ms");
        System.out.println(SimReport.markdownHeader());
        List<SimReport> reports = new ArrayList<>();
        for (String scenario : which) {
            List<SimReport> result = switch (scenario.trim()) {
                case "single" -> List.of(scenarios.singleSender(20));
                case "random" -> List.of(scenarios.randomSenders(50));
                case "rounds" -> List.of(scenarios.randomSendersOneAtATime(50));
                case "all" -> List.of(scenarios.allSenders());
                case "crash" -> List.of(scenarios.crashHalf(20));
                case "split" -> scenarios.splitAndHeal(20);
                default -> throw new IllegalArgumentException("unknown scenario '" + scenario
                        + "'; known: single, random, rounds, all, crash, split");
            };
            for (SimReport report : result) {
                System.out.println(report.markdownRow());
                reports.add(report);
            }
        }
        System.out.printf("total wall time: %.1f s%n", (System.nanoTime() - start) / 1e9);
    }
}
