package io.topictracker.dht.mainline.routing;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Random;

/**
 * A Kademlia routing table as BEP5 describes it: buckets of at most {@code k} nodes covering the id space, where
 * only the bucket holding our own id splits; each bucket keeps a replacement cache of recently seen nodes to take
 * the place of nodes that stop answering.
 *
 * <p>Representation: bucket {@code i} holds the nodes sharing exactly {@code i} leading bits with our id, except
 * the last, which holds every node sharing at least as many (it is the one containing our id, the one that splits).
 * This is the same tree BEP5 describes, flattened.
 *
 * <p>Liveness (BEP5): a node is good while it answered us within {@link #QUESTIONABLE_AFTER_MILLIS}; after
 * {@code maxFailures} unanswered queries in a row it is bad, removed, and a replacement promoted.
 *
 * <p>Verified ids (BEP42: the id matches the node's IP, as the caller judges) are preferred where that costs nothing,
 * as libtorrent's {@code dht_prefer_verified_node_ids} does, while unverified ones are still admitted: a verified node
 * that answered us takes the place of an unverified one in a full bucket (which moves to the replacement cache), and
 * a bad node's place goes to the most recent verified replacement first.
 *
 * <p>Pure logic with no IO and no clock of its own (times are passed in). Not thread-safe: confine to one thread.
 */
public final class RoutingTable {
    /** BEP5: a node not heard from in 15 minutes is questionable. */
    public static final long QUESTIONABLE_AFTER_MILLIS = 15 * 60_000L;
    private static final int MAX_BUCKETS = NodeIds.LENGTH * 8;

    private final byte[] ownId;
    private final int k;
    private final int maxFailures;
    private final List<Bucket> buckets = new ArrayList<>();

    /** What {@link #seen} did with a node. */
    public enum Outcome {
        /** Already present; liveness refreshed. */
        UPDATED,
        /** Added to a bucket. */
        ADDED,
        /** The bucket is full of good nodes; kept in the replacement cache. */
        CACHED,
        /** Refused (our own id, or an id already present at another address). */
        REJECTED
    }

    /**
     * @param ownId our 20-byte id, not null; copied
     * @param k bucket size (BEP5: 8)
     * @param maxFailures unanswered queries in a row after which a node is removed
     */
    public RoutingTable(byte[] ownId, int k, int maxFailures) {
        this.ownId = ownId.clone();
        this.k = k;
        this.maxFailures = maxFailures;
        buckets.add(new Bucket());
    }

    /** @return a copy of our id */
    public byte[] ownId() {
        return ownId.clone();
    }

    /**
     * Records that we heard from {@code node}.
     *
     * @param responded true if it answered one of our queries (which proves the address), false if it queried us
     * @param now the current time in milliseconds
     * @return what happened, never null
     */
    public Outcome seen(NodeInfo node, boolean responded, long now) {
        return seen(node, responded, true, now);
    }

    /**
     * Records that we heard from {@code node}, knowing whether its id is verified.
     *
     * @param responded true if it answered one of our queries (which proves the address), false if it queried us
     * @param verified true if its id matches its address (BEP42), or the caller does not check
     * @param now the current time in milliseconds
     * @return what happened, never null
     */
    public Outcome seen(NodeInfo node, boolean responded, boolean verified, long now) {
        if (Arrays.equals(node.id(), ownId)) {
            return Outcome.REJECTED;
        }
        while (true) {
            Bucket bucket = bucketFor(node.id());
            Entry existing = bucket.find(node.id());
            if (existing != null) {
                if (!existing.node.address().equals(node.address())) {
                    // an id moving to another address is either a restart or spoofing: keep the one we know
                    return Outcome.REJECTED;
                }
                existing.lastSeen = now;
                existing.verified = verified;
                if (responded) {
                    existing.lastResponse = now;
                    existing.failures = 0;
                }
                bucket.lastChanged = now;
                return Outcome.UPDATED;
            }
            Entry entry = new Entry(node, now, responded ? now : 0, verified);
            if (bucket.nodes.size() < k) {
                bucket.nodes.add(entry);
                bucket.removeReplacement(node.id());
                bucket.lastChanged = now;
                return Outcome.ADDED;
            }
            if (bucket == last() && buckets.size() < MAX_BUCKETS) {
                split();
                continue;
            }
            Entry bad = bucket.firstBad(maxFailures);
            if (bad != null) {
                bucket.nodes.remove(bad);
                bucket.nodes.add(entry);
                bucket.lastChanged = now;
                return Outcome.ADDED;
            }
            // Only a node that answered us displaces another: a query's source address alone proves nothing.
            Entry unverified = verified && responded ? bucket.leastRecentlySeenUnverified() : null;
            if (unverified != null) {
                bucket.nodes.remove(unverified);
                bucket.nodes.add(entry);
                bucket.cache(unverified, k); // still good: first in line if a node of the bucket goes bad
                bucket.lastChanged = now;
                return Outcome.ADDED;
            }
            bucket.cache(entry, k);
            return Outcome.CACHED;
        }
    }

