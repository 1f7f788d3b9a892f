package io.topictracker.engine.gossip.net;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.topictracker.api.PeerAddress;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which observed addresses a node advertises, and the frame that carries an observation. */
class ObservedAddressesTest {
    private static final List<PeerAddress> OWN = List.of(PeerAddress.parse("quic://10.0.0.5:4433"),
            PeerAddress.parse("tcp://10.0.0.5:4000"));

    @Test
    void oneObserverIsNotEnoughTwoAtDistinctIpsAre() {
        ObservedAddresses observed = new ObservedAddresses();
        observed.observed(PeerAddress.parse("quic://198.51.100.1:4433"), PeerAddress.parse("quic://203.0.113.7:51000"));
        assertEquals(List.of(), observed.confirmed(OWN), "a single peer's claim could be a lie");
        observed.observed(PeerAddress.parse("quic://198.51.100.2:4433"), PeerAddress.parse("quic://203.0.113.7:52000"));
        assertEquals(List.of(PeerAddress.parse("quic://203.0.113.7:4433")), observed.confirmed(OWN),
                "confirmed, with our listening port (the observed ports are our dialling sockets')");
    }

    @Test
    void manyIdentitiesOnOneIpCountOnce() {
        ObservedAddresses observed = new ObservedAddresses();
        for (int port = 1; port <= 10; port++) {
            observed.observed(PeerAddress.of("tcp", "198.51.100.1", port), PeerAddress.parse("tcp://203.0.113.66:1"));
        }
        assertEquals(List.of(), observed.confirmed(OWN));
    }

    @Test
    void anAddressWeAdvertiseAnywayOrOfAnotherTransportAddsNothing() {
        ObservedAddresses observed = new ObservedAddresses();
        for (String observer : List.of("198.51.100.1", "198.51.100.2")) {
            observed.observed(PeerAddress.of("tcp", observer, 4000), PeerAddress.parse("tcp://10.0.0.5:40000"));
            observed.observed(PeerAddress.of("tcp", observer, 4000), PeerAddress.parse("quic://203.0.113.9:1"));
        }
        assertEquals(List.of(), observed.confirmed(OWN));
    }

    @Test
    void theDhtsVoteConfirmsItsHostForEveryTransport() {
        ObservedAddresses observed = new ObservedAddresses();
        observed.dhtExternalHost("203.0.113.8");
        assertEquals(List.of(PeerAddress.parse("quic://203.0.113.8:4433"), PeerAddress.parse("tcp://203.0.113.8:4000")),
                observed.confirmed(OWN));
    }

    @Test
    void anObservedFrameRoundTripsAndOtherFramesAreLeftForDecode() throws Exception {
        FrameCodec codec = new FrameCodec(1024);
        PeerAddress seen = PeerAddress.parse("quic://[2001:db8::7]:50123");
        assertEquals(seen, codec.observed(codec.encodeObserved(seen)));
        ByteBuffer prune = codec.encode(io.topictracker.api.TopicId.fromName("t"),
                new io.topictracker.engine.gossip.proto.Message.Prune());
        assertEquals(null, codec.observed(prune));
        assertEquals(io.topictracker.engine.gossip.proto.Message.Prune.class, codec.decode(prune).message().getClass());
    }

    @Test
    void aMalformedObservedFrameIsRefusedNamingWhatIsWrong() {
        FrameCodec codec = new FrameCodec(1024);
        ByteBuffer frame = codec.encodeObserved(PeerAddress.parse("tcp://198.51.100.1:1"));
        frame.put(10, (byte) 1); // a topic byte
        MalformedFrameException e = org.junit.jupiter.api.Assertions.assertThrows(MalformedFrameException.class,
                () -> codec.observed(frame));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("names a topic"), e.getMessage());
    }
}
