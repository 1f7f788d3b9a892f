package io.topictracker.tck;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.api.transport.Connection;
import io.topictracker.api.transport.TransportException;
import io.topictracker.api.transport.TransportException.Reason;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * Frame size limits: a frame of exactly {@link TransportUnderTest#maxFrameSize()} bytes passes; {@code send} of a larger
 * one fails at the sender with FRAME_TOO_LARGE and the connection stays usable; a receiver that reads an over-limit
 * length (forged by {@link TransportUnderTest#sendOverLimitLength}) closes the connection, which both sides see, and
 * delivers no part of it.
 *
 * <p>A provider's test extends this and returns its {@link TransportUnderTest}.
 */
public abstract class TransportLimitsContract extends TransportContractSupport {
    @Test
    void aFrameOfExactlyTheLimitPassesAndALargerOneIsRefusedAtTheSender() {
        Peer a = startPeer();
        Peer b = startPeer();
        Connection outbound = Await.result(a.transport.connect(b.id(), b.address(), new Recorder()), WAIT);
        Accepted inbound = b.nextAccepted();
        byte[] largest = new byte[transport().maxFrameSize()];
        for (int i = 0; i < largest.length; i++) {
            largest[i] = (byte) (i * 31);
        }

        Await.result(outbound.send(ByteBuffer.wrap(largest)), WAIT);
        assertArrayEquals(largest, bytes(inbound.recorder().next()));

        Throwable refused = Await.failure(outbound.send(ByteBuffer.allocate(transport().maxFrameSize() + 1)), WAIT);
        assertEquals(Reason.FRAME_TOO_LARGE, assertInstanceOf(TransportException.class, refused).reason());
        assertTrue(outbound.isOpen(), "refusing an over-size frame locally leaves the connection open");
        Await.result(outbound.send(ByteBuffer.wrap(new byte[] {42})), WAIT);
        assertArrayEquals(new byte[] {42}, bytes(inbound.recorder().next()));
    }

    @Test
    void aReceiverReadingAnOverLimitLengthClosesTheConnection() {
        Peer a = startPeer();
        Peer b = startPeer();
        Recorder atA = new Recorder();
        Connection outbound = Await.result(a.transport.connect(b.id(), b.address(), atA), WAIT);
        Accepted inbound = b.nextAccepted();

        transport().sendOverLimitLength(outbound, transport().maxFrameSize() + 1);

        inbound.recorder().awaitClosed();
        atA.awaitClosed();
        assertEquals(0, inbound.recorder().framesWaiting(), "no part of the over-size frame is delivered");
        assertFalse(outbound.isOpen());
    }
}
