package io.topictracker.engine.gossip.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.api.PeerId;
import org.junit.jupiter.api.Test;

/** How often a node asks, forwards and dials back (issue 15, PROTOCOL.md §10), in virtual time. */
class ConnectRequestsTest {
    private final ConnectRequests requests = new ConnectRequests();

    private static PeerId peer(int n) {
        byte[] bytes = new byte[32];
        bytes[0] = (byte) n;
        bytes[1] = (byte) (n >> 8);
        return PeerId.of(bytes);
    }

    @Test
    void oneTargetIsAskedForAtMostOncePerInterval() {
        assertTrue(requests.ask(peer(1), 0));
        assertFalse(requests.ask(peer(1), ConnectRequests.ASK_INTERVAL_MILLIS - 1), "asked lately");
        assertTrue(requests.ask(peer(2), 1), "another target is asked for at once");
        assertTrue(requests.ask(peer(1), ConnectRequests.ASK_INTERVAL_MILLIS), "the interval is over");
    }

    @Test
    void askingForManyTargetsIsBoundedInTotal() {
        int asked = 0;
        for (int i = 0; i < 100; i++) {
            if (requests.ask(peer(i), 0)) {
                asked++;
            }
        }
        assertEquals(16, asked, "the burst");
        assertFalse(requests.ask(peer(200), 999));
        assertTrue(requests.ask(peer(200), 1_000), "one more per second");
    }

    @Test
    void oneRequesterIsForwardedForAtMostItsBurstThenAtItsRate() {
        for (int i = 0; i < 8; i++) {
            assertTrue(requests.forward(peer(1), 0), "forward " + i);
        }
        assertFalse(requests.forward(peer(1), 0), "over the requester's burst");
        assertTrue(requests.forward(peer(2), 0), "another requester has its own");
        assertFalse(requests.forward(peer(1), 1_999));
        assertTrue(requests.forward(peer(1), 2_000), "one more per 2 s");
    }

    @Test
    void forwardsForEveryoneAreBoundedInTotal() {
        int forwarded = 0;
        for (int i = 0; i < 100; i++) {
            for (int j = 0; j < 8; j++) {
                if (requests.forward(peer(i), 0)) {
                    forwarded++;
                }
            }
        }
        assertEquals(32, forwarded, "the total burst, whoever asks");
        assertFalse(requests.forward(peer(500), 249));
        assertTrue(requests.forward(peer(500), 250), "4 per second in total");
    }

    @Test
    void aRequesterIsDialledBackAtMostOncePerIntervalAndDialBacksAreBoundedInTotal() {
        assertTrue(requests.dialBack(peer(1), 0));
        assertFalse(requests.dialBack(peer(1), ConnectRequests.DIAL_BACK_INTERVAL_MILLIS - 1),
                "its requests through other neighbours are answered by the one dial");
        assertTrue(requests.dialBack(peer(1), ConnectRequests.DIAL_BACK_INTERVAL_MILLIS));
        int dialled = 0;
        for (int i = 10; i < 100; i++) {
            if (requests.dialBack(peer(i), ConnectRequests.DIAL_BACK_INTERVAL_MILLIS)) {
                dialled++;
            }
        }
        assertEquals(15, dialled, "a burst of 16 in total (full again after 5 s at 2 per second), 1 used");
    }

    @Test
    void memoryIsBoundedWhateverTheNumberOfPeers() {
        for (int i = 0; i < ConnectRequests.MAX_PEERS + 10; i++) {
            requests.dialBack(peer(i), (long) i * 1_000_000);
        }
        // the first peer was forgotten (oldest out): it may be dialled back again at once
        assertTrue(requests.dialBack(peer(0), (long) (ConnectRequests.MAX_PEERS + 10) * 1_000_000));
    }
}
