package io.topictracker.engine.records;

import io.topictracker.api.signing.KeyVerifier;
import io.topictracker.api.signing.SigningProvider;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A bounded cache of {@link KeyVerifier}s by publisher key. The same publishers write a topic's slot minute after
 * minute, and strict verification spends about half its time validating the key, which a provider's verifier does
 * once. Least recently used keys are evicted beyond {@code capacity}, so memory stays bounded whatever keys arrive.
 * Thread-safe.
 */
public final class PublisherVerifiers {
    /** The default capacity: far more publishers than one topic's slots hold in the minutes a node looks back. */
    public static final int DEFAULT_CAPACITY = 1024;

    private final SigningProvider signing;
    private final Map<ByteBuffer, KeyVerifier> cache;

    /** @param signing makes the verifiers, not null; @param capacity at least 1 */
    public PublisherVerifiers(SigningProvider signing, int capacity) {
        this.signing = Objects.requireNonNull(signing, "signing");
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
        }
        this.cache = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<ByteBuffer, KeyVerifier> eldest) {
                return size() > capacity;
            }
        };
    }

    /** @return the signing provider, never null */
    public SigningProvider signing() {
        return signing;
    }

    /** Strictly verifies {@code signature} by {@code publicKey}; same result as {@link SigningProvider#verify}. */
    public boolean verify(byte[] publicKey, byte[] message, byte[] signature) {
        ByteBuffer key = ByteBuffer.wrap(publicKey.clone());
        KeyVerifier verifier;
        synchronized (cache) {
            verifier = cache.get(key);
        }
        if (verifier == null) {
            verifier = signing.verifier(publicKey);
            synchronized (cache) {
                cache.put(key, verifier);
            }
        }
        return verifier.verify(message, signature);
    }

    /** @return the number of cached keys */
    public int size() {
        synchronized (cache) {
            return cache.size();
        }
    }
}
