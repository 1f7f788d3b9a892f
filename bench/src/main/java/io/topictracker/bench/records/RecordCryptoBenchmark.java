package io.topictracker.bench.records;

import io.topictracker.api.PeerAddress;
import io.topictracker.api.PeerInfo;
import io.topictracker.api.TopicId;
import io.topictracker.api.dht.MutableItem;
import io.topictracker.api.signing.SigningKeyPair;
import io.topictracker.api.signing.SigningProvider;
import io.topictracker.bench.support.BenchSigning;
import io.topictracker.engine.records.MessageHash;
import io.topictracker.engine.records.PublisherVerifiers;
import io.topictracker.engine.records.Record;
import io.topictracker.engine.records.RecordContent;
import io.topictracker.engine.records.RecordException;
import io.topictracker.engine.records.RecordPublisher;
import io.topictracker.engine.records.RecordSealer;
import io.topictracker.engine.records.SecretRotation;
import io.topictracker.engine.records.SlotDerivation;
import io.topictracker.engine.records.SlotKeys;
import io.topictracker.engine.records.TopicKeys;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Records on one core, at the worst-case size (5 peers, IPv6 on two transports each, 5 hashes): building, signing,
 * sealing and BEP44-signing a slot value ({@code sealAndSign}), and opening plus strictly verifying one
 * ({@code openAndVerify}), as {@link RecordPublisher#records} does for every value a lookup streams. The slot's
 * derivations are per minute, so they are made once in setup, as a reader does for one lookup.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class RecordCryptoBenchmark {
    private static final TopicId TOPIC = TopicId.fromName("bench-topic");
    private static final long MINUTE = 29_000_000L;

    private SigningProvider signing;
    private SigningKeyPair publisher;
    private RecordContent content;
    private SlotKeys slot;
    private RecordSealer sealer;
    private byte[] sealedValue;
    private PublisherVerifiers verifiers;

    @Setup
    public void setUp() {
        signing = BenchSigning.ed25519();
        publisher = signing.generate();
        List<PeerInfo> peers = new ArrayList<>();
        for (int i = 0; i < RecordContent.MAX_PEERS; i++) {
            peers.add(new PeerInfo(signing.generate().peerId(), addresses(i + 1)));
        }
        List<MessageHash> hashes = new ArrayList<>();
        for (int i = 0; i < RecordContent.MAX_MESSAGE_HASHES; i++) {
            byte[] h = new byte[32];
            h[0] = (byte) i;
            hashes.add(MessageHash.of(h));
        }
        content = new RecordContent(addresses(0), peers, hashes);
        TopicKeys keys = new TopicKeys(TOPIC,
                SlotDerivation.initialSecretHash("bench secret".getBytes(StandardCharsets.UTF_8)),
                SecretRotation.standard(), signing);
        slot = keys.slot(MINUTE);
        sealer = new RecordSealer(new SecureRandom());
        sealedValue = sealAndSign().value();
        verifiers = new PublisherVerifiers(signing, PublisherVerifiers.DEFAULT_CAPACITY);
    }

    private static List<PeerAddress> addresses(int n) {
        String host = "2001:db8:ffff:ffff:ffff:ffff:ffff:" + Integer.toHexString(0x1000 + n);
        return List.of(PeerAddress.of("tcp", host, 65000), PeerAddress.of("quic", host, 65001));
    }

    /** Sign the record, seal it, and sign the BEP44 item that carries it: what one publish computes. */
    @Benchmark
    public MutableItem sealAndSign() {
        Record record = Record.sign(TOPIC, MINUTE, publisher, content);
        return MutableItem.sign(slot.slotKeyPair(), slot.salt(), RecordPublisher.SEQ, sealer.seal(record, slot));
    }

    /**
     * Decrypt, parse and strictly verify one value, the publisher's key validated on every call: a reader's cost
     * for a publisher it has not seen before.
     */
    @Benchmark
    public Record openAndVerify() throws RecordException {
        return RecordSealer.open(sealedValue, slot, signing);
    }

    /**
     * The same through {@link PublisherVerifiers}, the publisher's key validated once: what
     * {@link RecordPublisher#records} costs per value of a publisher seen before (publishers recur every minute).
     */
    @Benchmark
    public Record openAndVerifyKnownPublisher() throws RecordException {
        return RecordSealer.open(sealedValue, slot, verifiers);
    }
}
