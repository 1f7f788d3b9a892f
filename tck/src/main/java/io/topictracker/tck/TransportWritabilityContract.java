package io.topictracker.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.api.transport.Connection;
import io.topictracker.api.transport.TransportException;
import io.topictracker.api.transport.TransportException.Reason;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * Writability and backpressure ({@link Connection#isWritable()}, {@link Connection#whenWritable()}): a transport keeps
 * a bounded amount of unsent data per connection. Writing to a peer that stops reading, the sender sees
 * {@code isWritable()} turn false within {@link #UNSENT_BOUND} bytes; a {@code send} then fails with OVERLOADED
 * (the frame is not queued); {@code whenWritable()} stays pending while the peer reads nothing and completes once it
 * reads again; and every frame the transport took arrives, whole and in order.
 *
 * <p>The far peer "stops reading" by holding its listener's thread in {@code onFrame}, the only way the SPI gives.
 */
public abstract class TransportWritabilityContract extends TransportContractSupport {
    /** The most unsent data a transport may take before it reports the connection not writable. */
    protected static final long UNSENT_BOUND = 64L << 20;

    private static ByteBuffer numbered(int index, int size) {
        ByteBuffer frame = ByteBuffer.allocate(size);
        frame.putInt(0, index);
        return frame;
    }

    @Test
    void aPeerThatStopsReadingMakesTheSenderUnwritableUntilItReadsAgain() {
        Peer a = startPeer();
        Peer b = startPeer();
        CountDownLatch reading = new CountDownLatch(1);
        b.readGate = reading;
        Connection outbound = Await.result(a.transport().connect(b.id(), b.address(), new Recorder()), WAIT);
        Accepted inbound = b.nextAccepted();
        int frameSize = Math.min(transport().maxFrameSize(), 16 * 1024);
        assertTrue(outbound.isWritable(), "a new connection is writable");

        int taken = 0;
        long bytes = 0;
        try {
            while (outbound.isWritable() && bytes <= UNSENT_BOUND) {
                CompletableFuture<Void> sent = outbound.send(numbered(taken, frameSize));
                if (sent.isCompletedExceptionally()) {
                    Throwable failure = Await.failure(sent, WAIT);
                    throw new AssertionError("send while isWritable() said true must be taken, it failed with "
                            + failure, failure);
                }
                taken++;
                bytes += frameSize;
            }
            assertFalse(outbound.isWritable(), "isWritable() still true after " + bytes + " bytes (" + taken
                    + " frames of " + frameSize + ") sent to a peer that reads nothing: unsent data must be bounded");

            Throwable refused = Await.failure(outbound.send(numbered(-1, frameSize)), WAIT);
            assertEquals(Reason.OVERLOADED, assertInstanceOf(TransportException.class, refused,
                    "a send while not writable must fail with TransportException OVERLOADED, failed with " + refused)
                    .reason(), "a send while not writable: " + refused);
            CompletableFuture<Void> writable = outbound.whenWritable();
            assertFalse(writable.isDone(), "whenWritable() completed while the peer read nothing");
            reading.countDown();
            Await.result(writable, WAIT);
        } finally {
            reading.countDown();
        }

        for (int i = 0; i < taken; i++) {
            ByteBuffer frame = inbound.recorder().next();
            assertEquals(frameSize, frame.remaining(), "frame " + i + " arrives whole");
            assertEquals(i, frame.getInt(frame.position()), "frame " + i + " arrives in order");
        }
        assertTrue(outbound.isOpen(), "backpressure does not close the connection");
    }
}
