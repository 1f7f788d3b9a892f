package io.topictracker.tls;

import io.topictracker.api.PeerId;
import java.security.cert.CertificateException;
import javax.net.ssl.SSLEngine;

/**
 * A dialler's check, inside the handshake, that the server proved the identity the dial expects. Each transport keeps
 * its own record of which engine expects whom (it depends on how the transport makes engines). Thread-safe.
 */
@FunctionalInterface
public interface ServerIdentityCheck {
    /**
     * Called by {@link PeerTrustManager} once the server's certificate is verified; called on the TLS engine's thread.
     *
     * @param engine the client engine of the dial, may be null (then nothing is expected)
     * @param proven the identity the server's certificate proves, not null
     * @throws CertificateException (an {@link IdentityMismatch}) if this engine's dial expected someone else
     */
    void check(SSLEngine engine, PeerId proven) throws CertificateException;
}
