package io.topictracker.dht.mainline.store;

import io.topictracker.dht.mainline.krpc.KrpcException;
import io.topictracker.dht.mainline.routing.NodeInfo;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Peers announced with BEP5 announce_peer, per info-hash, each kept for 30 minutes after its last announce (clients
 * re-announce about every 15 minutes), bounded so that no source can push out another's announcements:
 * <ul>
 *   <li>one IP holds at most {@code maxPerIpPerInfoHash} peers of one info-hash (a few clients behind one NAT)
 *       and {@code maxPerIp} over all info-hashes; beyond either it replaces its own eldest announcement;</li>
 *   <li>an info-hash holds at most {@code maxPeersPerInfoHash} peers (libtorrent keeps 100); when it is full a new
 *       peer may only replace an announcement of its own IP, else it is refused;</li>
 *   <li>at most {@code maxInfoHashes} info-hashes; when full, a new info-hash may only replace one that holds its own
 *       IP's announcements alone, else it is refused.</li>
 * </ul>
 * Tokens are bound to the requester's IP (BEP5, {@link TokenIssuer}), so the IP counted is the one that asked. A
 * refused announce is answered with error 202: the table frees up as announcements expire.
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
    private final int maxPerIp;
    private final int maxPerIpPerInfoHash;
    /** Info-hash to its peers, each with the time of its last announce; both in insertion order, eldest first. */
    private final LinkedHashMap<String, LinkedHashMap<InetSocketAddress, Long>> swarms = new LinkedHashMap<>();
    private final Map<InetAddress, Integer> perIp = new HashMap<>();
    private final Random random = new Random();

    /**
     * @param maxInfoHashes most info-hashes tracked
     * @param maxPeersPerInfoHash most peers per info-hash
     * @param maxPerIp most announcements held for one IP, over every info-hash
     * @param maxPerIpPerInfoHash most peers of one info-hash announced from one IP (several clients may share a NAT)
     */
    public PeerStore(int maxInfoHashes, int maxPeersPerInfoHash, int maxPerIp, int maxPerIpPerInfoHash) {
        this.maxInfoHashes = maxInfoHashes;
        this.maxPeersPerInfoHash = maxPeersPerInfoHash;
        this.maxPerIp = maxPerIp;
        this.maxPerIpPerInfoHash = maxPerIpPerInfoHash;
    }

    /**
     * Records that {@code peer} announced {@code infoHash} (its IP is the announcer's).
     *
     * @throws KrpcException 202 when the bounds leave no room that is the announcer's own to take
     */
    public void announce(byte[] infoHash, InetSocketAddress peer, long now) throws KrpcException {
        String key = Keys.of(infoHash);
        expire(key, now);
        LinkedHashMap<InetSocketAddress, Long> peers = swarms.get(key);
        InetAddress ip = peer.getAddress();
        if (peers != null && peers.remove(peer) != null) {
            peers.put(peer, now); // a re-announce: refreshed, moved to the young end
            return;
        }
        if (peers != null && countOf(peers, ip) >= maxPerIpPerInfoHash) {
            removeEldestOf(key, peers, ip);
        } else if (perIp.getOrDefault(ip, 0) >= maxPerIp) {
            removeEldestAnywhere(ip);
            peers = swarms.get(key); // the removal may have emptied and dropped this info-hash
        }
        if (peers != null && peers.size() >= maxPeersPerInfoHash && !removeEldestOf(key, peers, ip)) {
            throw new KrpcException(KrpcException.SERVER, "this info-hash holds " + maxPeersPerInfoHash + " peers");
        }
        if (peers == null) {
            if (swarms.size() >= maxInfoHashes) {
                expireAll(now); // untouched info-hashes' announcements may have expired meanwhile
            }
            if (swarms.size() >= maxInfoHashes && !removeInfoHashHeldAloneBy(ip)) {
                throw new KrpcException(KrpcException.SERVER, "the peer store holds " + maxInfoHashes
                        + " info-hashes");
            }
            peers = new LinkedHashMap<>();
            swarms.put(key, peers);
        }
        peers.put(peer, now);
        perIp.merge(ip, 1, Integer::sum);
    }

    /**
     * @return up to {@link #MAX_RETURNED} live peers as compact values (6 bytes IPv4, 18 bytes IPv6, BEP32), in
     *     random order; never null
     */
    public List<byte[]> peers(byte[] infoHash, long now) {
        String key = Keys.of(infoHash);
        expire(key, now);
        LinkedHashMap<InetSocketAddress, Long> peers = swarms.get(key);
        if (peers == null) {
            return List.of();
        }
        List<byte[]> result = new ArrayList<>();
        for (InetSocketAddress peer : peers.keySet()) {
            byte[] compact = NodeInfo.encodeAddress(peer);
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

    /** @return the peers stored, over every info-hash */
    public int peerCount() {
        int count = 0;
        for (LinkedHashMap<InetSocketAddress, Long> peers : swarms.values()) {
            count += peers.size();
        }
        return count;
    }

    /** @return the number of info-hashes tracked */
    public int size() {
        return swarms.size();
    }

    private void expire(String key, long now) {
        LinkedHashMap<InetSocketAddress, Long> peers = swarms.get(key);
        if (peers == null) {
            return;
        }
        for (Iterator<Map.Entry<InetSocketAddress, Long>> it = peers.entrySet().iterator(); it.hasNext();) {
            Map.Entry<InetSocketAddress, Long> entry = it.next();
            if (now - entry.getValue() < EXPIRY_MILLIS) {
                break; // insertion order: everything after is younger
            }
            it.remove();
            release(entry.getKey().getAddress());
        }
        if (peers.isEmpty()) {
            swarms.remove(key);
        }
    }

    private void expireAll(long now) {
        for (String key : new ArrayList<>(swarms.keySet())) {
            expire(key, now);
        }
    }

    private static int countOf(Map<InetSocketAddress, Long> peers, InetAddress ip) {
        int count = 0;
        for (InetSocketAddress peer : peers.keySet()) {
            if (peer.getAddress().equals(ip)) {
                count++;
            }
        }
        return count;
    }

    /** Removes {@code ip}'s eldest peer of one info-hash. @return whether it had one */
    private boolean removeEldestOf(String key, LinkedHashMap<InetSocketAddress, Long> peers, InetAddress ip) {
        for (Iterator<InetSocketAddress> it = peers.keySet().iterator(); it.hasNext();) {
            if (it.next().getAddress().equals(ip)) {
                it.remove();
                release(ip);
                if (peers.isEmpty()) {
                    swarms.remove(key);
                }
                return true;
            }
        }
        return false;
    }

    /** Removes {@code ip}'s announcement in the info-hash announced longest ago that holds one. */
    private void removeEldestAnywhere(InetAddress ip) {
        for (Map.Entry<String, LinkedHashMap<InetSocketAddress, Long>> swarm : new ArrayList<>(swarms.entrySet())) {
            if (removeEldestOf(swarm.getKey(), swarm.getValue(), ip)) {
                return;
            }
        }
    }

    /** Drops the eldest info-hash whose peers are all {@code ip}'s. @return whether there was one */
    private boolean removeInfoHashHeldAloneBy(InetAddress ip) {
        for (Iterator<Map.Entry<String, LinkedHashMap<InetSocketAddress, Long>>> it = swarms.entrySet().iterator();
                it.hasNext();) {
            LinkedHashMap<InetSocketAddress, Long> peers = it.next().getValue();
            if (countOf(peers, ip) == peers.size()) {
                it.remove();
                peers.keySet().forEach(peer -> release(ip));
                return true;
            }
        }
        return false;
    }

    private void release(InetAddress ip) {
        perIp.computeIfPresent(ip, (k, n) -> n <= 1 ? null : n - 1);
    }
}
