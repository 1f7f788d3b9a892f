package io.topictracker.dht.mainline.store;

import io.topictracker.api.signing.SigningKeyPair;
import io.topictracker.api.signing.SigningProvider;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A {@link SigningProvider} that remembers the verdicts of the last {@code capacity} distinct verifications, so the
 * same BEP44 item is verified once rather than once per sighting. Verification is a pure function of (key, message,
 * signature), so a remembered verdict is the verdict. A node sees one item many times: every storing node returns it
 * during one get, a put's lookup sees the stored copies, periodic re-puts bring it again; nodes of a
 * {@code LocalTestnet} share one instance, so an item is verified once per process.
 *
 * <p>A verdict not remembered is reached through the key's {@link KeyVerifiers verifier}, also remembered (for up
 * to {@code capacity / 8} keys, at least 16), so a key seen again with a new message is not validated again.
 *
 * <p>Verdicts are keyed by SHA-256 over the key, the signature and the message (32 bytes per entry, not the up to 1 KB
 * of the item), both valid and invalid ones, least recently used evicted first. Thread-safe: the table is guarded by
 * its own lock, held only for the lookup and the insertion, never during a verification.
 */
public final class CachedVerifier implements SigningProvider {
    private final SigningProvider delegate;
    private final Map<String, Boolean> verdicts;
    private final KeyVerifiers keyVerifiers;
    private long verifications;

    /**
     * @param delegate does the real verifications (and key generation, signing), not null
     * @param capacity distinct verdicts remembered, at least 1
     */
    public CachedVerifier(SigningProvider delegate, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
        }
        this.delegate = delegate;
        this.keyVerifiers = new KeyVerifiers(delegate, Math.max(16, capacity / 8));
        this.verdicts = new LinkedHashMap<>(Math.min(capacity, 1024), 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > capacity;
            }
        };
    }

    /** @return {@code signing} itself if it already caches, else a new cache of {@code capacity} around it */
    public static CachedVerifier around(SigningProvider signing, int capacity) {
        return signing instanceof CachedVerifier cached ? cached : new CachedVerifier(signing, capacity);
    }

    @Override
    public boolean verify(byte[] publicKey, byte[] message, byte[] signature) {
        if (publicKey == null || message == null || signature == null) {
            return false;
        }
        String key = digest(publicKey, message, signature);
        synchronized (verdicts) {
            Boolean known = verdicts.get(key);
            if (known != null) {
                return known;
            }
        }
        boolean valid = keyVerifiers.forKey(publicKey).verify(message, signature);
        synchronized (verdicts) {
            verifications++;
            verdicts.put(key, valid);
        }
        return valid;
    }

    /** @return verifications actually performed by the delegate (cache misses) so far */
    public long verifications() {
        synchronized (verdicts) {
            return verifications;
        }
    }

    /** @return public keys validated so far (each distinct key once while remembered) */
    public long keysValidated() {
        return keyVerifiers.created();
    }

    @Override
    public SigningKeyPair generate() {
        return delegate.generate();
    }

    @Override
    public SigningKeyPair fromSeed(byte[] seed32) {
        return delegate.fromSeed(seed32);
    }

    @Override
    public String id() {
        return delegate.id();
    }

    private static String digest(byte[] publicKey, byte[] message, byte[] signature) {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
        // key and signature have fixed lengths when valid; their lengths are hashed too so that no two different
        // triples of other lengths concatenate to the same bytes
        sha256.update(java.nio.ByteBuffer.allocate(8).putInt(publicKey.length).putInt(signature.length).array());
        sha256.update(publicKey);
        sha256.update(signature);
        sha256.update(message);
        return Keys.of(sha256.digest());
    }
}
