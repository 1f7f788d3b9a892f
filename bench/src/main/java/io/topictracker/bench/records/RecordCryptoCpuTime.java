package io.topictracker.bench.records;

import io.topictracker.bench.support.Args;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * Companion to {@link RecordCryptoBenchmark} for a shared, loaded machine: runs the same two operations on one thread
 * and reports operations per second of that thread's CPU time, which other processes competing for the cores do not
 * inflate the way they inflate wall-clock time (caches and SMT still interfere). Run:
 * {@code java -cp 'bench/target/classes:bench/target/lib/*' io.topictracker.bench.records.RecordCryptoCpuTime
 * [rounds=5]}.
 */
public final class RecordCryptoCpuTime {
    private RecordCryptoCpuTime() {}

    public static void main(String[] args) throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        RecordCryptoBenchmark bench = new RecordCryptoBenchmark();
        bench.setUp();
        int rounds = (int) Args.parse(args, "rounds").integer("rounds", 5, 1, 1000);
        int perRound = 5_000;
        Object sink = null;
        for (int round = 0; round < rounds; round++) {
            long cpu = threads.getCurrentThreadCpuTime();
            long wall = System.nanoTime();
            for (int i = 0; i < perRound; i++) {
                sink = bench.openAndVerify();
            }
            double openCpu = (threads.getCurrentThreadCpuTime() - cpu) / 1e9;
            double openWall = (System.nanoTime() - wall) / 1e9;
            cpu = threads.getCurrentThreadCpuTime();
            for (int i = 0; i < perRound; i++) {
                sink = bench.openAndVerifyKnownPublisher();
            }
            double knownCpu = (threads.getCurrentThreadCpuTime() - cpu) / 1e9;
            cpu = threads.getCurrentThreadCpuTime();
            wall = System.nanoTime();
            for (int i = 0; i < perRound; i++) {
                sink = bench.sealAndSign();
            }
            double sealCpu = (threads.getCurrentThreadCpuTime() - cpu) / 1e9;
            double sealWall = (System.nanoTime() - wall) / 1e9;
            System.out.printf("round %d: openAndVerify %,.0f/cpu-s (%,.0f/wall-s)   openAndVerifyKnownPublisher %,.0f/cpu-s"
                    + "   sealAndSign %,.0f/cpu-s (%,.0f/wall-s)%n", round + 1, perRound / openCpu, perRound / openWall,
                    perRound / knownCpu, perRound / sealCpu, perRound / sealWall);
        }
        if (sink == null) {
            throw new IllegalStateException("no result");
        }
    }
}
