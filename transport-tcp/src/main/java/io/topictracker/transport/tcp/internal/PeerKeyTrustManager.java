package io.topictracker.transport.tcp.internal;

import io.topictracker.api.PeerId;
import io.topictracker.api.signing.SigningProvider;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts a peer certificate when it is a valid self-signed Ed25519 certificate ({@link PeerCertificates#verify}),
 * instead of asking a CA. An acceptor takes any such identity (it learns who dialled). A dialler registers the
 * identity it expects for its engine ({@link #expect}); a different one fails the handshake with
 * {@link IdentityMismatch} before the dialler reveals its own certificate. Host names are not checked: peers are
 * named by key, not by DNS. Thread-safe.
 */
final class PeerKeyTrustManager extends X509ExtendedTrustManager {
    private final SigningProvider signing;
    private final Map<SSLEngine, PeerId> expected = new ConcurrentHashMap<>();

    PeerKeyTrustManager(SigningProvider signing) {
        this.signing = signing;
    }

    /** Registers the identity the dialler's {@code engine} must see; call {@link #forget} when its channel closes. */
    void expect(SSLEngine engine, PeerId identity) {
        expected.put(engine, identity);
    }

    /** Drops the registration of {@code engine}; idempotent. */
    void forget(SSLEngine engine) {
        expected.remove(engine);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        PeerCertificates.verify(chain, signing);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        PeerCertificates.verify(chain, signing);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        PeerCertificates.verify(chain, signing);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        PeerCertificates.verify(chain, signing);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        PeerCertificates.verify(chain, signing);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        PeerId proven = PeerCertificates.verify(chain, signing);
        PeerId wanted = expected.get(engine);
        if (wanted != null && !wanted.equals(proven)) {
            throw new IdentityMismatch(wanted, proven);
        }
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        // Empty: no CA is trusted, so the server sends no certificate_authorities hint (RFC 8446 §4.2.4).
        return new X509Certificate[0];
    }
}
