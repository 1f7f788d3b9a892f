package io.topictracker.stream;

import io.topictracker.api.PeerId;
import io.topictracker.tls.IdentityMismatch;
import io.topictracker.tls.ServerIdentityCheck;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLEngine;

/**
 * The identity each dialling engine expects (the TCP transport's far end; the relay transport's relay for a hop, its
 * target end to end). A dialler registers it ({@link #expect}) before its handshake starts; the shared trust manager
 * then fails the handshake with {@link IdentityMismatch} when the acceptor proves another one, before the dialler
 * reveals its own certificate. Thread-safe.
 */
public final class ExpectedIdentities implements ServerIdentityCheck {
    private final Map<SSLEngine, PeerId> expected = new ConcurrentHashMap<>();

    /** Registers the identity the dialler's {@code engine} must see; call {@link #forget} when its channel closes. */
    public void expect(SSLEngine engine, PeerId identity) {
        expected.put(engine, identity);
    }

    /** Drops the registration of {@code engine}; idempotent. */
    public void forget(SSLEngine engine) {
        expected.remove(engine);
    }

    @Override
    public void check(SSLEngine engine, PeerId proven) throws IdentityMismatch {
        PeerId wanted = engine == null ? null : expected.get(engine);
        if (wanted != null && !wanted.equals(proven)) {
            throw new IdentityMismatch(wanted, proven);
        }
    }
}
