package io.topictracker.transport.relay.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.topictracker.api.PeerAddress;
import io.topictracker.api.PeerId;
import io.topictracker.api.PeerInfo;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which relays a node tries, and when it tries a failed one again. */
class ReservationPlanTest {
    private static final PeerId SELF = peer(1);
    private static final PeerAddress CONFIGURED = PeerAddress.parse("relay://203.0.113.1:4100");
    private static final PeerAddress MEMBER_RELAY = PeerAddress.parse("relay://198.51.100.7:4100");

    private static PeerId peer(int n) {
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) n);
        return PeerId.of(key);
    }

    private static final List<PeerInfo> KNOWN = List.of(
            new PeerInfo(peer(2), List.of(PeerAddress.parse("quic://198.51.100.7:5000"), MEMBER_RELAY)),
            new PeerInfo(SELF, List.of(PeerAddress.parse("relay://192.0.2.9:1"))));

    @Test
    void configuredRelaysFirstThenPeersThatAdvertiseOneExpectedToBeThatPeer() {
        ReservationPlan plan = new ReservationPlan(1000);
        assertEquals(List.of(new ReservationPlan.Candidate(CONFIGURED, null),
                new ReservationPlan.Candidate(MEMBER_RELAY, peer(2))),
                plan.next(List.of(CONFIGURED), KNOWN, SELF, Set.of(), 5, 0));
        assertEquals(List.of(new ReservationPlan.Candidate(MEMBER_RELAY, peer(2))),
                plan.next(List.of(CONFIGURED), KNOWN, SELF, Set.of(CONFIGURED), 5, 0), "busy ones are skipped");
        assertEquals(1, plan.next(List.of(CONFIGURED), KNOWN, SELF, Set.of(), 1, 0).size(), "room bounds it");
    }

    @Test
    void aFailedRelayWaitsDoublingUpToAMinute() {
        ReservationPlan plan = new ReservationPlan(1000);
        plan.failed(CONFIGURED, 0);
        assertEquals(List.of(), plan.next(List.of(CONFIGURED), List.of(), SELF, Set.of(), 5, 999));
        assertEquals(1, plan.next(List.of(CONFIGURED), List.of(), SELF, Set.of(), 5, 1000).size());
        plan.failed(CONFIGURED, 1000);
        assertEquals(0, plan.next(List.of(CONFIGURED), List.of(), SELF, Set.of(), 5, 2999).size());
        assertEquals(1, plan.next(List.of(CONFIGURED), List.of(), SELF, Set.of(), 5, 3000).size());
        for (int i = 0; i < 30; i++) {
            plan.failed(CONFIGURED, 0);
        }
        assertEquals(1, plan.next(List.of(CONFIGURED), List.of(), SELF, Set.of(), 5,
                ReservationPlan.MAX_RETRY_MILLIS).size());
        plan.succeeded(CONFIGURED);
        assertEquals(1, plan.next(List.of(CONFIGURED), List.of(), SELF, Set.of(), 5, 0).size());
    }
}
