package io.topictracker.transport.tcp.internal;

import io.topictracker.api.signing.SigningProvider;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts a peer certificate when it is a valid self-signed Ed25519 certificate ({@link PeerCertificates#verify}),
 * instead of asking a CA. Which identity is acceptable is decided after the handshake: a dialler compares it with
 * the identity it expected, an acceptor learns it. Host names are not checked: peers are named by key, not by DNS.
 * Thread-safe (immutable).
 */
final class PeerKeyTrustManager extends X509ExtendedTrustManager {
    private final SigningProvider signing;

    PeerKeyTrustManager(SigningProvider signing) {
        this.signing = signing;
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
        PeerCertificates.verify(chain, signing);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        // Empty: no CA is trusted, so the server sends no certificate_authorities hint (RFC 8446 §4.2.4).
        return new X509Certificate[0];
    }
}
