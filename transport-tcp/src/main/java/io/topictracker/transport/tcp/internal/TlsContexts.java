package io.topictracker.transport.tcp.internal;

import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.topictracker.api.signing.SigningProvider;
import io.topictracker.stream.ExpectedIdentities;
import io.topictracker.tls.NodeCredentials;
import io.topictracker.tls.NodeKeyManager;
import io.topictracker.tls.PeerCertificates;
import io.topictracker.tls.PeerTrustManager;
import java.nio.ByteBuffer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;

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

    /** Bound on the records exchanged by {@link #warmUp}: a TLS 1.3 handshake takes a handful. */
    private static final int WARM_UP_STEPS = 64;

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

    /**
     * Runs one TLS 1.3 handshake between a client and a server engine of these contexts, in memory: the first
     * handshake of a JVM loads and compiles the JSSE, X25519, HKDF, AES-GCM and Ed25519 code, which in the lab took
     * several hundred milliseconds of a newcomer's first dial on a loaded machine (BENCHMARKS.md "Network lab");
     * done once at start, that cost is off the path of the first join. The client side has no expected identity
     * registered, so our own certificate is accepted; nothing of it outlives the call. Blocks; thread-safe.
     *
     * @param signing verifies the certificate the client side saw, not null
     * @return the identity the client side saw (ours), for tests; never null
     * @throws SSLException if the handshake fails or does not finish within its bound
     */
    io.topictracker.api.PeerId warmUp(SigningProvider signing) throws SSLException {
        SSLEngine dialler = client.newEngine(UnpooledByteBufAllocator.DEFAULT);
        SSLEngine acceptor = server.newEngine(UnpooledByteBufAllocator.DEFAULT);
        int packet = Math.max(dialler.getSession().getPacketBufferSize(), acceptor.getSession().getPacketBufferSize());
        int app = Math.max(dialler.getSession().getApplicationBufferSize(),
                acceptor.getSession().getApplicationBufferSize());
        ByteBuffer toAcceptor = ByteBuffer.allocate(4 * packet);
        ByteBuffer toDialler = ByteBuffer.allocate(4 * packet);
        ByteBuffer diallerApp = ByteBuffer.allocate(4 * app);
        ByteBuffer acceptorApp = ByteBuffer.allocate(4 * app);
        ByteBuffer nothing = ByteBuffer.allocate(0);
        dialler.beginHandshake();
        acceptor.beginHandshake();
        for (int step = 0; step < WARM_UP_STEPS; step++) {
            if (finished(dialler) && finished(acceptor) && toAcceptor.position() == 0 && toDialler.position() == 0) {
                try {
                    return PeerCertificates.identityOf(dialler.getSession().getPeerCertificates(), signing);
                } catch (java.security.cert.CertificateException | SSLPeerUnverifiedException e) {
                    throw new SSLException("warm-up handshake ended without the acceptor's identity: " + e, e);
                }
            }
            dialler.wrap(nothing, toAcceptor);
            runTasks(dialler);
            acceptor.wrap(nothing, toDialler);
            runTasks(acceptor);
            toAcceptor.flip();
            acceptor.unwrap(toAcceptor, acceptorApp);
            toAcceptor.compact();
            runTasks(acceptor);
            toDialler.flip();
            dialler.unwrap(toDialler, diallerApp);
            toDialler.compact();
            runTasks(dialler);
        }
        throw new SSLException("warm-up handshake did not finish within " + WARM_UP_STEPS + " steps");
    }

    private static boolean finished(SSLEngine engine) {
        return engine.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING;
    }

    private static void runTasks(SSLEngine engine) {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            task.run();
        }
    }
}
