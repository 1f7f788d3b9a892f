package io.topictracker.bench.micro;

import io.topictracker.dht.mainline.bencode.Bencode;
import io.topictracker.dht.mainline.bencode.BencodeException;
import io.topictracker.dht.mainline.bencode.BencodeLimits;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Bencode on the mainline DHT's hottest message: a BEP44 {@code get} response carrying an item (id, token, 8 compact
 * nodes, k, seq, sig and a 500-byte value), encoded from a map and decoded under the KRPC limits. Every query a node
 * answers and every reply it reads goes through these two calls.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class BencodeBenchmark {
    private Map<String, Object> response;
    private byte[] encoded;

    private static byte[] random(Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    @Setup
    public void setUp() {
        Random random = new Random(7);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("id", random(random, 20));
        r.put("k", random(random, 32));
        r.put("nodes", random(random, 8 * 26));
        r.put("seq", 42L);
        r.put("sig", random(random, 64));
        r.put("token", random(random, 4));
        r.put("v", random(random, 500));
        response = new LinkedHashMap<>();
        response.put("ip", random(random, 6));
        response.put("r", r);
        response.put("t", "aa".getBytes(StandardCharsets.US_ASCII));
        response.put("y", "r".getBytes(StandardCharsets.US_ASCII));
        encoded = Bencode.encode(response);
    }

    @Benchmark
    public byte[] encodeGetResponse() {
        return Bencode.encode(response);
    }

    @Benchmark
    public Object decodeGetResponse() throws BencodeException {
        return Bencode.decode(encoded, BencodeLimits.KRPC);
    }
}
