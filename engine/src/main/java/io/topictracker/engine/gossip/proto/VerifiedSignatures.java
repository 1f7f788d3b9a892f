package io.topictracker.engine.gossip.proto;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Broadcast signatures already found valid by a node of this process, so that the other nodes of the same process
 * need not verify the same signature again. A broadcast reaches every member, so N nodes in one JVM (tests,
 * benchmarks, applications hosting several nodes) would otherwise run N Ed25519 verifications of each message: in
 * the 55-node swarm benchmark that is 54 verifications (about 0.14 ms each here) per broadcast, one of the largest
 * items of its CPU (BENCHMARKS.md, "Broadcast latency (issue 18)").
 *
 * <p>Sound: an entry is the SHA-256 of (verifier id, signature, signed bytes), and the signed bytes include the
 * author's public key, the topic, the sequence number and the payload; only results that verified true are stored.
 * A hit therefore means "this exact signature over these exact bytes under this key was valid for this verifier",
 * which another verification would repeat; finding a different input with the same digest is a SHA-256 second
 * preimage. The verifier id keeps providers with different rules apart.
 *
 * <p>Zero cost for a process with one node: the cache is consulted only while more than one node that
 * {@link #register registered} is open. Bounded: at most {@link #CAPACITY} entries, oldest dropped first (a
 * signature is verified again once its entry went, which is only slower). Thread-safe (one lock, held for a map
 * lookup or insertion).
 */
public final class VerifiedSignatures {
    /** Entries kept: about 2 MiB; far more than the messages in flight at once in any swarm of one process. */
    static final int CAPACITY = 16_384;
    private static final AtomicInteger OPEN_NODES = new AtomicInteger();
    private static final Map<ByteBuffer, Boolean> VALID = new LinkedHashMap<>(1024, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<ByteBuffer, Boolean> eldest) {
            return size() > CAPACITY;
        }
    };

    private VerifiedSignatures() {}

    /**
     * A node of this process opened; close the returned handle (idempotently) when it closes.
     *
     * @return the registration, never null
     */
    public static Registration register() {
        OPEN_NODES.incrementAndGet();
        AtomicBoolean closed = new AtomicBoolean();
        return () -> {
            if (closed.compareAndSet(false, true)) {
                OPEN_NODES.decrementAndGet();
            }
        };
    }

    /** A node's registration; closing it twice is harmless. */
    @FunctionalInterface
    public interface Registration extends AutoCloseable {
        @Override
        void close();
    }

    /** @return whether nodes of this process share verifications now (more than one registered node is open) */
    static boolean shared() {
        return OPEN_NODES.get() > 1;
    }

    /** @return registered nodes still open, for tests */
    static int openNodes() {
        return OPEN_NODES.get();
    }

    /** @return the entry for this verification, not null */
    static ByteBuffer key(String verifier, byte[] signature, byte[] signedBytes) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update(verifier.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            sha256.update((byte) 0);
            sha256.update(signature);
            sha256.update(signedBytes);
            return ByteBuffer.wrap(sha256.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** @return whether a node of this process found this verification valid (and the entry is still kept) */
    static boolean isKnownValid(ByteBuffer key) {
        synchronized (VALID) {
            return VALID.containsKey(key);
        }
    }

    /** Remembers a verification that came out valid. */
    static void rememberValid(ByteBuffer key) {
        synchronized (VALID) {
            VALID.put(key, Boolean.TRUE);
        }
    }

    /** @return entries kept, for tests */
    static int size() {
        synchronized (VALID) {
            return VALID.size();
        }
    }
}
