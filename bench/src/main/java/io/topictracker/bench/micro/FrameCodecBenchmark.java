package io.topictracker.bench.micro;

import io.topictracker.api.PeerId;
import io.topictracker.api.TopicId;
import io.topictracker.engine.gossip.net.FrameCodec;
import io.topictracker.engine.gossip.net.MalformedFrameException;
import io.topictracker.engine.gossip.proto.Gossip;
import io.topictracker.engine.gossip.proto.Message;
import io.topictracker.engine.gossip.proto.MessageId;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
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
 * The gossip frame codec on the two frames a broadcast costs most of: the eager push of a 1 KiB payload (signed) and
 * an IHave batch of 16 announcements, each encoded and decoded.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class FrameCodecBenchmark {
    private final FrameCodec codec = new FrameCodec(4096);
    private TopicId topic;
    private Gossip gossip;
    private Message.IHave ihave;
    private ByteBuffer gossipFrame;
    private ByteBuffer ihaveFrame;

    private static byte[] random(Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    @Setup
    public void setUp() {
        Random random = new Random(11);
        topic = TopicId.fromName("bench");
        gossip = new Gossip(PeerId.of(random(random, 32)), 7, random(random, 1024), random(random, 64), 3, false);
        List<Message.IHaveEntry> entries = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            entries.add(new Message.IHaveEntry(MessageId.of(random(random, 32)), i % 5));
        }
        ihave = new Message.IHave(entries);
        gossipFrame = codec.encode(topic, gossip);
        ihaveFrame = codec.encode(topic, ihave);
    }

    @Benchmark
    public ByteBuffer encodeGossip() {
        return codec.encode(topic, gossip);
    }

    @Benchmark
    public FrameCodec.Decoded decodeGossip() throws MalformedFrameException {
        return codec.decode(gossipFrame.duplicate());
    }

    @Benchmark
    public ByteBuffer encodeIHave() {
        return codec.encode(topic, ihave);
    }

    @Benchmark
    public FrameCodec.Decoded decodeIHave() throws MalformedFrameException {
        return codec.decode(ihaveFrame.duplicate());
    }
}
