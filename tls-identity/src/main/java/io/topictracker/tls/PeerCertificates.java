package io.topictracker.tls;

import io.topictracker.api.PeerId;
import io.topictracker.api.signing.SigningProvider;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Arrays;

/**
 * Reads the Ed25519 identity out of a peer's certificate. Stateless and thread-safe.
 *
 * <p>Accepted: exactly one X.509 certificate, whose key is Ed25519 (RFC 8410) and which is signed by that same key
 * with Ed25519, verified strictly by the node's {@link SigningProvider} (BouncyCastle's Ed25519 in practice, ~20×
 * faster than SunEC here), so a small-order key is refused. Validity dates are not checked: the key is the identity
 * and peers' clocks may be off; the TLS handshake's CertificateVerify proves the key is held.
 */
public final class PeerCertificates {
    /** The DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410 §4), followed by the 32-byte key. */
    private static final byte[] ED25519_SPKI_PREFIX = {
        0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00
    };
    private static final String ED25519_OID = "1.3.101.112";

    private PeerCertificates() {}

    /**
     * Checks a chain as a peer presented it and returns the identity it proves.
     *
     * @param chain what the peer presented, may be null or empty (then refused)
     * @param signing verifies the self-signature, not null
     * @return the identity the certificate proves, never null
     * @throws CertificateException naming what is wrong
     */
    public static PeerId identityOf(Certificate[] chain, SigningProvider signing) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException("the peer presented no certificate");
        }
        if (chain.length != 1) {
            throw new CertificateException("expected one self-signed Ed25519 certificate, got a chain of " + chain.length);
        }
        if (!(chain[0] instanceof X509Certificate certificate)) {
            throw new CertificateException("the peer presented a " + chain[0].getType()
                    + " certificate, expected X.509");
        }
        byte[] spki = certificate.getPublicKey().getEncoded();
        if (spki == null || spki.length != ED25519_SPKI_PREFIX.length + PeerId.LENGTH
                || !Arrays.equals(spki, 0, ED25519_SPKI_PREFIX.length, ED25519_SPKI_PREFIX, 0,
                        ED25519_SPKI_PREFIX.length)) {
            throw new CertificateException("the peer's certificate key is not Ed25519 (algorithm "
                    + certificate.getPublicKey().getAlgorithm() + ")");
        }
        byte[] key = Arrays.copyOfRange(spki, ED25519_SPKI_PREFIX.length, spki.length);
        if (!ED25519_OID.equals(certificate.getSigAlgOID())) {
            throw new CertificateException("the peer's certificate is not signed with Ed25519 (signature algorithm "
                    + certificate.getSigAlgName() + ", " + certificate.getSigAlgOID() + ")");
        }
        byte[] toBeSigned;
        try {
            toBeSigned = certificate.getTBSCertificate();
        } catch (CertificateEncodingException e) {
            throw new CertificateException("the peer's certificate cannot be re-encoded", e);
        }
        PeerId claimed = PeerId.of(key);
        if (!signing.verify(key, toBeSigned, certificate.getSignature())) {
            throw new CertificateException("the peer's certificate for " + claimed
                    + " is not self-signed by that key (forged or corrupt)");
        }
        return claimed;
    }
}
