package io.topictracker.bench;

import io.topictracker.bench.support.Args;
import io.topictracker.engine.gossip.GossipConfig;
import io.topictracker.engine.gossip.sim.Scenarios;
import io.topictracker.engine.gossip.sim.SimReport;
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
        Args opts = Args.parse(args, "nodes", "seed", "scenarios");
        int nodes = (int) opts.integer("nodes", 1000, 2, 100_000);
        long seed = opts.integer("seed", 1, Long.MIN_VALUE, Long.MAX_VALUE);
        List<String> which = opts.list("scenarios", List.of("single", "random", "rounds", "all", "crash", "split"));
        GossipConfig config = GossipConfig.defaults().withVerifySignatures(false);
        // Defaults are iroh-gossip's; -Dgossip.sim.optimizationThreshold=N explores PlumTree's §3.8 threshold.
        Integer threshold = Integer.getInteger("gossip.sim.optimizationThreshold");
        if (threshold != null) {
            config = config.withOptimizationThreshold(threshold);
        }
        Scenarios scenarios = new Scenarios(nodes, seed, config);
        long start = System.nanoTime();
        System.out.println("nodes=" + nodes + " seed=" + seed + " latency=" + Scenarios.MIN_LATENCY + "-"
                + Scenarios.MAX_LATENCY + "ms settle=" + Scenarios.SETTLE_AFTER_BOOTSTRAP + "ms optimization_threshold="
                + config.optimizationThreshold());
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
