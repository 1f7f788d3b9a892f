package io.topictracker.transport.relay.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.api.PeerId;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The relay's limits, driven with a made-up clock. */
class RelayLedgerTest {
    private static final RelayLedger.Limits LIMITS = new RelayLedger.Limits(3, 2, 10_000, 3, 2, 1000, 5000);

    private static PeerId peer(int n) {
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) n);
        return PeerId.of(key);
    }

    @Test
    void onePerPeerAndPerIpAndInTotal() {
        RelayLedger ledger = new RelayLedger(LIMITS);
        assertNull(ledger.reserve(peer(1), "a", 0));
        assertEquals(RelayMessage.Status.RESERVATION_REFUSED, ledger.reserve(peer(1), "b", 0).status());
        assertNull(ledger.reserve(peer(2), "a", 0));
        RelayMessage.Refused perIp = ledger.reserve(peer(3), "a", 0);
        assertEquals(RelayMessage.Status.RESOURCE_LIMIT_EXCEEDED, perIp.status());
        assertTrue(perIp.reason().contains("max_reservations_per_ip"), perIp.reason());
        assertNull(ledger.reserve(peer(3), "b", 0));
        RelayMessage.Refused total = ledger.reserve(peer(4), "c", 0);
        assertTrue(total.reason().contains("max_reservations"), total.reason());
        ledger.release(peer(1));
        assertNull(ledger.reserve(peer(4), "c", 0), "a released reservation frees its place");
    }

    @Test
    void reservationsExpireUnlessRenewed() {
        RelayLedger ledger = new RelayLedger(LIMITS);
        assertNull(ledger.reserve(peer(1), "a", 0));
        assertNull(ledger.reserve(peer(2), "b", 0));
        assertTrue(ledger.renew(peer(1), 9_000));
        assertTrue(ledger.isReserved(peer(1), 15_000));
        assertFalse(ledger.isReserved(peer(2), 10_000));
        assertFalse(ledger.renew(peer(2), 10_000), "an expired reservation cannot be renewed");
        assertEquals(1, ledger.reservationCount(15_000));
    }

    @Test
    void circuitsNeedAReservationAndStayWithinTheirLimits() {
        RelayLedger ledger = new RelayLedger(LIMITS);
        assertEquals(RelayMessage.Status.NO_RESERVATION, ledger.openCircuit(peer(1), peer(2), 0).refused().status());
        assertNull(ledger.reserve(peer(2), "a", 0));
        assertNull(ledger.reserve(peer(3), "b", 0));
        RelayLedger.CircuitOpening first = ledger.openCircuit(peer(1), peer(2), 0);
        assertTrue(first.opened());
        assertEquals(peer(1), ledger.initiatorOf(first.id()));
        assertEquals(peer(2), ledger.targetOf(first.id()));
        assertTrue(ledger.openCircuit(peer(4), peer(2), 0).opened());
        RelayMessage.Refused perPeer = ledger.openCircuit(peer(5), peer(2), 0).refused();
        assertTrue(perPeer.reason().contains("max_circuits_per_peer"), perPeer.reason());
        assertTrue(ledger.openCircuit(peer(6), peer(3), 0).opened());
        RelayMessage.Refused total = ledger.openCircuit(peer(7), peer(3), 0).refused();
        assertTrue(total.reason().contains("max_circuits"), total.reason());
        ledger.closeCircuit(first.id());
        ledger.closeCircuit(first.id());
        assertEquals(2, ledger.circuitCount());
        assertTrue(ledger.openCircuit(peer(5), peer(2), 0).opened(), "a closed circuit frees both ends' places");
    }

    @Test
    void aCircuitBudgetCountsBytesAndTime() {
        CircuitBudget budget = new CircuitBudget(1000, 100, 5000);
        assertTrue(budget.spend(600));
        assertTrue(budget.spend(400));
        assertFalse(budget.spend(1));
        assertEquals(1001, budget.spent());
        assertFalse(budget.expired(5099));
        assertTrue(budget.expired(5100));
        assertEquals(0, budget.remainingMillis(6000));
    }

    @Test
    void aCircuitBudgetNamesTheLimitItIsOverAndIsReportedOnce() {
        CircuitBudget budget = new CircuitBudget(1000, 100, 5000);
        assertTrue(budget.spend(1000));
        assertNull(budget.overLimit(200), "within both limits");
        assertFalse(budget.spend(10));
        assertEquals("carried 1010 bytes, over 1000 (circuit_bytes)", budget.overLimit(200));
        CircuitBudget timed = new CircuitBudget(1000, 100, 5000);
        assertEquals("open 5000 ms, over 5000 ms (circuit_duration)", timed.overLimit(5100));
        assertTrue(budget.firstReport());
        assertFalse(budget.firstReport(), "both directions may find it over; one report");
    }
}
