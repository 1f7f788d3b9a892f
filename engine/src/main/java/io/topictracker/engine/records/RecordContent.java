package io.topictracker.engine.records;

import io.topictracker.api.PeerAddress;
import io.topictracker.api.PeerId;
import io.topictracker.api.PeerInfo;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a record says (content format version 1; 2 when it carries connection requests; 3 when it says since when its
 * publisher is in the topic): the publisher's own addresses, up to {@link #MAX_PEERS} active peers with their
 * addresses, up to {@link #MAX_MESSAGE_HASHES} hashes of recent messages, newest first, up to
 * {@link #MAX_CONNECT_REQUESTS} peers the publisher asks to dial it (a publisher with too few neighbours whose own
 * dials to them may not get through a NAT: PROTOCOL.md §11), and the instant its publisher started in the topic (two
 * fresh peers behind NATs punch at an instant both derive from it: PROTOCOL.md §8).
 *
 * <p>Every instance encodes to at most {@link #MAX_ENCODED_LENGTH} bytes, so a sealed record always fits a BEP44
 * value; {@link #fitting} builds one by dropping what does not fit, in a fixed order. IP addresses are kept in
 * canonical text form, so a decoded content equals the one encoded. Immutable and thread-safe; no field is null.
 *
 * @param addresses the publisher's addresses, at most {@link PeerInfo#MAX_ADDRESSES}
 * @param activePeers peers in the publisher's active view, at most {@link #MAX_PEERS}
 * @param messageHashes recent message hashes, newest first, at most {@link #MAX_MESSAGE_HASHES}
 * @param connectRequests distinct peers asked to dial the publisher, at most {@link #MAX_CONNECT_REQUESTS}
 * @param sinceMillis when the publisher started in the topic (Unix milliseconds, publisher's clock; the same in all
 *     its records of the topic), or {@link #SINCE_UNKNOWN}; not negative
 */
public record RecordContent(List<PeerAddress> addresses, List<PeerInfo> activePeers, List<MessageHash> messageHashes,
        List<PeerId> connectRequests, long sinceMillis) {
    /** The Rust crate's bound on active peers in a record. */
    public static final int MAX_PEERS = 5;
    /** The Rust crate's bound on message hashes in a record. */
    public static final int MAX_MESSAGE_HASHES = 5;
    /** Peers one record may ask to dial its publisher: as many as a bubble merge joins by default. */
    public static final int MAX_CONNECT_REQUESTS = 2;
    /** {@link #sinceMillis} of content that does not say (versions 1 and 2). */
    public static final long SINCE_UNKNOWN = 0;
    /** The longest encoded content: what is left of BEP44's 996 raw bytes after sealing and the record's fields. */
    public static final int MAX_ENCODED_LENGTH = RecordSealer.MAX_SEALED_LENGTH - RecordSealer.OVERHEAD
            - Record.FIXED_LENGTH;

    public RecordContent {
        addresses = ContentCodec.canonical(List.copyOf(addresses));
        activePeers = List.copyOf(activePeers).stream()
                .map(p -> new PeerInfo(p.id(), ContentCodec.canonical(p.addresses()))).toList();
        messageHashes = List.copyOf(messageHashes);
        connectRequests = List.copyOf(connectRequests);
        if (addresses.size() > PeerInfo.MAX_ADDRESSES) {
            throw new IllegalArgumentException("at most " + PeerInfo.MAX_ADDRESSES + " own addresses, got "
                    + addresses.size());
        }
        if (activePeers.size() > MAX_PEERS) {
            throw new IllegalArgumentException("at most " + MAX_PEERS + " active peers, got " + activePeers.size());
        }
        if (messageHashes.size() > MAX_MESSAGE_HASHES) {
            throw new IllegalArgumentException("at most " + MAX_MESSAGE_HASHES + " message hashes, got "
                    + messageHashes.size());
        }
        if (connectRequests.size() > MAX_CONNECT_REQUESTS) {
            throw new IllegalArgumentException("at most " + MAX_CONNECT_REQUESTS + " connection requests, got "
                    + connectRequests.size());
        }
        if (Set.copyOf(connectRequests).size() != connectRequests.size()) {
            throw new IllegalArgumentException("a peer is asked to connect twice: " + connectRequests);
        }
        if (sinceMillis < 0) {
            throw new IllegalArgumentException("since must not be negative, got " + sinceMillis);
        }
        int length = ContentCodec.encodedLength(addresses, activePeers, messageHashes, connectRequests.size(),
                sinceMillis != SINCE_UNKNOWN);
        if (length > MAX_ENCODED_LENGTH) {
            throw new IllegalArgumentException("content encodes to " + length + " bytes, more than the "
                    + MAX_ENCODED_LENGTH + " a sealed record leaves; build it with RecordContent.fitting");
        }
    }

    /** Content that does not say since when (format version 1, or 2 with requests). */
    public RecordContent(List<PeerAddress> addresses, List<PeerInfo> activePeers, List<MessageHash> messageHashes,
            List<PeerId> connectRequests) {
        this(addresses, activePeers, messageHashes, connectRequests, SINCE_UNKNOWN);
    }

    /** Content without connection requests that does not say since when (format version 1). */
    public RecordContent(List<PeerAddress> addresses, List<PeerInfo> activePeers, List<MessageHash> messageHashes) {
        this(addresses, activePeers, messageHashes, List.of());
    }

    /** Content with addresses only. */
    public static RecordContent of(List<PeerAddress> addresses) {
        return new RecordContent(addresses, List.of(), List.of());
    }

    /** As {@link #fitting(List, List, List, List, long)} with no connection requests nor since. */
    public static RecordContent fitting(List<PeerAddress> addresses, List<PeerInfo> activePeers,
            List<MessageHash> messageHashes) {
        return fitting(addresses, activePeers, messageHashes, List.of(), SINCE_UNKNOWN);
    }

    /**
     * Builds content that always fits, dropping in this order until it does: (1) message hashes, oldest (last)
     * first; (2) active peers, last first; (3) connection requests, last first; (4) the publisher's own addresses,
     * last first. Hashes go first because they only steer merges; peers next because they are hints, while a request
     * is the one way its publisher can reach that peer; the publisher's own addresses last because the publisher is
     * the one a reader must be able to dial. Lists longer than the count bounds are cut to them first, keeping the
     * leading entries (requests also lose repeats). The since instant (8 bytes) is always kept: the worst case fits
     * with it.
     *
     * @param addresses not null; @param activePeers not null; @param messageHashes newest first, not null
     * @param connectRequests not null; @param sinceMillis as the component, not negative
     * @return never null
     */
    public static RecordContent fitting(List<PeerAddress> addresses, List<PeerInfo> activePeers,
            List<MessageHash> messageHashes, List<PeerId> connectRequests, long sinceMillis) {
        List<PeerAddress> own = new ArrayList<>(ContentCodec.canonical(
                addresses.subList(0, Math.min(addresses.size(), PeerInfo.MAX_ADDRESSES))));
        List<PeerInfo> peers = new ArrayList<>(activePeers.subList(0, Math.min(activePeers.size(), MAX_PEERS)));
        peers.replaceAll(p -> new PeerInfo(p.id(), ContentCodec.canonical(p.addresses())));
        List<MessageHash> hashes = new ArrayList<>(
                messageHashes.subList(0, Math.min(messageHashes.size(), MAX_MESSAGE_HASHES)));
        List<PeerId> requests = new ArrayList<>(new LinkedHashSet<>(connectRequests));
        requests.subList(Math.min(requests.size(), MAX_CONNECT_REQUESTS), requests.size()).clear();
        boolean since = sinceMillis != SINCE_UNKNOWN;
        while (ContentCodec.encodedLength(own, peers, hashes, requests.size(), since) > MAX_ENCODED_LENGTH) {
            if (!hashes.isEmpty()) {
                hashes.remove(hashes.size() - 1);
            } else if (!peers.isEmpty()) {
                peers.remove(peers.size() - 1);
            } else if (!requests.isEmpty()) {
                requests.remove(requests.size() - 1);
            } else {
                own.remove(own.size() - 1);
            }
        }
        return new RecordContent(own, peers, hashes, requests, sinceMillis);
    }

    /** @return the encoded length in bytes */
    public int encodedLength() {
        return ContentCodec.encodedLength(addresses, activePeers, messageHashes, connectRequests.size(),
                sinceMillis != SINCE_UNKNOWN);
    }

    @Override
    public String toString() {
        return "RecordContent[addresses=" + addresses + ", peers=" + activePeers.size() + ", hashes="
                + messageHashes.size() + ", connectRequests=" + connectRequests.size() + ", since=" + sinceMillis + "]";
    }
}
