package io.topictracker.tck;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.topictracker.api.PeerAddress;
import io.topictracker.api.transport.Connection;
import io.topictracker.api.transport.TransportException;
import io.topictracker.api.transport.TransportException.Reason;
import java.nio.ByteBuffer;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Endings: an orderly close by either side (cause null), a half-open connection and an abrupt close are each seen by
 * the other side; after {@code close()} every thread the transport started has ended (compared with the JVM's threads
 * before the test, not by name), every connection is closed and its listener told exactly once, the transport
 * refuses to dial (CLOSED) and the listening address can be bound again.
 *
 * <p>A provider's test extends this and returns its {@link TransportUnderTest}.
 */
public abstract class TransportCloseContract extends TransportContractSupport {
    @Test
    void orderlyCloseByEitherSideIsSeenByTheOther() {
        Peer a = startPeer();
        Peer b = startPeer();
        Recorder atA = new Recorder();
        Connection outbound = Await.result(a.transport.connect(b.id(), b.address(), atA), WAIT);
        Accepted inbound = b.nextAccepted();

        Await.result(outbound.send(ByteBuffer.wrap(pattern(1))), WAIT);
        outbound.close();
        outbound.close(); // idempotent

        assertArrayEquals(pattern(1), bytes(inbound.recorder().next()), "frame sent before close arrives");
        assertEquals(Optional.empty(), inbound.recorder().awaitClosed(), "an orderly close has no cause");
        Await.result(inbound.connection().closeFuture(), WAIT);
        Await.result(outbound.closeFuture(), WAIT);
        atA.awaitClosed();
        assertFalse(outbound.isOpen());
        Throwable refused = Await.failure(outbound.send(ByteBuffer.wrap(pattern(2))), WAIT);
        assertEquals(Reason.CLOSED, assertInstanceOf(TransportException.class, refused).reason());

        Recorder second = new Recorder();
        Connection again = Await.result(a.transport.connect(b.id(), b.address(), second), WAIT);
        Accepted secondInbound = b.nextAccepted();
        secondInbound.connection().close();
        assertEquals(Optional.empty(), second.awaitClosed(), "close by the acceptor is seen by the dialler");
        Await.result(again.closeFuture(), WAIT);
    }

    @Test
    void halfOpenIsSeenByTheOtherSide() {
        Peer a = startPeer();
        Peer b = startPeer();
        Recorder atA = new Recorder();
        Connection outbound = Await.result(a.transport.connect(b.id(), b.address(), atA), WAIT);
        Accepted inbound = b.nextAccepted();

        transport().shutdownOutput(outbound);

        inbound.recorder().awaitClosed();
        Await.result(inbound.connection().closeFuture(), WAIT);
        atA.awaitClosed();
        Await.result(outbound.closeFuture(), WAIT);
    }

    @Test
    void abruptCloseIsSeenByTheOtherSide() {
        Peer a = startPeer();
        Peer b = startPeer();
        Recorder atA = new Recorder();
        Connection outbound = Await.result(a.transport.connect(b.id(), b.address(), atA), WAIT);
        Accepted inbound = b.nextAccepted();

        transport().abort(outbound);

        inbound.recorder().awaitClosed();
        Await.result(inbound.connection().closeFuture(), WAIT);
        assertFalse(inbound.connection().isOpen());
        atA.awaitClosed();
    }

    @Test
    void closeReleasesEveryThreadConnectionAndAddress() {
        Peer a = startPeer();
        Peer b = startPeer();
        Recorder atA = new Recorder();
        Connection outbound = Await.result(a.transport.connect(b.id(), b.address(), atA), WAIT);
        Accepted inbound = b.nextAccepted();
        assertFalse(threadsStartedSinceTheTestBegan().isEmpty(),
                "two started transports with a connection run at least one thread of their own");
        PeerAddress address = b.address();

        b.transport.close();
        a.transport.close();
        a.transport.close(); // idempotent

        Await.result(outbound.closeFuture(), WAIT);
        Await.result(inbound.connection().closeFuture(), WAIT);
        atA.awaitClosed();
        inbound.recorder().awaitClosed();
        assertEquals(1, atA.closeCount(), "onClosed is called exactly once");
        assertEquals(1, inbound.recorder().closeCount(), "onClosed is called exactly once");
        Await.until(WAIT, "every thread the transports started has ended; still alive: "
                + threadsStartedSinceTheTestBegan(), () -> threadsStartedSinceTheTestBegan().isEmpty());
        transport().assertAddressReleased(address);
        Throwable refused = Await.failure(a.transport.connect(b.id(), address, new Recorder()), WAIT);
        assertEquals(Reason.CLOSED, assertInstanceOf(TransportException.class, refused).reason());
    }
}
