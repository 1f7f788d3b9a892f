package io.topictracker.transport.relay.internal;

import io.topictracker.api.PeerAddress;
import io.topictracker.api.PeerId;
import io.topictracker.api.PeerInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which relays a node should try to reserve at next. Pure (the caller gives the time and what is held); not
 * thread-safe (the transport calls it under its lock).
 *
 * <p>Candidates: the configured relays first (their id is learnt from the hop's TLS), then known peers that advertise
 * a {@code relay://} address, expected to prove the peer's own id there (an address another peer advertises because
 * it holds a reservation there proves a different id and fails: only a relay's own address is a relay). A failed
 * attempt waits {@link #retryMillis} (doubling per failure up to {@link #MAX_RETRY_MILLIS}) before the same address is
 * tried again.
 */
final class ReservationPlan {
    /** The longest wait before retrying one relay. */
    static final long MAX_RETRY_MILLIS = 60_000;

    /** A relay to try: where, and whom it must prove to be (null = learn it). */
    record Candidate(PeerAddress address, PeerId expected) {}

    private record Failure(int count, long retryAt) {}

    private final long retryMillis;
    private final Map<PeerAddress, Failure> failures = new HashMap<>();

    /** @param retryMillis the first wait after a failure, at least 1 */
    ReservationPlan(long retryMillis) {
        this.retryMillis = retryMillis;
    }

    /**
     * @param configured the {@code relays} setting, not null
     * @param known peers the engine knows, not null
     * @param self our id, never a candidate
     * @param busy addresses held or being tried, not null
     * @param room how many more to try
     * @param now the caller's clock in milliseconds
     * @return at most {@code room} candidates, never null
     */
    List<Candidate> next(List<PeerAddress> configured, List<PeerInfo> known, PeerId self, Set<PeerAddress> busy,
            int room, long now) {
        Map<PeerAddress, Candidate> all = new LinkedHashMap<>();
        for (PeerAddress address : configured) {
            all.putIfAbsent(address, new Candidate(address, null));
        }
        for (PeerInfo peer : known) {
            if (peer.id().equals(self)) {
                continue;
            }
            for (PeerAddress address : peer.addresses()) {
                if (RelaySettings.ID.equals(address.transport())) {
                    all.putIfAbsent(address, new Candidate(address, peer.id()));
                }
            }
        }
        List<Candidate> chosen = new ArrayList<>();
        for (Candidate candidate : all.values()) {
            if (chosen.size() >= room) {
                break;
            }
            Failure failure = failures.get(candidate.address());
            if (busy.contains(candidate.address()) || (failure != null && failure.retryAt() > now)) {
                continue;
            }
            chosen.add(candidate);
        }
        return chosen;
    }

    /**
     * An attempt at {@code address} failed (or its reservation ended) at {@code now}.
     *
     * @return how many times in a row it failed, 1 for the first
     */
    int failed(PeerAddress address, long now) {
        Failure previous = failures.get(address);
        int count = previous == null ? 1 : previous.count() + 1;
        long wait = Math.min(MAX_RETRY_MILLIS, retryMillis << Math.min(count - 1, 16));
        failures.put(address, new Failure(count, now + wait));
        return count;
    }

    /** A reservation at {@code address} succeeded: its failures are forgotten. */
    void succeeded(PeerAddress address) {
        failures.remove(address);
    }
}
