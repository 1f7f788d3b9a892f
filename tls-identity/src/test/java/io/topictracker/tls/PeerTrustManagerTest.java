package io.topictracker.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.api.PeerId;
import io.topictracker.api.signing.SigningKeyPair;
import io.topictracker.api.signing.SigningProvider;
import io.topictracker.signing.bc.BouncyCastleEd25519Provider;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.Test;

/** The key manager, the trust manager and the mismatch they report, without any TLS engine. */
class PeerTrustManagerTest {
    private static final SigningProvider SIGNING = new BouncyCastleEd25519Provider();
    private static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");

    @Test
    void theKeyManagerOffersTheNodesKeyWhateverIsAsked() {
        NodeCredentials node = NodeCredentials.create(SIGNING.generate(), NOW);
        NodeKeyManager keys = new NodeKeyManager(node);

        String alias = keys.chooseEngineServerAlias("RSA", null, null);
        assertEquals(alias, keys.chooseEngineClientAlias(new String[] {"EC"}, null, null));
        assertArrayEquals(new X509Certificate[] {node.certificate()}, keys.getCertificateChain(alias));
        assertSame(node.privateKey(), keys.getPrivateKey(alias));
        assertNull(keys.getPrivateKey("someone-else"));
    }

    @Test
    void aServerProvingAnotherIdentityIsRefusedWithAnIdentityMismatch() throws CertificateException {
        SigningKeyPair server = SIGNING.generate();
        PeerId expected = SIGNING.generate().peerId();
        X509Certificate[] chain = {NodeCredentials.create(server, NOW).certificate()};
        PeerTrustManager trust = new PeerTrustManager(SIGNING, (engine, proven) -> {
            if (!proven.equals(expected)) {
                throw new IdentityMismatch(expected, proven);
            }
        });

        trust.checkClientTrusted(chain, "UNKNOWN", (SSLEngine) null); // an acceptor takes any valid identity
        CertificateException refused = assertThrows(CertificateException.class,
                () -> trust.checkServerTrusted(chain, "UNKNOWN", (SSLEngine) null));

        IdentityMismatch mismatch = IdentityMismatch.find(new RuntimeException(refused));
        assertSame(refused, mismatch);
        assertEquals(expected, mismatch.expected());
        assertEquals(server.peerId(), mismatch.proven());
        assertEquals("identity mismatch: expected " + expected + " but the far end proved " + server.peerId(),
                refused.getMessage());
        assertEquals(0, trust.getAcceptedIssuers().length, "no CA is named to the peer");
    }

    @Test
    void theTrustManagerRefusesAForgedCertificateInEitherRole() {
        SigningKeyPair node = SIGNING.generate();
        X509Certificate[] forged = {NodeCredentials.create(node, SIGNING.generate(), NOW).certificate()};
        PeerTrustManager trust = new PeerTrustManager(SIGNING, null);

        assertTrue(assertThrows(CertificateException.class, () -> trust.checkClientTrusted(forged, "UNKNOWN"))
                .getMessage().contains(node.peerId().toString()));
        assertThrows(CertificateException.class, () -> trust.checkServerTrusted(forged, "UNKNOWN", (SSLEngine) null));
    }
}
