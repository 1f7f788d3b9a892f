package io.topictracker.transport.quic;

import io.netty.handler.codec.quic.QuicChannel;
import io.topictracker.api.PeerAddress;
import io.topictracker.api.PeerId;
import io.topictracker.api.signing.SigningProvider;
import io.topictracker.tls.PeerCertificates;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import javax.net.ssl.SSLPeerUnverifiedException;

/** Reads what a completed handshake proved about the far end. Stateless. */
final class PeerIdentity {
    private PeerIdentity() {}

    /**
     * @param channel a connection whose TLS handshake completed, not null
     * @return the Ed25519 identity the far end proved, never null
     * @throws CertificateException if it presented no acceptable certificate
     */
    static PeerId of(QuicChannel channel, SigningProvider signing) throws CertificateException {
        Certificate[] presented;
        try {
            presented = channel.sslEngine().getSession().getPeerCertificates();
        } catch (SSLPeerUnverifiedException e) {
            throw new CertificateException("the peer presented no certificate", e);
        }
        return PeerCertificates.identityOf(presented, signing);
    }

    /** @return the far end's address as a {@code quic://} address; {@code fallback} if the channel does not know it */
    static PeerAddress addressOf(QuicChannel channel, PeerAddress fallback) {
        SocketAddress remote = channel.remoteSocketAddress();
        if (remote instanceof InetSocketAddress inet && inet.getAddress() != null) {
            String host = inet.getAddress().getHostAddress();
            int scope = host.indexOf('%');
            return PeerAddress.of(QuicTransportProvider.ID, scope < 0 ? host : host.substring(0, scope), inet.getPort());
        }
        return fallback;
    }
}
