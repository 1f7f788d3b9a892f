package io.topictracker.transport.quic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

class OrderlyClosesTest {
    /** A connection stand-in: counts its closes; its future completes when the test says. */
    private static final class FakeConnection {
        final CompletableFuture<Void> closed = new CompletableFuture<>();
        int closes;
    }

    private final Set<FakeConnection> live = ConcurrentHashMap.newKeySet();

    @Test
    void aConnectionThatJoinsWhileTheOthersCloseIsClosedAndWaitedForToo() throws InterruptedException {
        FakeConnection first = new FakeConnection();
        FakeConnection late = new FakeConnection(); // a handshake that finished during the close
        live.add(first);

        boolean allClosed = OrderlyCloses.closeAllAndAwait(live, c -> {
            c.closes++;
            if (c == first && !live.contains(late)) {
                live.add(late);
                first.closed.complete(null); // still in the set: its owner drops it a moment later
            } else if (c == late) {
                CompletableFuture.runAsync(() -> late.closed.complete(null));
            }
        }, c -> c.closed, Duration.ofSeconds(10));

        assertTrue(allClosed);
        assertTrue(late.closed.isDone(), "returned before the late connection closed");
        assertEquals(1, late.closes);
        assertEquals(1, first.closes, "a connection already closed is not closed again");
    }

    @Test
    void aConnectionThatNeverClosesEndsTheWaitAtTheBound() throws InterruptedException {
        FakeConnection stuck = new FakeConnection();
        live.add(stuck);

        assertFalse(OrderlyCloses.closeAllAndAwait(live, c -> c.closes++, c -> c.closed, Duration.ofMillis(50)));
        assertTrue(stuck.closes >= 1);
    }

    @Test
    void noConnectionsMeansNothingToWaitFor() throws InterruptedException {
        assertTrue(OrderlyCloses.closeAllAndAwait(live, c -> c.closes++, c -> c.closed, Duration.ZERO));
    }
}
