package io.topictracker.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.api.signing.SigningKeyPair;
import io.topictracker.api.signing.SigningProvider;
import io.topictracker.signing.bc.BouncyCastleEd25519Provider;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The node's certificate and key encodings, and how a peer's certificate is judged. */
class CertificatesTest {
    private static final SigningProvider SIGNING = new BouncyCastleEd25519Provider();
    private static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");

    @Test
    void theCertificateIsSelfSignedEd25519AndNamesTheIdentity() throws Exception {
        SigningKeyPair node = SIGNING.generate();
        X509Certificate certificate = NodeCredentials.create(node, NOW).certificate();

        assertEquals(node.peerId(), PeerCertificates.identityOf(new X509Certificate[] {certificate},
                SIGNING));
        assertEquals("1.3.101.112", certificate.getSigAlgOID());
        assertTrue(certificate.getSubjectX500Principal().getName().contains(node.peerId().toString()));
        certificate.verify(certificate.getPublicKey()); // the JDK agrees the self-signature holds
    }

    @Test
    void thePrivateKeyIsPkcs8VersionOneOfTheSeed() {
        // quiche's BoringSSL crashed the JVM on the v2 form (with the public key); see NodeCredentials.
        SigningKeyPair node = SIGNING.generate();
        byte[] encoded = NodeCredentials.create(node, NOW).privateKey().getEncoded();

        assertEquals(48, encoded.length);
        assertArrayEquals(NodeCredentials.PKCS8_V1_ED25519_PREFIX, Arrays.copyOf(encoded, 16));
        assertArrayEquals(node.seed(), Arrays.copyOfRange(encoded, 16, 48));
    }

    @Test
    void aCertificateSignedByAnotherKeyIsRefused() {
        SigningKeyPair node = SIGNING.generate();
        SigningKeyPair forger = SIGNING.generate();
        X509Certificate forged = NodeCredentials.create(node, forger, NOW).certificate();

        CertificateException error = assertThrows(CertificateException.class,
                () -> PeerCertificates.identityOf(new X509Certificate[] {forged}, SIGNING));
        assertTrue(error.getMessage().contains("self-signed"), error.getMessage());
    }

    @Test
    void noCertificateOrAChainIsRefused() {
        X509Certificate one = NodeCredentials.create(SIGNING.generate(), NOW).certificate();

        assertThrows(CertificateException.class, () -> PeerCertificates.identityOf(null, SIGNING));
        assertThrows(CertificateException.class,
                () -> PeerCertificates.identityOf(new X509Certificate[0], SIGNING));
        assertThrows(CertificateException.class,
                () -> PeerCertificates.identityOf(new X509Certificate[] {one, one}, SIGNING));
    }
}
