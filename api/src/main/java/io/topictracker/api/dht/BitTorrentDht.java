package io.topictracker.api.dht;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * An optional capability of a {@link Dht} that speaks the BitTorrent mainline protocol: BEP5 peer announcements
 * and BEP44 immutable items. Callers test for it with {@code instanceof}; providers without it simply do not
 * implement it. Same threading and lifecycle rules as {@link Dht}.
 */
public interface BitTorrentDht extends Dht {
    /**
     * The UDP address this node is bound to, so others can bootstrap from it (its port when 0 was configured).
     *
     * @return the bound address once {@link #start()} bound the socket; empty before, or if unknown
     */
    default Optional<InetSocketAddress> udpAddress() {
        return Optional.empty();
    }

    /**
     * Our external IP as the nodes we talk to report it (BEP42: the {@code ip} field of their responses), once enough
     * of them agree. Loopback and private networks are usually never decided (all reports come from too few
     * addresses).
     *
     * @return the address the votes agree on; empty before start, while they do not agree, or if unknown; never null
     */
    default Optional<InetAddress> externalAddress() {
        return Optional.empty();
    }

    /**
     * BEP5 get_peers: the peers announced for {@code infoHash} on the nodes closest to it.
     *
     * @param infoHash 20 bytes, not null
     * @param timeout the longest the lookup may take, positive, not null
     * @return completes with the distinct peers found (possibly none), never null
     */
    CompletableFuture<List<InetSocketAddress>> getPeers(byte[] infoHash, Duration timeout);

    /**
     * BEP5 announce_peer on the closest nodes that gave tokens.
     *
     * @param infoHash 20 bytes, not null
     * @param port the peer port to announce, or 0 for "implied" (the DHT's own UDP port, as the remote sees it)
     * @return completes with how many nodes acknowledged; fails with {@link DhtException} if none did
     */
    CompletableFuture<PutSummary> announcePeer(byte[] infoHash, int port);

    /**
     * BEP44 put of an immutable item, whose target is {@link #immutableTarget(byte[])}.
     *
     * @param value at most {@link Bep44#MAX_VALUE_LENGTH} bytes, not null
     * @return completes with how many nodes acknowledged; fails with {@link DhtException} if none did
     */
    CompletableFuture<PutSummary> putImmutable(byte[] value);

    /**
     * BEP44 get of an immutable item; a value is accepted only if it hashes to {@code target}.
     *
     * @param target 20 bytes, not null
     * @param timeout positive, not null
     * @return completes with the value, or empty if no node had it; never null
     */
    CompletableFuture<Optional<byte[]>> getImmutable(byte[] target, Duration timeout);

    /** @return the BEP44 target of an immutable byte-string value: SHA-1 of its bencoded form */
    static byte[] immutableTarget(byte[] value) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            sha1.update((value.length + ":").getBytes(StandardCharsets.US_ASCII));
            sha1.update(value);
            return sha1.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required by every Java platform", e);
        }
    }
}
