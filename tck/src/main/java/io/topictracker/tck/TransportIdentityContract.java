package io.topictracker.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.api.PeerAddress;
import io.topictracker.api.PeerId;
import io.topictracker.api.transport.Connection;
import io.topictracker.api.transport.TransportException;
import io.topictracker.api.transport.TransportException.Reason;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Identity and addressing: dial and accept prove each side's identity to the other ({@link Connection#remote()} is
 * the identity proven); a dial expecting another identity fails with IDENTITY_MISMATCH naming both ids; a dial where
 * nobody listens fails (CONNECT_FAILED or TIMEOUT); an address of another transport is refused (UNSUPPORTED_ADDRESS).
 *
 * <p>A provider's test extends this and returns its {@link TransportUnderTest}.
 */
public abstract class TransportIdentityContract extends TransportContractSupport {
    @Test
    void dialAndAcceptProveIdentityBothWays() {
        Peer a = startPeer();
        Peer b = startPeer();
        assertTrue(b.transport.handles(b.address()), "transport handles its own address");
        assertEquals(transport().provider().id(), b.address().transport());

        Recorder dialled = new Recorder();
        Connection outbound = Await.result(a.transport.connect(b.id(), b.address(), dialled), WAIT);
        Accepted inbound = b.nextAccepted();

        assertEquals(b.id(), outbound.remote(), "dialler sees the acceptor's proven identity");
        assertEquals(a.id(), inbound.connection().remote(), "acceptor learns the dialler's identity");
        assertTrue(outbound.isOpen());
        assertTrue(inbound.connection().isOpen());
        assertEquals(b.address().port(), outbound.remoteAddress().port());
    }

    @Test
    void wrongExpectedIdentityIsRefusedNamingBothIds() {
        Peer a = startPeer();
        Peer b = startPeer();
        PeerId someoneElse = transport().signing().generate().peerId();

        Throwable failure = Await.failure(a.transport.connect(someoneElse, b.address(), new Recorder()), WAIT);

        TransportException error = assertInstanceOf(TransportException.class, failure);
        assertEquals(Reason.IDENTITY_MISMATCH, error.reason(), error.toString());
        assertTrue(error.getMessage().contains(someoneElse.toString()), "message names the expected id: " + error);
        assertTrue(error.getMessage().contains(b.id().toString()), "message names the proven id: " + error);
    }

    @Test
    void dialingAnAddressWhereNobodyListensFails() {
        Peer a = startPeer();
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        PeerAddress nobody = PeerAddress.of(transport().provider().id(), "127.0.0.1", port);

        Throwable failure = Await.failure(a.transport.connect(a.id(), nobody, new Recorder()), WAIT);

        Reason reason = assertInstanceOf(TransportException.class, failure).reason();
        assertTrue(reason == Reason.CONNECT_FAILED || reason == Reason.TIMEOUT, "reason " + reason);
    }

    @Test
    void anAddressOfAnotherTransportIsRefused() {
        Peer a = startPeer();
        String other = transport().provider().id().equals("nosuch") ? "other" : "nosuch";
        PeerAddress foreign = PeerAddress.of(other, "127.0.0.1", 4000);
        assertFalse(a.transport.handles(foreign));

        Throwable failure = Await.failure(a.transport.connect(a.id(), foreign, new Recorder()), WAIT);

        assertEquals(Reason.UNSUPPORTED_ADDRESS, assertInstanceOf(TransportException.class, failure).reason());
    }
}
