package io.topictracker.transport.quic;

import io.netty.handler.codec.quic.BoringSSLContextOption;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.ssl.ClientAuth;
import io.topictracker.api.signing.SigningProvider;
import io.topictracker.tls.NodeCredentials;
import io.topictracker.tls.NodeKeyManager;
import io.topictracker.tls.PeerTrustManager;

/**
 * Builds the TLS 1.3 contexts of both roles: the node's key offered, the peer's key required and checked. Stateless.
 */
final class QuicTls {
    /**
     * The ALPN protocol id. QUIC requires ALPN (RFC 9001 §8.1); the version in it lets a later wire format refuse an
     * older one during the handshake.
     */
    static final String ALPN = "topic-tracker/1";

    /**
     * BoringSSL leaves ed25519 out of its default signature algorithms, so without this neither side could sign or
     * accept a CertificateVerify with an Ed25519 key (RFC 8446 §4.2.3).
     */
    private static final String[] SIGNATURE_ALGORITHMS = {"ed25519"};

    private QuicTls() {}

    /** @return the context for accepting: client certificates required (mutual TLS) */
    static QuicSslContext server(NodeCredentials credentials, SigningProvider signing) {
        return QuicSslContextBuilder.forServer(new NodeKeyManager(credentials), null)
                .trustManager(new PeerTrustManager(signing, null))
                .clientAuth(ClientAuth.REQUIRE)
                .applicationProtocols(ALPN)
                .option(BoringSSLContextOption.SIGNATURE_ALGORITHMS, SIGNATURE_ALGORITHMS)
                .earlyData(false)
                .build();
    }

    /** @return the context for dialling: offers the node's certificate, checks the server's against the dial */
    static QuicSslContext client(NodeCredentials credentials, SigningProvider signing, ExpectedPeers expected) {
        return QuicSslContextBuilder.forClient()
                .keyManager(new NodeKeyManager(credentials), null)
                .trustManager(new PeerTrustManager(signing, expected))
                .applicationProtocols(ALPN)
                .option(BoringSSLContextOption.SIGNATURE_ALGORITHMS, SIGNATURE_ALGORITHMS)
                .earlyData(false)
                .build();
    }
}
