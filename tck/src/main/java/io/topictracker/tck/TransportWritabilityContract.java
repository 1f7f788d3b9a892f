package io.topictracker.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
 * a bounded amount of unsent data per connection. Writing to a peer that stops reading, within {@link #UNSENT_BOUND}
 * bytes the sender's {@code send} is refused with OVERLOADED (the frame is not queued, and {@code isWritable()} says
 * false) while {@code whenWritable()} is pending; {@code whenWritable()} completes once the peer reads again; and
 * every frame the transport took arrives, whole and in order.
 *
 * <p>The far peer "stops reading" by holding its listener's thread in {@code onFrame}, the only way the SPI gives.
 */
public abstract class TransportWritabilityContract extends TransportContractSupport {
    /** The most unsent data a transport may take before it reports the connection not writable. */
    protected static final long UNSENT_BOUND = 64L << 20;
    /**
     * Refusals tolerated while {@code isWritable()} says true: each is a refusal that raced with the transport
     * draining its queue, which happens a few times at most before the peer's window is full.
     */
    private static final int MAX_REFUSALS_WHILE_WRITABLE = 10_000;

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
        int refusedWhileWritable = 0;
        CompletableFuture<Void> writable = null;
        try {
            // Send until the transport refuses and whenWritable() is pending. A refusal can be brief while unsent
            // data still drains into the transport's own buffers (a QUIC stream takes up to its flow-control
            // window); once the peer's window is full, nothing drains and the refusal holds.
            while (writable == null && bytes <= UNSENT_BOUND) {
                CompletableFuture<Void> sent = outbound.send(numbered(taken, frameSize));
                if (!sent.isCompletedExceptionally()) {
                    taken++;
                    bytes += frameSize;
                    continue;
                }
                Throwable refused = Await.failure(sent, WAIT);
                assertEquals(Reason.OVERLOADED, assertInstanceOf(TransportException.class, refused,
                        "a refused send must fail with TransportException OVERLOADED, failed with " + refused)
                        .reason(), "a refused send: " + refused);
                CompletableFuture<Void> pending = outbound.whenWritable();
                if (!pending.isDone() && !outbound.isWritable()) {
                    writable = pending;
                    continue;
                }
                // The refusal raced with the transport's own thread: a drain took data below the mark (then
                // whenWritable() is done or about to be), or data the transport already took moved between its
                // buffers across the mark while the two calls ran. Neither may last: whenWritable() completes or
                // isWritable() turns false; a transport whose two answers keep disagreeing fails here. Then the next
                // send is tried; a transport whose isWritable() stays true while it keeps refusing is caught by the
                // bound.
                Await.until(WAIT, "whenWritable() to complete or isWritable() to turn false after a refused send"
                        + " (isWritable() said true while whenWritable() was pending)",
                        () -> pending.isDone() || !outbound.isWritable());
                assertTrue(++refusedWhileWritable <= MAX_REFUSALS_WHILE_WRITABLE, "sends were refused as "
                        + "OVERLOADED " + refusedWhileWritable + " times while isWritable() said true");
            }
            assertTrue(writable != null, "after " + bytes + " bytes (" + taken + " frames of " + frameSize
                    + ") sent to a peer that reads nothing the transport still takes frames: unsent data must be "
                    + "bounded, with sends refused as OVERLOADED and whenWritable() pending beyond the bound");
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
