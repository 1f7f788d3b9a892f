package io.topictracker.tck;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.topictracker.api.transport.Connection;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Framing: frames arrive whole and in order per connection, in both directions, whatever their size up to the
 * limit (the pattern runs from 0 bytes to 2 KiB).
 *
 * <p>A provider's test extends this and returns its {@link TransportUnderTest}.
 */
public abstract class TransportFramingContract extends TransportContractSupport {
    @Test
    void framesArriveWholeAndInOrderInBothDirections() {
        Peer a = startPeer();
        Peer b = startPeer();
        Recorder atA = new Recorder();
        Connection outbound = Await.result(a.transport.connect(b.id(), b.address(), atA), WAIT);
        Accepted inbound = b.nextAccepted();
        int count = 1500;

        CompletableFuture<Void> fromB = CompletableFuture.runAsync(() -> sendPattern(inbound.connection(), count));
        sendPattern(outbound, count);
        Await.result(fromB, WAIT);

        for (int i = 0; i < count; i++) {
            assertArrayEquals(pattern(i), bytes(inbound.recorder().next()), "frame " + i + " from a to b");
            assertArrayEquals(pattern(i), bytes(atA.next()), "frame " + i + " from b to a");
        }
    }
}
