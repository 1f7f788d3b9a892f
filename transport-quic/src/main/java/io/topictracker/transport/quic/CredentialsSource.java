package io.topictracker.transport.quic;

import io.topictracker.api.signing.SigningKeyPair;
import io.topictracker.tls.NodeCredentials;
import java.time.Instant;

/** Makes the node's TLS credentials; {@link NodeCredentials#create} in production, a forger in tests. */
@FunctionalInterface
interface CredentialsSource {
    /**
     * @param identity the node's key pair, not null
     * @param now the clock's current instant, not null
     * @return never null
     */
    NodeCredentials create(SigningKeyPair identity, Instant now);
}
