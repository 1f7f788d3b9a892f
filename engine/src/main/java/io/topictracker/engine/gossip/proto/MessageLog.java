package io.topictracker.engine.gossip.proto;

/**
 * PlumTree's record of delivered messages (PlumTree §3.3, "receivedMsgs") together with the payload cache that answers
 * Grafts (§3.6), in one arrival-ordered, bounded log.
 *
 * <p>An id is remembered for {@code idRetention} ms and a payload kept for {@code cacheRetention} ms after arrival; at
 * most {@code idCapacity} ids and {@code cacheCapacity} payloads are held, the oldest going first. A payload is only
 * held while its id is (so with a retention or capacity set above the id's, the id's wins); with the defaults (30 s /
 * 4,096 payloads, 90 s / 65,536 ids) that changes nothing.
 *
 * <p>Why not two {@code LinkedHashMap}s: a node in a busy topic holds tens of thousands of entries, and a simulated
 * network holds nodes × messages of them; a map entry, a boxed expiry and a cache record cost about 180 bytes, where
 * this log costs about 30 (a ring of ids, arrival times, payload references and 16-bit rounds, and an open-addressing
 * index of ring slots). The cached payload is the message's hop-independent {@link Gossip.Content}, shared with every
 * other copy of the message on this node (and, in the simulator, across nodes); the round to answer with is kept
 * beside it.
 *
 * <p>Not thread-safe: used on the topic's executor only.
 */
final class MessageLog {
    private static final int INITIAL_SLOTS = 16;

    private final int idCapacity;
    private final int cacheCapacity;
    private final long idRetention;
    private final long cacheRetention;

    /** Ring of entries, oldest at {@code head}. */
    private MessageId[] ids = new MessageId[INITIAL_SLOTS];
    private long[] arrivedAt = new long[INITIAL_SLOTS];
    private Gossip.Content[] payloads = new Gossip.Content[INITIAL_SLOTS];
    /** The round to send a cached payload with, as an unsigned 16-bit value. */
    private char[] rounds = new char[INITIAL_SLOTS];
    private int head;
    private int size;
    /** Entries from the oldest one still holding a payload to the newest; all older ones hold none. */
    private int cacheSpan;
    private int cachedCount;

    /** Linear-probing index: ring slot + 1, or 0 for an empty bucket; length a power of two, at most half full. */
    private int[] index = new int[INITIAL_SLOTS * 2];

    /**
     * @param idCapacity most ids held, at least 1
     * @param cacheCapacity most payloads held, at least 1
     * @param idRetention ms an id is held
     * @param cacheRetention ms a payload is held
     */
    MessageLog(int idCapacity, int cacheCapacity, long idRetention, long cacheRetention) {
        this.idCapacity = idCapacity;
        this.cacheCapacity = cacheCapacity;
        this.idRetention = idRetention;
        this.cacheRetention = cacheRetention;
    }

    /** @return whether {@code id} was delivered and is still remembered */
    boolean contains(MessageId id) {
        return find(id) >= 0;
    }

    /**
     * Remembers a newly delivered id, with the payload to answer Grafts with, if any. Makes room by dropping the oldest
     * id (and payload) when full.
     *
     * @param id not null; must not be held already
     * @param payload the message whose content answers Grafts for {@code id}, or null to hold the id only
     * @param round the hop count to answer a Graft with, 0–65535 (ignored without a payload)
     * @param now the arrival time, in ms on the caller's monotonic scale
     */
    void add(MessageId id, Gossip payload, int round, long now) {
        if (size == idCapacity) {
            removeOldest();
        }
        if (size == ids.length) {
            grow();
        }
        int slot = (head + size) % ids.length;
        ids[slot] = id;
        arrivedAt[slot] = now;
        payloads[slot] = payload == null ? null : payload.content();
        rounds[slot] = (char) (payload == null ? 0 : round);
        size++;
        insertIndex(id, slot);
        if (payload != null) {
            if (cachedCount == 0) {
                cacheSpan = 1;
            } else {
                cacheSpan++;
            }
            cachedCount++;
            if (cachedCount > cacheCapacity) {
                dropOldestPayload();
            }
        } else if (cachedCount > 0) {
            cacheSpan++;
        }
    }

    /** @return the cached message for {@code id} at the round to answer a Graft with, or null if not held */
    Gossip cached(MessageId id) {
        int slot = find(id);
        if (slot < 0 || payloads[slot] == null) {
            return null;
        }
        return payloads[slot].at(rounds[slot]);
    }

