package io.topictracker.engine.gossip.proto;

import static io.topictracker.engine.gossip.proto.Harness.peer;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.api.PeerAddress;
import io.topictracker.api.PeerInfo;
import io.topictracker.api.signing.SigningKeyPair;
import io.topictracker.engine.gossip.GossipConfig;
import io.topictracker.signing.bc.BouncyCastleEd25519Provider;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The real Ed25519 path: signed broadcasts are delivered, forged and altered ones dropped. */
class SignedBroadcastTest {
    private final BouncyCastleEd25519Provider ed25519 = new BouncyCastleEd25519Provider();
    private final SigningKeyPair authorKeys = ed25519.fromSeed(Harness.filled(32, 1));
    private final SigningKeyPair receiverKeys = ed25519.fromSeed(Harness.filled(32, 2));
    private final SigningKeyPair forgerKeys = ed25519.fromSeed(Harness.filled(32, 3));

    private Harness node(SigningKeyPair keys) {
        PeerInfo self = new PeerInfo(keys.peerId(), List.of(PeerAddress.of("inmemory", "x", 1)));
        return new Harness(self, GossipConfig.defaults(), BroadcastAuth.ed25519(Harness.TOPIC, keys, ed25519));
    }

    @Test
    void aSignedBroadcastIsDeliveredAndForgedOrAlteredOnesAreDropped() {
        Harness author = node(authorKeys);
        Harness receiver = node(receiverKeys);
        author.connect(receiver.self);
        receiver.connect(author.self);
        receiver.connect(peer(50));

        byte[] payload = "signed".getBytes(StandardCharsets.UTF_8);
        author.input(new Input.Broadcast(payload));
        Gossip genuine = (Gossip) author.sendsOf(Gossip.class).get(0).message();
        assertEquals(64, genuine.signatureUnsafe().length);

        // altered payload, original signature
        Gossip altered = new Gossip(genuine.author(), genuine.seq(), "SIGNED".getBytes(StandardCharsets.UTF_8),
                genuine.signatureUnsafe(), 0, false);
        receiver.receive(author.self, altered);
        // altered sequence number
        receiver.receive(author.self, new Gossip(genuine.author(), genuine.seq() + 1, genuine.payload(),
                genuine.signatureUnsafe(), 0, false));
        // a forger signs with its own key but claims the author's id
        byte[] forged = forgerKeys.sign(BroadcastAuth.signedBytes(Harness.TOPIC.toBytes(), authorKeys.publicKey(),
                genuine.seq(), payload));
        receiver.receive(author.self, new Gossip(genuine.author(), genuine.seq(), payload, forged, 0, false));
        // no signature at all
        receiver.receive(author.self, new Gossip(genuine.author(), genuine.seq(), payload, new byte[0], 0, false));
        assertTrue(receiver.received().isEmpty());
        assertTrue(receiver.sendsOf(Gossip.class).isEmpty(), "nothing forged is forwarded");
        assertEquals(4, receiver.state.stats().forgedDropped());

        // the genuine one is still delivered after the forgeries with the same id were seen
        receiver.receive(author.self, genuine);
        assertEquals(1, receiver.received().size());
        assertArrayEquals(payload, receiver.received().get(0).payload());
        assertEquals(authorKeys.peerId(), receiver.received().get(0).author());
        assertEquals(1, receiver.sendsOf(Gossip.class).size(), "forwarded to the other neighbour");
    }

    @Test
    void aSignatureForAnotherTopicIsRejected() {
        BroadcastAuth otherTopic = BroadcastAuth.ed25519(io.topictracker.api.TopicId.fromName("other"), authorKeys,
                ed25519);
        BroadcastAuth thisTopic = BroadcastAuth.ed25519(Harness.TOPIC, receiverKeys, ed25519);
        byte[] payload = {1, 2, 3};
        byte[] signature = otherTopic.sign(7, payload);
        assertTrue(otherTopic.verify(authorKeys.peerId(), 7, payload, signature));
        assertEquals(false, thisTopic.verify(authorKeys.peerId(), 7, payload, signature));
    }

    /** An author's key is decoded once per topic (issue 18), yet every message is checked, the last as the first. */
    @Test
    void anAuthorsKeyIsDecodedOnceAndEachOfItsMessagesIsStillVerified() {
        java.util.concurrent.atomic.AtomicInteger keysDecoded = new java.util.concurrent.atomic.AtomicInteger();
        io.topictracker.api.signing.SigningProvider counting = new io.topictracker.api.signing.SigningProvider() {
            @Override
            public String id() {
                return "counting";
            }

            @Override
            public SigningKeyPair generate() {
                return ed25519.generate();
            }

            @Override
            public SigningKeyPair fromSeed(byte[] seed32) {
                return ed25519.fromSeed(seed32);
            }

            @Override
            public boolean verify(byte[] publicKey, byte[] message, byte[] signature) {
                return ed25519.verify(publicKey, message, signature);
            }

            @Override
            public io.topictracker.api.signing.KeyVerifier verifier(byte[] publicKey) {
                keysDecoded.incrementAndGet();
                return ed25519.verifier(publicKey);
            }
        };
        BroadcastAuth author = BroadcastAuth.ed25519(Harness.TOPIC, authorKeys, ed25519);
        BroadcastAuth receiver = BroadcastAuth.ed25519(Harness.TOPIC, receiverKeys, counting);
        for (long seq = 1; seq <= 3; seq++) {
            byte[] payload = {(byte) seq};
            byte[] signature = author.sign(seq, payload);
            assertTrue(receiver.verify(authorKeys.peerId(), seq, payload, signature));
            assertEquals(false, receiver.verify(authorKeys.peerId(), seq, new byte[] {9}, signature), "altered");
            assertEquals(false, receiver.verify(authorKeys.peerId(), seq + 1, payload, signature), "replayed");
        }
        assertEquals(1, keysDecoded.get());
        byte[] forged = forgerKeys.sign(BroadcastAuth.signedBytes(Harness.TOPIC.toBytes(), authorKeys.publicKey(), 4,
                new byte[] {4}));
        assertEquals(false, receiver.verify(authorKeys.peerId(), 4, new byte[] {4}, forged), "signed by another key");
        assertTrue(receiver.verify(forgerKeys.peerId(), 4, new byte[] {4}, forgerKeys.sign(
                BroadcastAuth.signedBytes(Harness.TOPIC.toBytes(), forgerKeys.publicKey(), 4, new byte[] {4}))));
        assertEquals(2, keysDecoded.get());
    }

    @Test
    void withSignaturesOffNothingIsSignedOrChecked() {
        Harness author = new Harness(peer(1), GossipConfig.defaults().withVerifySignatures(false),
                BroadcastAuth.none());
        author.connect(peer(2));
        author.input(new Input.Broadcast(new byte[] {1}));
        assertEquals(0, ((Gossip) author.sendsOf(Gossip.class).get(0).message()).signatureUnsafe().length);
    }
}
