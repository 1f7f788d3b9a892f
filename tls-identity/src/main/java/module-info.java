/**
 * The TLS identity both network transports use (TCP and QUIC): each node presents a self-signed X.509 certificate for
 * its Ed25519 key ({@link io.topictracker.tls.NodeCredentials}, offered by {@link io.topictracker.tls.NodeKeyManager}),
 * and accepts a peer's certificate when it is alone, carries an Ed25519 key and is self-signed with it
 * ({@link io.topictracker.tls.PeerCertificates}, {@link io.topictracker.tls.PeerTrustManager}). The key is the
 * identity; there is no certificate authority.
 *
 * <p>A helper library, not a provider: it provides no service, and it needs neither Netty nor the engine, so each
 * transport keeps its own TLS engine setup (Netty's JDK SslContext for TCP, BoringSSL options for QUIC).
 */
module io.topictracker.tls {
    // PeerId, SigningKeyPair and SigningProvider appear in this module's public signatures.
    requires transitive io.topictracker.api;
    requires org.bouncycastle.pkix;
    requires org.bouncycastle.provider;

    exports io.topictracker.tls;
}
