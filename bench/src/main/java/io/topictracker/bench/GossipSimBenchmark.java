package io.topictracker.bench;

import io.topictracker.engine.gossip.GossipConfig;
import io.topictracker.engine.gossip.sim.SimReport;
import io.topictracker.engine.gossip.sim.Scenarios;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the gossip simulation scenarios at a given size and prints a Markdown table for BENCHMARKS.md.
 *
 * <p>Usage: {@code java -cp 'bench/target/classes:bench/target/lib/*' io.topictracker.bench.GossipSimBenchmark
 * <nodes> [seed] [scenario,...]} where scenarios are {@code single,random,rounds,all,crash,split} (default: all six).
 */
public final class GossipSimBenchmark {
    private GossipSimBenchmark() {}

    public static void main(String[] args) {
        if (args.length < 1) {
            System.err.println("usage: GossipSimBenchmark <nodes> [seed] [single,random,rounds,all,crash,split]");
            System.exit(2);
        }
        int nodes = Integer.parseInt(args[0]);
        long seed = args.length > 1 ? Long.parseLong(args[1]) : 1;
        List<String> which = List.of((args.length > 2 ? args[2] : "single,random,rounds,all,crash,split").split(","));
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