    /**
     * Records that {@code node} did not answer a query; after {@code maxFailures} in a row it is removed and the
     * most recently seen replacement takes its place.
     */
    public void failed(NodeInfo node) {
        Bucket bucket = bucketFor(node.id());
        Entry entry = bucket.find(node.id());
        if (entry == null || !entry.node.address().equals(node.address())) {
            bucket.removeReplacement(node.id());
            return;
        }
        entry.failures++;
        if (entry.failures >= maxFailures) {
            bucket.nodes.remove(entry);
            Entry replacement = bucket.takeReplacement();
            if (replacement != null) {
                bucket.nodes.add(replacement);
            }
        }
    }

    /**
     * The least recently seen questionable node in {@code node}'s bucket, worth a ping when the bucket is full
     * (BEP5: questionable nodes are pinged before being replaced), or null.
     */
    public NodeInfo questionableNear(byte[] id, long now) {
        Entry oldest = null;
        for (Entry e : bucketFor(id).nodes) {
            if (now - e.lastSeen > QUESTIONABLE_AFTER_MILLIS && (oldest == null || e.lastSeen < oldest.lastSeen)) {
                oldest = e;
            }
        }
        return oldest == null ? null : oldest.node;
    }

    /**
     * @return up to {@code count} nodes closest to {@code target}, closest first, preferring nodes without failures
     *     (those with failures fill up, closest first, only when there are too few healthy ones)
     */
    public List<NodeInfo> closest(byte[] target, int count) {
        // This runs for every find_node, get_peers and get we answer, so it visits buckets in order of distance and
        // stops once it has enough, instead of ranking the whole table. Let t be the bits the target shares with our
        // id. A node in bucket i < t differs from the target first at bit i; a node in any bucket after t (ours
        // included) first at bit t; a node in bucket t agrees with it at bit t too. So, closest first: bucket t, then
        // every bucket after it (one group), then buckets t-1, t-2, ... 0; when the target falls in our own (the
        // last) bucket, that bucket, then the rest downwards.
        Comparator<NodeInfo> byDistance = NodeIds.byDistanceTo(target);
        List<NodeInfo> healthy = new ArrayList<>(count);
        List<NodeInfo> failing = new ArrayList<>();
        int lastIndex = buckets.size() - 1;
        int shared = NodeIds.commonPrefix(ownId, target);
        int next;
        if (shared >= lastIndex) {
            takeClosest(List.of(last()), byDistance, count, healthy, failing);
            next = lastIndex - 1;
        } else {
            takeClosest(List.of(buckets.get(shared)), byDistance, count, healthy, failing);
            takeClosest(buckets.subList(shared + 1, lastIndex + 1), byDistance, count, healthy, failing);
            next = shared - 1;
        }
        for (int i = next; i >= 0 && healthy.size() < count; i--) {
            takeClosest(List.of(buckets.get(i)), byDistance, count, healthy, failing);
        }
        if (healthy.size() < count && !failing.isEmpty()) {
            failing.sort(byDistance);
            healthy.addAll(failing.subList(0, Math.min(failing.size(), count - healthy.size())));
            healthy.sort(byDistance);
        }
        return healthy;
    }

    /**
     * Appends to {@code healthy}, closest first, the group's healthy nodes while it holds fewer than {@code count};
     * collects the group's failing nodes in {@code failing}. The group's nodes are all closer to the target than any
     * node of a later group, so appending group after group keeps {@code healthy} sorted.
     */
    private static void takeClosest(List<Bucket> group, Comparator<NodeInfo> byDistance, int count,
            List<NodeInfo> healthy, List<NodeInfo> failing) {
        if (healthy.size() >= count) {
            return;
        }
        List<NodeInfo> members = new ArrayList<>();
        for (Bucket b : group) {
            for (Entry e : b.nodes) {
                (e.failures > 0 ? failing : members).add(e.node);
            }
        }
        members.sort(byDistance);
        healthy.addAll(members.subList(0, Math.min(members.size(), count - healthy.size())));
    }

    /** @return every node in the buckets (not the replacement caches) */
    public List<NodeInfo> nodes() {
        List<NodeInfo> result = new ArrayList<>();
        for (Bucket b : buckets) {
            for (Entry e : b.nodes) {
                result.add(e.node);
            }
        }
        return result;
    }

