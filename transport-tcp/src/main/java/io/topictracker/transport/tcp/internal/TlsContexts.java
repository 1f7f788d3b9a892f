package io.topictracker.transport.tcp.internal;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.topictracker.api.signing.SigningProvider;
import io.topictracker.tls.NodeCredentials;
import io.topictracker.tls.NodeKeyManager;
import io.topictracker.tls.PeerTrustManager;
import javax.net.ssl.SSLException;

/**
 * The server and client TLS contexts of one node: TLS 1.3 only, mutual authentication required, the JDK's TLS
 * provider. Immutable and thread-safe.
 *
 * <p>Why the JDK provider: netty-tcnative (OpenSSL) offers no way to set the signature algorithms and does not
 * negotiate Ed25519 certificates; the JDK does, given {@link NodeKeyManager} and {@link PeerTrustManager}. Why TLS
 * 1.3 only: both peers are this software, and 1.3 encrypts the certificates (RFC 8446 §2), so an observer does not
 * learn which identities talk.
 *
 * @param server for accepted connections, never null
 * @param client for dialled connections, never null
 * @param expected where diallers register the identity they expect, checked by the shared trust manager; never null
 */
record TlsContexts(SslContext server, SslContext client, ExpectedIdentities expected) {
    private static final String TLS13 = "TLSv1.3";

    static TlsContexts create(NodeCredentials credential, SigningProvider signing) {
        NodeKeyManager keys = new NodeKeyManager(credential);
        ExpectedIdentities expected = new ExpectedIdentities();
        PeerTrustManager trust = new PeerTrustManager(signing, expected);
        try {
            SslContext server = SslContextBuilder.forServer(keys)
                    .sslProvider(SslProvider.JDK)
                    .protocols(TLS13)
                    .clientAuth(ClientAuth.REQUIRE)
                    .trustManager(trust)
                    .build();
            SslContext client = SslContextBuilder.forClient()
                    .sslProvider(SslProvider.JDK)
                    .protocols(TLS13)
                    .keyManager(keys)
                    .trustManager(trust)
                    // Peers are named by key, not host name: the trust manager checks the key instead.
                    .endpointIdentificationAlgorithm(null)
                    .build();
            return new TlsContexts(server, client, expected);
        } catch (SSLException e) {
            throw new IllegalStateException("could not set up TLS 1.3 with Ed25519 on this JDK", e);
        }
    }
}
