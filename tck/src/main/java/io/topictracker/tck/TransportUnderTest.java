package io.topictracker.tck;

import io.topictracker.api.ConfigTable;
import io.topictracker.api.PeerAddress;
import io.topictracker.api.signing.SigningProvider;
import io.topictracker.api.transport.Connection;
import io.topictracker.api.transport.TransportProvider;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * What a transport's tests tell the transport contracts: the provider, its settings and three hooks that misbehave
 * on purpose. A provider implements this once and hands it to each behaviour's contract
 * ({@link TransportIdentityContract}, {@link TransportFramingContract}, {@link TransportLimitsContract},
 * {@link TransportConcurrencyContract}, {@link TransportCloseContract}, {@link TransportWritabilityContract}).
 *
 * <p>Implementations are stateless or thread-safe; every method returns a fresh or immutable value.
 */
public interface TransportUnderTest {
    /** @return a new instance of the provider under test, never null */
    TransportProvider provider();

    /**
     * @return the signing provider that makes the peers' keys and verifies proofs, never null; the default is the
     *     TCK's {@link TestSigning#provider()}
     */
    default SigningProvider signing() {
        return TestSigning.provider();
    }

    /** @return the maximum frame size that {@link #settings()} configures, at least 1 */
    int maxFrameSize();

    /**
     * @return the provider's table: it must bind 127.0.0.1 on any free port and set {@link #maxFrameSize()}; never
     *     null. The default is an empty table, which suits only a transport whose defaults do that.
     */
    default ConfigTable settings() {
        return ConfigTable.empty("transport." + provider().id());
    }

    /**
     * Half-closes {@code connection}: this side stops sending (TCP: a FIN without a TLS close_notify) but does not
     * close. The far end must then see the connection end.
     */
    void shutdownOutput(Connection connection);

    /** Ends {@code connection} abruptly, without any orderly goodbye (TCP: a reset). */
    void abort(Connection connection);

    /**
     * Writes, bypassing the sender's size check, the start of a frame whose declared length is {@code length} bytes
     * (over the limit). The receiver must close the connection.
     */
    void sendOverLimitLength(Connection connection, int length);

    /**
     * Asserts that nothing listens on {@code address} any more, by binding it. The default binds a TCP server socket;
     * datagram transports override it.
     *
     * @throws AssertionError naming the address if it is still in use
     */
    default void assertAddressReleased(PeerAddress address) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(address.host(), address.port()));
        } catch (IOException e) {
            throw new AssertionError("address " + address + " still in use after close: " + e, e);
        }
    }
}
