package io.topictracker.tls;

import io.topictracker.api.PeerId;
import io.topictracker.api.signing.SigningProvider;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts a peer certificate exactly when {@link PeerCertificates#identityOf} accepts it: there is no certificate
 * authority, the Ed25519 key is the identity. An acceptor takes any such identity (it learns who dialled). A dialler
 * also refuses a server that proves another identity than the dial expects ({@link ServerIdentityCheck}), before it
 * reveals its own certificate. Host names are not checked: peers are named by key, not by DNS. Thread-safe.
 */
public final class PeerTrustManager extends X509ExtendedTrustManager {
    private static final X509Certificate[] NO_ISSUERS = new X509Certificate[0];

    private final SigningProvider signing;
    private final ServerIdentityCheck expected;

    /**
     * @param signing verifies self-signatures, not null
     * @param expected checks a server against the dial's expected identity; null when nothing is checked (a server)
     */
    public PeerTrustManager(SigningProvider signing, ServerIdentityCheck expected) {
        this.signing = signing;
        this.expected = expected;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        PeerCertificates.identityOf(chain, signing);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        PeerCertificates.identityOf(chain, signing);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        PeerCertificates.identityOf(chain, signing);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        PeerCertificates.identityOf(chain, signing);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        PeerCertificates.identityOf(chain, signing);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        PeerId proven = PeerCertificates.identityOf(chain, signing);
        if (expected != null) {
            expected.check(engine, proven);
        }
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        // Empty: no CA is trusted, so a server sends no certificate_authorities hint (RFC 8446 §4.2.4).
        return NO_ISSUERS;
    }
}
