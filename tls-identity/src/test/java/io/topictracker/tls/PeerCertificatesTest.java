package io.topictracker.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.api.signing.SigningKeyPair;
import io.topictracker.api.signing.SigningProvider;
import io.topictracker.signing.bc.BouncyCastleEd25519Provider;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The certificate rules every peer's certificate must pass. */
class PeerCertificatesTest {
    private static final SigningProvider SIGNING = new BouncyCastleEd25519Provider();

    @Test
    void aNodeCertificateProvesItsKey() throws CertificateException {
        SigningKeyPair keys = SIGNING.generate();
        NodeCredentials own = NodeCredentials.create(keys, Instant.now());

        assertEquals(keys.peerId(), PeerCertificates.identityOf(new Certificate[] {own.certificate()}, SIGNING));
    }

    @Test
    void aCertificateSignedByAnotherKeyIsRefusedNamingTheClaimedKey() {
        SigningKeyPair victim = SIGNING.generate();
        SigningKeyPair forger = SIGNING.generate();
        NodeCredentials forged =
                NodeCredentials.create(victim.publicKey(), forger::sign, forger.seed(), Instant.now());

        CertificateException refused = assertThrows(CertificateException.class,
                () -> PeerCertificates.identityOf(new Certificate[] {forged.certificate()}, SIGNING));
        assertTrue(refused.getMessage().contains(victim.peerId().toString()), refused.getMessage());
    }

    @Test
    void chainsOfOtherLengthsAreRefused() {
        NodeCredentials one = NodeCredentials.create(SIGNING.generate(), Instant.now());

        assertThrows(CertificateException.class, () -> PeerCertificates.identityOf(new Certificate[0], SIGNING));
        assertThrows(CertificateException.class, () -> PeerCertificates.identityOf(null, SIGNING));
        assertThrows(CertificateException.class, () -> PeerCertificates.identityOf(
                new Certificate[] {one.certificate(), one.certificate()}, SIGNING));
    }
}
