package io.topictracker.dht.mainline.store;

import io.topictracker.api.signing.KeyVerifier;
import io.topictracker.api.signing.SigningProvider;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@link KeyVerifier}s of the last {@code capacity} distinct public keys, so a key that signs again (a topic's
 * slot keys are re-put every few minutes with a higher seq, BEP44) is decoded and checked once (a point
 * decompression, about a tenth of a verification in the BouncyCastle provider). Exactly as strict as the provider: a
 * key verifier is the provider's own, only kept.
 *
 * <p>Thread-safe: the table is guarded by its own lock, held for the lookup and the insertion, never while a key is
 * validated (two threads meeting a new key at once may both validate it; one verifier is kept).
 */
final class KeyVerifiers {
    private final SigningProvider provider;
    private final Map<String, KeyVerifier> byKey;
    private long created;

    /**
     * @param provider makes the verifiers, not null
     * @param capacity distinct keys remembered, at least 1
     */
    KeyVerifiers(SigningProvider provider, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
        }
        this.provider = provider;
        this.byKey = new LinkedHashMap<>(Math.min(capacity, 256), 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, KeyVerifier> eldest) {
                return size() > capacity;
            }
        };
    }

    /** @param publicKey not null; @return the verifier for it, made and remembered if new, never null */
    KeyVerifier forKey(byte[] publicKey) {
        String key = Keys.of(publicKey);
        synchronized (byKey) {
            KeyVerifier known = byKey.get(key);
            if (known != null) {
                return known;
            }
        }
        KeyVerifier made = provider.verifier(publicKey);
        synchronized (byKey) {
            created++;
            byKey.put(key, made);
        }
        return made;
    }

    /** @return verifiers made so far (keys validated), for tests and the benchmark */
    long created() {
        synchronized (byKey) {
            return created;
        }
    }
}
