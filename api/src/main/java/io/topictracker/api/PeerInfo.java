package io.topictracker.api;

import java.util.List;
import java.util.Objects;

/**
 * A peer and the addresses it can be dialled at, as carried in membership messages and records.
 *
 * @param id the peer, never null
 * @param addresses where it listens, never null, possibly empty, at most {@link #MAX_ADDRESSES}; copied
 */
public record PeerInfo(PeerId id, List<PeerAddress> addresses) {
    /** The most addresses one peer may advertise. */
    public static final int MAX_ADDRESSES = 8;

    public PeerInfo {
        Objects.requireNonNull(id, "id");
        addresses = List.copyOf(addresses);
        if (addresses.size() > MAX_ADDRESSES) {
            throw new IllegalArgumentException(
                    "a peer may advertise at most " + MAX_ADDRESSES + " addresses, got " + addresses.size());
        }
    }
}
