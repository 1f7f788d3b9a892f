package io.topictracker.bench.micro;

import io.topictracker.dht.mainline.routing.NodeInfo;
import io.topictracker.dht.mainline.routing.RoutingTable;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * {@link RoutingTable#closest}: the 8 nodes nearest a target, asked for by every find_node, get_peers and get a node
 * answers and by every lookup it starts. The table is filled by offering {@code offered} random responding nodes, as
 * a long-running node's table fills (it keeps what its buckets hold, BEP5's k = 8 per bucket).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RoutingTableBenchmark {
    @Param({"2000"})
    public int offered;

    private RoutingTable table;
    private byte[][] targets;
    private int next;

    private static byte[] id(Random random) {
        byte[] id = new byte[20];
        random.nextBytes(id);
        return id;
    }

    @Setup
    public void setUp() {
        Random random = new Random(3);
        table = new RoutingTable(id(random), 8, 3);
        for (int i = 0; i < offered; i++) {
            table.seen(new NodeInfo(id(random), new InetSocketAddress("127.0.0.1", 10_000 + i)), true, 0);
        }
        targets = new byte[1024][];
        for (int i = 0; i < targets.length; i++) {
            targets[i] = id(random);
        }
    }

    @Benchmark
    public List<NodeInfo> closest8() {
        next = (next + 1) & (targets.length - 1);
        return table.closest(targets[next], 8);
    }
}