    /** @return true if a node with this id and address is in a bucket */
    public boolean contains(NodeInfo node) {
        Entry e = bucketFor(node.id()).find(node.id());
        return e != null && e.node.address().equals(node.address());
    }

    /** @return the number of nodes in buckets */
    public int size() {
        int n = 0;
        for (Bucket b : buckets) {
            n += b.nodes.size();
        }
        return n;
    }

    /** @return the number of buckets */
    public int bucketCount() {
        return buckets.size();
    }

    /** @return nodes in the replacement caches */
    public int replacementCount() {
        int n = 0;
        for (Bucket b : buckets) {
            n += b.replacements.size();
        }
        return n;
    }

    /**
     * BEP5: "Buckets that have not been changed in 15 minutes should be refreshed" by a lookup of a random id in
     * their range. Marks the returned buckets as refreshed.
     *
     * @return one random target per stale bucket, never null
     */
    public List<byte[]> refreshTargets(long now, long staleAfterMillis, Random random) {
        List<byte[]> targets = new ArrayList<>();
        for (int i = 0; i < buckets.size(); i++) {
            Bucket b = buckets.get(i);
            if (now - b.lastChanged > staleAfterMillis) {
                targets.add(NodeIds.randomWithPrefix(ownId, Math.min(i, MAX_BUCKETS - 1), random));
                b.lastChanged = now;
            }
        }
        return targets;
    }

    private Bucket bucketFor(byte[] id) {
        return buckets.get(Math.min(NodeIds.commonPrefix(ownId, id), buckets.size() - 1));
    }

    private Bucket last() {
        return buckets.get(buckets.size() - 1);
    }

    /** Splits the last bucket: nodes sharing more bits with our id move to a new last bucket. */
    private void split() {
        int index = buckets.size() - 1;
        Bucket old = last();
        Bucket next = new Bucket();
        next.lastChanged = old.lastChanged;
        buckets.add(next);
        for (Iterator<Entry> it = old.nodes.iterator(); it.hasNext();) {
            Entry e = it.next();
            if (NodeIds.commonPrefix(ownId, e.node.id()) > index) {
                it.remove();
                next.nodes.add(e);
            }
        }
        for (Iterator<Entry> it = old.replacements.iterator(); it.hasNext();) {
            Entry e = it.next();
            if (NodeIds.commonPrefix(ownId, e.node.id()) > index) {
                it.remove();
                next.replacements.add(e);
            }
        }
    }

    /** One node's liveness record. */
    private static final class Entry {
        final NodeInfo node;
        long lastSeen;
        long lastResponse;
        int failures;
        /** Whether the id matched the address (BEP42) when last seen. */
        boolean verified;

        Entry(NodeInfo node, long lastSeen, long lastResponse, boolean verified) {
            this.node = node;
            this.lastSeen = lastSeen;
            this.lastResponse = lastResponse;
            this.verified = verified;
        }
    }

    /** Up to k nodes plus up to k replacements, most recent last. */
    private static final class Bucket {
        final List<Entry> nodes = new ArrayList<>();
        final Deque<Entry> replacements = new ArrayDeque<>();
        long lastChanged;

        Entry find(byte[] id) {
            for (Entry e : nodes) {
                if (Arrays.equals(e.node.id(), id)) {
                    return e;
                }
            }
            return null;
        }

        Entry firstBad(int maxFailures) {
            for (Entry e : nodes) {
                if (e.failures >= maxFailures) {
                    return e;
                }
            }
            return null;
        }

        /** @return the unverified node heard from longest ago, or null if every node is verified */
        Entry leastRecentlySeenUnverified() {
            Entry oldest = null;
            for (Entry e : nodes) {
                if (!e.verified && (oldest == null || e.lastSeen < oldest.lastSeen)) {
                    oldest = e;
                }
            }
            return oldest;
        }

        /** Removes and returns the most recent verified replacement, else the most recent one; null if none. */
        Entry takeReplacement() {
            for (Iterator<Entry> it = replacements.descendingIterator(); it.hasNext();) {
                Entry e = it.next();
                if (e.verified) {
                    it.remove();
                    return e;
                }
            }
            return replacements.pollLast();
        }

        void cache(Entry entry, int max) {
            removeReplacement(entry.node.id());
            replacements.addLast(entry);
            while (replacements.size() > max) {
                replacements.pollFirst();
            }
        }

        void removeReplacement(byte[] id) {
            // ids are unique in the cache (cache() removes before it adds): stop at the first match
            for (Iterator<Entry> it = replacements.iterator(); it.hasNext();) {
                if (Arrays.equals(it.next().node.id(), id)) {
                    it.remove();
                    return;
                }
            }
        }
    }
}
