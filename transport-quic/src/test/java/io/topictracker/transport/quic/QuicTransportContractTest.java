package io.topictracker.transport.quic;

import io.topictracker.api.ConfigTable;
import io.topictracker.api.PeerAddress;
import io.topictracker.api.signing.SigningProvider;
import io.topictracker.api.transport.Connection;
import io.topictracker.api.transport.TransportProvider;
import io.topictracker.engine.signing.BouncyCastleEd25519Provider;
import io.topictracker.tck.TransportContract;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.util.Map;

/** Runs the shared transport contract against the QUIC provider over 127.0.0.1. */
class QuicTransportContractTest extends TransportContract {
    private static final int MAX_FRAME = 64 * 1024;

    @Override
    protected TransportProvider provider() {
        return new QuicTransportProvider();
    }

    @Override
    protected SigningProvider signing() {
        return new BouncyCastleEd25519Provider();
    }

    @Override
    protected int maxFrameSize() {
        return MAX_FRAME;
    }

    @Override
    protected ConfigTable settings() {
        // handshake_timeout bounds the "nobody listens" case: over UDP silence is the only answer.
        return ConfigTable.of("transport.quic", Map.of("bind_address", "127.0.0.1", "port", 0L,
                "max_frame_size", (long) MAX_FRAME, "handshake_timeout", "5s"));
    }

    @Override
    protected void shutdownOutput(Connection connection) {
        // A FIN on the connection's stream without closing the connection.
        ((QuicConnection) connection).shutdownOutput();
    }

    @Override
    protected void abort(Connection connection) {
        // A CONNECTION_CLOSE with an error code at once, without ending the stream first (RFC 9000 §10.2).
        ((QuicConnection) connection).abort(0x7e57, "aborted by the test", null);
    }

    @Override
    protected void sendOverLimitLength(Connection connection, int length) {
        ((QuicConnection) connection).sendHeader(length);
    }

    @Override
    protected void assertAddressReleased(PeerAddress address) {
        try (DatagramSocket socket = new DatagramSocket(null)) {
            socket.bind(new InetSocketAddress(address.host(), address.port()));
        } catch (IOException e) {
            throw new AssertionError("UDP address " + address + " still in use after close: " + e, e);
        }
    }
}
