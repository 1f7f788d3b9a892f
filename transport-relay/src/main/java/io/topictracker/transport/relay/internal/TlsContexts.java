package io.topictracker.transport.relay.internal;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.topictracker.api.signing.SigningProvider;
import io.topictracker.stream.ExpectedIdentities;
import io.topictracker.tls.NodeCredentials;
import io.topictracker.tls.NodeKeyManager;
import io.topictracker.tls.PeerTrustManager;
import javax.net.ssl.SSLException;

/**
 * TLS 1.3, mutual, with the node's Ed25519 certificate (tls-identity), JDK provider: used twice on a relayed
 * connection, for the hop to the relay and end to end inside it. Immutable, thread-safe.
 */
record TlsContexts(SslContext server, SslContext client, ExpectedIdentities expected) {
    static TlsContexts create(NodeCredentials credential, SigningProvider signing) {
        NodeKeyManager keys = new NodeKeyManager(credential);
        ExpectedIdentities expected = new ExpectedIdentities();
        PeerTrustManager trust = new PeerTrustManager(signing, expected);
        try {
            SslContext server = SslContextBuilder.forServer(keys).sslProvider(SslProvider.JDK)
                    .protocols("TLSv1.3").clientAuth(ClientAuth.REQUIRE).trustManager(trust).build();
            SslContext client = SslContextBuilder.forClient().sslProvider(SslProvider.JDK).protocols("TLSv1.3")
                    .keyManager(keys).trustManager(trust).endpointIdentificationAlgorithm(null).build();
            return new TlsContexts(server, client, expected);
        } catch (SSLException e) {
            throw new IllegalStateException("could not set up TLS 1.3 with Ed25519 on this JDK", e);
        }
    }
}
