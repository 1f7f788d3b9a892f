package io.topictracker.dht.mainline.store;

import io.topictracker.dht.mainline.routing.NodeInfo;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Peers announced with BEP5 announce_peer, per info-hash, bounded in info-hashes and peers per info-hash, each peer
 * kept for 30 minutes after its last announce (clients re-announce about every 15 minutes).
 *
 * <p>Not thread-safe: confine to the node's event loop.
 */
public final class PeerStore {
    /** How long an announce is kept. */
    public static final long EXPIRY_MILLIS = 30 * 60_000L;
    /** Most peers returned by one get_peers, so a response fits a datagram. */
    public static final int MAX_RETURNED = 50;

    private final int maxInfoHashes;
    private final int maxPeersPerInfoHash;
    private final LinkedHashMap<String, LinkedHashMap<InetSocketAddress, Long>> swarms = new LinkedHashMap<>();
    private final Random random = new Random();

    /** @param maxInfoHashes most info-hashes tracked; @param maxPeersPerInfoHash most peers per info-hash */
    public PeerStore(int maxInfoHashes, int maxPeersPerInfoHash) {
        this.maxInfoHashes = maxInfoHashes;
        this.maxPeersPerInfoHash = maxPeersPerInfoHash;
    }

    /** Records that {@code peer} announced {@code infoHash}; at a bound the eldest entry makes room. */
    public void announce(byte[] infoHash, InetSocketAddress peer, long now) {
        String key = Keys.of(infoHash);
        LinkedHashMap<InetSocketAddress, Long> peers = swarms.get(key);
        if (peers == null) {
            if (swarms.size() >= maxInfoHashes) {
                Iterator<String> eldest = swarms.keySet().iterator();
                eldest.next();
                eldest.remove();
            }
            peers = new LinkedHashMap<>();
            swarms.put(key, peers);
        }
        peers.remove(peer);
        if (peers.size() >= maxPeersPerInfoHash) {
            Iterator<InetSocketAddress> eldest = peers.keySet().iterator();
            eldest.next();
            eldest.remove();
        }
        peers.put(peer, now);
    }

    /** @return up to {@link #MAX_RETURNED} live peers as 6-byte compact values, in random order; never null */
    public List<byte[]> peers(byte[] infoHash, long now) {
        LinkedHashMap<InetSocketAddress, Long> peers = swarms.get(Keys.of(infoHash));
        if (peers == null) {
            return List.of();
        }
        peers.values().removeIf(at -> now - at >= EXPIRY_MILLIS);
        List<byte[]> result = new ArrayList<>();
        for (Map.Entry<InetSocketAddress, Long> e : peers.entrySet()) {
            byte[] compact = NodeInfo.encodeAddress(e.getKey());
            if (compact != null) {
                result.add(compact);
            }
        }
        if (result.size() > MAX_RETURNED) {
            Collections.shuffle(result, random);
            result = new ArrayList<>(result.subList(0, MAX_RETURNED));
        }
        return result;
    }

    /** @return the number of info-hashes tracked */
    /** @return the peers stored, over every info-hash */
    public int peerCount() {
        int count = 0;
        for (LinkedHashMap<InetSocketAddress, Long> peers : swarms.values()) {
            count += peers.size();
        }
        return count;
    }

    public int size() {
        return swarms.size();
    }
}
