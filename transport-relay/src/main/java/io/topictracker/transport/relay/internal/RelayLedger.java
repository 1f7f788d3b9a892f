package io.topictracker.transport.relay.internal;

import io.topictracker.api.PeerId;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The relay's bookkeeping of reservations and circuits, and its limits (as libp2p circuit relay v2's resource
 * manager has them: reservations in total, per peer and per IP; circuits in total and per peer; bytes and duration
 * per circuit). Pure: the caller gives the time; no IO, no threads. Not thread-safe: the relay calls it under one
 * lock.
 *
 * <p>A refusal is returned as a {@link RelayMessage.Refused} naming the limit, which the relay sends as it is.
 */
public final class RelayLedger {
    /**
     * @param maxReservations reservations held at once, in total
     * @param maxReservationsPerIp of those, from one IP (many identities are cheap; IPs are not)
     * @param reservationTtlMillis how long a reservation lasts unless renewed
     * @param maxCircuits circuits open at once, in total
     * @param maxCircuitsPerPeer of those, with one peer at either end
     * @param circuitBytes bytes one circuit may carry, both directions together
     * @param circuitMillis how long one circuit may stay open
     */
    public record Limits(int maxReservations, int maxReservationsPerIp, long reservationTtlMillis, int maxCircuits,
            int maxCircuitsPerPeer, long circuitBytes, long circuitMillis) {}

    /** One reservation: who, from where, until when. */
    private record Reservation(PeerId peer, String ip, long expiresAt) {}

    /** One open circuit's ends. */
    private record Circuit(PeerId initiator, PeerId target) {}

    private final Limits limits;
    private final Map<PeerId, Reservation> reservations = new HashMap<>();
    private final Map<Long, Circuit> circuits = new HashMap<>();
    private final Map<PeerId, Integer> circuitsByPeer = new HashMap<>();
    private long nextCircuitId = 1;

    /** @param limits not null */
    public RelayLedger(Limits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    /** @return the limits, never null */
    public Limits limits() {
        return limits;
    }

    /**
     * A peer asks for a reservation. One per peer: a second while the first is held is refused (renewal is a new
     * reservation after the old one's connection closed, or on the same connection via {@link #renew}).
     *
     * @return null when reserved, else the refusal to send
     */
    public RelayMessage.Refused reserve(PeerId peer, String ip, long now) {
        expire(now);
        if (reservations.containsKey(peer)) {
            return new RelayMessage.Refused(RelayMessage.Status.RESERVATION_REFUSED,
                    "peer " + peer.shortText() + " already holds a reservation here (one per peer)");
        }
        if (reservations.size() >= limits.maxReservations()) {
            return new RelayMessage.Refused(RelayMessage.Status.RESOURCE_LIMIT_EXCEEDED,
                    "relay holds " + limits.maxReservations() + " reservations (max_reservations)");
        }
        long fromIp = reservations.values().stream().filter(r -> r.ip().equals(ip)).count();
        if (fromIp >= limits.maxReservationsPerIp()) {
            return new RelayMessage.Refused(RelayMessage.Status.RESOURCE_LIMIT_EXCEEDED,
                    "relay holds " + fromIp + " reservations from " + ip + " (max_reservations_per_ip)");
        }
        reservations.put(peer, new Reservation(peer, ip, now + limits.reservationTtlMillis()));
        return null;
    }

    /** Extends a held reservation by the TTL from {@code now}; @return false if the peer holds none */
    public boolean renew(PeerId peer, long now) {
        Reservation held = reservations.get(peer);
        if (held == null || held.expiresAt() <= now) {
            return false;
        }
        reservations.put(peer, new Reservation(peer, held.ip(), now + limits.reservationTtlMillis()));
        return true;
    }

    /** Drops a peer's reservation (its connection closed); idempotent. */
    public void release(PeerId peer) {
        reservations.remove(peer);
    }

    /** @return whether {@code peer} holds a live reservation at {@code now} */
    public boolean isReserved(PeerId peer, long now) {
        Reservation held = reservations.get(peer);
        return held != null && held.expiresAt() > now;
    }

    /** @return the reservations held, expired ones dropped first */
    public int reservationCount(long now) {
        expire(now);
        return reservations.size();
    }

    /** The outcome of {@link #openCircuit}: an id, or the refusal to send. */
    public record CircuitOpening(long id, RelayMessage.Refused refused) {
        /** @return true if the circuit was opened */
        public boolean opened() {
            return refused == null;
        }
    }

    /**
     * {@code initiator} asks for a circuit to {@code target}, which must hold a reservation.
     *
     * @return the new circuit's id, or a refusal; never null
     */
    public CircuitOpening openCircuit(PeerId initiator, PeerId target, long now) {
        if (!isReserved(target, now)) {
            return refusal(RelayMessage.Status.NO_RESERVATION, "peer " + target.shortText()
                    + " holds no reservation at this relay");
        }
        if (circuits.size() >= limits.maxCircuits()) {
            return refusal(RelayMessage.Status.RESOURCE_LIMIT_EXCEEDED, "relay has " + limits.maxCircuits()
                    + " circuits open (max_circuits)");
        }
        for (PeerId end : new PeerId[] {initiator, target}) {
            int open = circuitsByPeer.getOrDefault(end, 0);
            if (open >= limits.maxCircuitsPerPeer()) {
                return refusal(RelayMessage.Status.RESOURCE_LIMIT_EXCEEDED, "peer " + end.shortText() + " has "
                        + open + " circuits open at this relay (max_circuits_per_peer)");
            }
        }
        long id = nextCircuitId++;
        circuits.put(id, new Circuit(initiator, target));
        circuitsByPeer.merge(initiator, 1, Integer::sum);
        circuitsByPeer.merge(target, 1, Integer::sum);
        return new CircuitOpening(id, null);
    }

    /** @return the initiator of open circuit {@code id}, or null if there is none */
    public PeerId initiatorOf(long id) {
        Circuit circuit = circuits.get(id);
        return circuit == null ? null : circuit.initiator();
    }

    /** @return the target of open circuit {@code id}, or null if there is none */
    public PeerId targetOf(long id) {
        Circuit circuit = circuits.get(id);
        return circuit == null ? null : circuit.target();
    }

    /** Ends circuit {@code id}; idempotent. */
    public void closeCircuit(long id) {
        Circuit circuit = circuits.remove(id);
        if (circuit != null) {
            decrement(circuit.initiator());
            decrement(circuit.target());
        }
    }

    /** @return the circuits open */
    public int circuitCount() {
        return circuits.size();
    }

    private void decrement(PeerId peer) {
        circuitsByPeer.computeIfPresent(peer, (p, n) -> n <= 1 ? null : n - 1);
    }

    private void expire(long now) {
        reservations.values().removeIf(r -> r.expiresAt() <= now);
    }

    private static CircuitOpening refusal(RelayMessage.Status status, String reason) {
        return new CircuitOpening(0, new RelayMessage.Refused(status, reason));
    }
}
