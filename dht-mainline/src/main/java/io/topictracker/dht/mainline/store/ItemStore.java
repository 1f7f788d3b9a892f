package io.topictracker.dht.mainline.store;

import io.topictracker.api.dht.Bep44;
import io.topictracker.api.signing.SigningProvider;
import io.topictracker.dht.mainline.bencode.Bencode;
import io.topictracker.dht.mainline.krpc.KrpcException;
import io.topictracker.dht.mainline.krpc.Query;
import io.topictracker.dht.mainline.routing.NodeIds;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * BEP44 storage: checks a put against the BEP's rules and keeps items, bounded in total count and per storing IP,
 * each for two hours after its last put (BEP44: "items ... should be discarded after 2 hours").
 *
 * <p>Not thread-safe: confine to the node's event loop.
 */
public final class ItemStore {
    /** BEP44 error: the bencoded v is over 1000 bytes. */
    public static final int VALUE_TOO_BIG = KrpcException.VALUE_TOO_BIG;
    /** BEP44 error: invalid signature. */
    public static final int INVALID_SIGNATURE = KrpcException.INVALID_SIGNATURE;
    /** BEP44 error: salt over 64 bytes. */
    public static final int SALT_TOO_BIG = KrpcException.SALT_TOO_BIG;
    /** BEP44 error: the cas does not match the stored seq. */
    public static final int CAS_MISMATCH = KrpcException.CAS_MISMATCH;
    /** BEP44 error: the seq is lower than the stored one. */
    public static final int SEQ_TOO_OLD = KrpcException.SEQ_TOO_OLD;
    /** BEP44: items expire two hours after they were stored. */
    public static final long EXPIRY_MILLIS = 2 * 3_600_000L;

    private final SigningProvider signing;
    private final int maxItems;
    private final int maxItemsPerIp;
    /** Insertion (and re-put) order: the eldest item is first, so expiry and eviction look at the head. */
    private final LinkedHashMap<String, StoredItem> items = new LinkedHashMap<>(16, 0.75f, false);
    private final Map<String, Integer> perIp = new HashMap<>();

    /**
     * @param signing verifies mutable items' signatures, not null
     * @param maxItems most items held; at the bound the eldest is evicted
     * @param maxItemsPerIp most items stored on behalf of one IP; beyond it puts are refused
     */
    public ItemStore(SigningProvider signing, int maxItems, int maxItemsPerIp) {
        this.signing = signing;
        this.maxItems = maxItems;
        this.maxItemsPerIp = maxItemsPerIp;
    }

    /**
     * Applies a BEP44 put whose token has already been checked and whose fields were checked when it was parsed.
     *
     * @param put not null
     * @param sourceIp the requester's IP text, not null
     * @return the item's 20-byte target
     * @throws KrpcException with the BEP44 code for a refused put
     */
    public byte[] put(Query.PutItem put, String sourceIp, long now) throws KrpcException {
        expire(now);
        byte[] encodedV = Bencode.encode(put.value());
        if (encodedV.length > Bep44.MAX_ENCODED_VALUE_LENGTH) {
            throw new KrpcException(VALUE_TOO_BIG, "message (v field) too big");
        }
        if (!put.mutable()) {
            byte[] target = NodeIds.sha1(encodedV); // BEP44: an immutable item's target is SHA-1 of its bencoded v
            store(target, new StoredItem(put.value(), null, new byte[0], -1, null, sourceIp, now));
            return target;
        }
        byte[] key = put.key();
        byte[] salt = put.salt();
        long seq = put.seq();
        byte[] sig = put.signature();
        if (salt.length > Bep44.MAX_SALT_LENGTH) {
            throw new KrpcException(SALT_TOO_BIG, "salt (salt field) too big");
        }
        byte[] target = Bep44.target(key, salt);
        StoredItem existing = items.get(Keys.of(target));
        boolean republish = existing != null && existing.seq() == seq && Arrays.equals(existing.signature(), sig)
                && Arrays.equals(Bencode.encode(existing.value()), encodedV);
        // the identical item again (a periodic re-put) was verified when first stored: skip the costly check
        if (!republish && !signing.verify(key, signable(salt, seq, encodedV), sig)) {
            throw new KrpcException(INVALID_SIGNATURE, "invalid signature");
        }
        // BEP44: "if the current seq of the stored item does not match cas, the put fails with 301"
        if (put.cas() != null && existing != null && existing.seq() != put.cas()) {
            throw new KrpcException(CAS_MISMATCH, "the CAS hash mismatched, re-read value and try again");
        }
        if (existing != null && seq < existing.seq()) {
            throw new KrpcException(SEQ_TOO_OLD, "sequence number less than current");
        }
        store(target, new StoredItem(put.value(), key, salt, seq, sig, sourceIp, now));
        return target;
    }

    /** @return the live item for {@code target}, or null */
    public StoredItem get(byte[] target, long now) {
        expire(now);
        return items.get(Keys.of(target));
    }

    /** @return the number of items held */
    public int size() {
        return items.size();
    }

    /** Drops items older than two hours. */
    public void expire(long now) {
        for (Iterator<StoredItem> it = items.values().iterator(); it.hasNext();) {
            StoredItem item = it.next();
            if (now - item.storedAt() < EXPIRY_MILLIS) {
                break; // insertion order: everything after is younger
            }
            it.remove();
            release(item.sourceIp());
        }
    }

    private void store(byte[] target, StoredItem item) throws KrpcException {
        String key = Keys.of(target);
        StoredItem previous = items.remove(key);
        if (previous != null) {
            release(previous.sourceIp());
        }
        if (perIp.getOrDefault(item.sourceIp(), 0) >= maxItemsPerIp) {
            if (previous != null) {
                items.put(key, previous);
                perIp.merge(previous.sourceIp(), 1, Integer::sum);
            }
            throw new KrpcException(KrpcException.SERVER, "too many items stored for this IP");
        }
        while (items.size() >= maxItems) {
            Iterator<StoredItem> eldest = items.values().iterator();
            release(eldest.next().sourceIp());
            eldest.remove();
        }
        items.put(key, item);
        perIp.merge(item.sourceIp(), 1, Integer::sum);
    }

    private void release(String ip) {
        perIp.computeIfPresent(ip, (k, n) -> n <= 1 ? null : n - 1);
    }

    /** BEP44 signed bytes with {@code v} already bencoded (it may be any bencode value, not only a string). */
    static byte[] signable(byte[] salt, long seq, byte[] encodedV) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(encodedV.length + salt.length + 40);
        if (salt.length > 0) {
            out.writeBytes(("4:salt" + salt.length + ":").getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(salt);
        }
        out.writeBytes(("3:seqi" + seq + "e1:v").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(encodedV);
        return out.toByteArray();
    }
}
