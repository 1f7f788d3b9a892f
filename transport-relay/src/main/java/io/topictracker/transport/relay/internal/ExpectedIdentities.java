package io.topictracker.transport.relay.internal;

import io.topictracker.api.PeerId;
import io.topictracker.tls.IdentityMismatch;
import io.topictracker.tls.ServerIdentityCheck;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLEngine;

/** The identity each client TLS engine must see (the relay's for a hop, the target's end to end). Thread-safe. */
final class ExpectedIdentities implements ServerIdentityCheck {
    private final Map<SSLEngine, PeerId> expected = new ConcurrentHashMap<>();

    void expect(SSLEngine engine, PeerId identity) {
        expected.put(engine, identity);
    }

    void forget(SSLEngine engine) {
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
