package io.topictracker.engine.gossip.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.topictracker.api.PeerAddress;
import io.topictracker.api.PeerId;
import io.topictracker.api.PeerInfo;
import io.topictracker.api.transport.Connection;
import io.topictracker.api.transport.ConnectionListener;
import io.topictracker.api.transport.Transport;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Several transports: which addresses a node advertises and in which order it tries a peer's addresses. */
class TransportsTest {
    private static final PeerId PEER = PeerId.of(new byte[32]);

    /** Knows its scheme and fixed local addresses; never dials (routing is what is tested here). */
    private record Scheme(String id, List<PeerAddress> localAddresses) implements Transport {
        Scheme(String id, int addressCount) {
            this(id, IntStream.rangeClosed(1, addressCount)
                    .mapToObj(port -> PeerAddress.of(id, "127.0.0.1", port)).toList());
        }

        @Override
        public CompletableFuture<Void> start() {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public boolean handles(PeerAddress address) {
            return address.transport().equals(id);
        }

        @Override
        public CompletableFuture<Connection> connect(PeerId expected, PeerAddress address,
                ConnectionListener listener) {
            throw new UnsupportedOperationException("not dialled in this test");
        }

        @Override
        public void close() {}
    }

    private static List<String> routeText(Transports transports, String... peerAddresses) {
        List<PeerAddress> addresses = new ArrayList<>();
        for (String text : peerAddresses) {
            addresses.add(PeerAddress.parse(text));
        }
        return transports.routes(new PeerInfo(PEER, addresses)).stream()
                .map(route -> route.transport().id() + " -> " + route.address()).toList();
    }

    @Test
    void ourPreferenceOrdersTheRoutesAndAddressesNoTransportOfOursHandlesAreLeftOut() {
        Transports transports = new Transports(List.of(new Scheme("inmemory", 1), new Scheme("tcp", 1)));
        assertEquals(List.of("inmemory -> inmemory://b:2", "tcp -> tcp://127.0.0.1:7", "tcp -> tcp://[::1]:7"),
                routeText(transports, "quic://127.0.0.1:9", "tcp://127.0.0.1:7", "inmemory://b:2", "tcp://[::1]:7"),
                "our first transport first, even though the peer lists it last; quic is not ours");
        assertEquals(List.of("tcp -> tcp://127.0.0.1:7"), routeText(transports, "tcp://127.0.0.1:7"),
                "a peer with tcp only is reached over our second choice");
        assertEquals(List.of(), routeText(transports, "quic://127.0.0.1:9"));
    }

    @Test
    void everyTransportsAddressesAreAdvertisedPreferredFirstWithinThePeerInfoBound() {
        Transports two = new Transports(List.of(new Scheme("tcp", 1), new Scheme("quic", 1)));
        assertEquals(List.of(PeerAddress.parse("tcp://127.0.0.1:1"), PeerAddress.parse("quic://127.0.0.1:1")),
                two.localAddresses());

        Transports crowded = new Transports(List.of(new Scheme("tcp", 6), new Scheme("quic", 6)));
        List<PeerAddress> advertised = crowded.localAddresses();
        assertEquals(PeerInfo.MAX_ADDRESSES, advertised.size());
        assertEquals(6, advertised.stream().filter(a -> a.transport().equals("tcp")).count(),
                "the least preferred transport's addresses are the ones left out");
    }

    @Test
    void noTransportOrOneIdTwiceIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Transports(List.of()));
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
                () -> new Transports(List.of(new Scheme("tcp", 1), new Scheme("tcp", 2))));
        assertEquals("transport 'tcp' is given twice", twice.getMessage());
    }
}