    /**
     * Visits the cached messages, newest first, until {@code visitor} returns false.
     *
     * @param now entries whose payload has expired by then are skipped
     */
    void forEachCachedNewestFirst(long now, CachedVisitor visitor) {
        for (int k = size - 1; k >= size - cacheSpan; k--) {
            int slot = (head + k) % ids.length;
            Gossip.Content payload = payloads[slot];
            if (payload != null && arrivedAt[slot] + cacheRetention > now
                    && !visitor.visit(payload, rounds[slot])) {
                return;
            }
        }
    }

    /** Receives cached messages from {@link #forEachCachedNewestFirst}. */
    interface CachedVisitor {
        /** @return false to stop */
        boolean visit(Gossip.Content payload, int round);
    }

    /** Drops the ids and payloads whose retention has passed by {@code now}. */
    void evict(long now) {
        while (size > 0 && arrivedAt[head] + idRetention <= now) {
            removeOldest();
        }
        while (cachedCount > 0) {
            int slot = (head + size - cacheSpan) % ids.length;
            if (payloads[slot] != null && arrivedAt[slot] + cacheRetention > now) {
                break;
            }
            dropOldestPayload();
        }
    }

    /** @return the number of ids held */
    int size() {
        return size;
    }

    /** @return the number of payloads held */
    int cachedCount() {
        return cachedCount;
    }

    /** Clears the oldest payload still held, and any payload-less entries before it, from the cache span. */
    private void dropOldestPayload() {
        while (cacheSpan > 0) {
            int slot = (head + size - cacheSpan) % ids.length;
            cacheSpan--;
            if (payloads[slot] != null) {
                payloads[slot] = null;
                cachedCount--;
                break;
            }
        }
        skipEmptyCacheSlots();
    }

    private void skipEmptyCacheSlots() {
        if (cachedCount == 0) {
            cacheSpan = 0;
            return;
        }
        while (payloads[(head + size - cacheSpan) % ids.length] == null) {
            cacheSpan--;
        }
    }

    private void removeOldest() {
        int slot = head;
        removeIndex(slot);
        if (cacheSpan == size) {
            cacheSpan--;
            if (payloads[slot] != null) {
                cachedCount--;
            }
        }
        ids[slot] = null;
        payloads[slot] = null;
        head = (head + 1) % ids.length;
        size--;
        skipEmptyCacheSlots();
    }

    private void grow() {
        int length = Math.min(ids.length * 2, Math.max(idCapacity, INITIAL_SLOTS));
        MessageId[] newIds = new MessageId[length];
        long[] newArrived = new long[length];
        Gossip.Content[] newPayloads = new Gossip.Content[length];
        char[] newRounds = new char[length];
        for (int k = 0; k < size; k++) {
            int slot = (head + k) % ids.length;
            newIds[k] = ids[slot];
            newArrived[k] = arrivedAt[slot];
            newPayloads[k] = payloads[slot];
            newRounds[k] = rounds[slot];
        }
        ids = newIds;
        arrivedAt = newArrived;
        payloads = newPayloads;
        rounds = newRounds;
        head = 0;
        index = new int[Integer.highestOneBit(length - 1) << 2];
        for (int k = 0; k < size; k++) {
            insertIndex(ids[k], k);
        }
    }

    private int bucketOf(MessageId id) {
        int h = id.hashCode() * 0x9E3779B9;
        return (h ^ (h >>> 16)) & (index.length - 1);
    }

    /** @return the ring slot holding {@code id}, or -1 */
    private int find(MessageId id) {
        int mask = index.length - 1;
        for (int b = bucketOf(id); index[b] != 0; b = (b + 1) & mask) {
            int slot = index[b] - 1;
            if (ids[slot].equals(id)) {
                return slot;
            }
        }
        return -1;
    }

    private void insertIndex(MessageId id, int slot) {
        int mask = index.length - 1;
        int b = bucketOf(id);
        while (index[b] != 0) {
            b = (b + 1) & mask;
        }
        index[b] = slot + 1;
    }

    /** Removes ring slot {@code slot} from the index, shifting later members of its probe run back (no tombstones). */
    private void removeIndex(int slot) {
        int mask = index.length - 1;
        int b = bucketOf(ids[slot]);
        while (index[b] != slot + 1) {
            b = (b + 1) & mask;
        }
        int hole = b;
        for (int next = (hole + 1) & mask; index[next] != 0; next = (next + 1) & mask) {
            int home = bucketOf(ids[index[next] - 1]);
            // Move the entry back into the hole unless its home bucket lies cyclically in (hole, next].
            boolean homeBetween = hole <= next ? hole < home && home <= next : hole < home || home <= next;
            if (!homeBetween) {
                index[hole] = index[next];
                hole = next;
            }
        }
        index[hole] = 0;
    }

    @Override
    public String toString() {
        return "MessageLog[" + size + " ids, " + cachedCount + " payloads, ring " + ids.length + ", index "
                + index.length + "]";
    }
}
