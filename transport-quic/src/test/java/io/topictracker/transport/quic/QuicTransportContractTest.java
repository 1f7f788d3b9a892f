package io.topictracker.transport.quic;

import io.topictracker.api.ConfigTable;
import io.topictracker.api.PeerAddress;
import io.topictracker.api.transport.Connection;
import io.topictracker.api.transport.TransportProvider;
import io.topictracker.tck.TransportContracts;
import io.topictracker.tck.TransportUnderTest;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.util.Map;

/** Runs every transport contract, behaviour by behaviour, against the QUIC provider over 127.0.0.1. */
class QuicTransportContractTest extends TransportContracts {
    private static final TransportUnderTest TRANSPORT = new UnderTest();

    @Override
    protected TransportUnderTest transport() {
        return TRANSPORT;
    }

    /** The provider, its settings and the hooks that misbehave on purpose. */
    private static final class UnderTest implements TransportUnderTest {
        private static final int MAX_FRAME = 64 * 1024;

        @Override
        public TransportProvider provider() {
            return new QuicTransportProvider();
        }

        @Override
        public int maxFrameSize() {
            return MAX_FRAME;
        }

        @Override
        public ConfigTable settings() {
            // handshake_timeout bounds the "nobody listens" case: over UDP silence is the only answer.
            return ConfigTable.of("transport.quic", Map.of("bind_address", "127.0.0.1", "port", 0L,
                    "max_frame_size", (long) MAX_FRAME, "handshake_timeout", "5s"));
        }

        @Override
        public void shutdownOutput(Connection connection) {
            // A FIN on the connection's stream without closing the connection.
            ((QuicConnection) connection).shutdownOutput();
        }

        @Override
        public void abort(Connection connection) {
            // A CONNECTION_CLOSE with an error code at once, without ending the stream first (RFC 9000 §10.2).
            ((QuicConnection) connection).abort(0x7e57, "aborted by the test", null);
        }

        @Override
        public void sendOverLimitLength(Connection connection, int length) {
            ((QuicConnection) connection).sendHeader(length);
        }

        @Override
        public void assertAddressReleased(PeerAddress address) {
            try (DatagramSocket socket = new DatagramSocket(null)) {
                socket.bind(new InetSocketAddress(address.host(), address.port()));
            } catch (IOException e) {
                throw new AssertionError("UDP address " + address + " still in use after close: " + e, e);
            }
        }
    }
}
