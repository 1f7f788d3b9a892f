package io.topictracker.transport.tcp.internal;

import io.topictracker.api.PeerId;
import io.topictracker.api.signing.SigningProvider;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Arrays;

/**
 * Reads the identity out of a peer's certificate. Stateless and thread-safe.
 *
 * <p>A peer certificate is accepted when it is alone in its chain, carries an Ed25519 key (RFC 8410) and is
 * self-signed with that key. The self-signature is checked with the context's {@link SigningProvider} (BouncyCastle's
 * Ed25519 in practice, ~20× faster than SunEC here), strictly, so a small-order key is refused.
 */
public final class PeerCertificates {
    /** DER prefix of a SubjectPublicKeyInfo for Ed25519 (RFC 8410 §4), followed by the 32 key bytes. */
    private static final byte[] SPKI_ED25519_PREFIX = {
        0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};
    private static final String ED25519_OID = "1.3.101.112";

    private PeerCertificates() {}

    /**
     * Checks a chain as sent by a peer and returns the identity it proves.
     *
     * @param chain the peer's certificates, may be null or empty (then refused)
     * @param signing verifies the self-signature, not null
     * @return the peer's identity, never null
     * @throws CertificateException saying why the chain is refused
     */
    public static PeerId verify(Certificate[] chain, SigningProvider signing) throws CertificateException {
        if (chain == null || chain.length != 1) {
            throw new CertificateException("expected exactly one self-signed Ed25519 certificate, got "
                    + (chain == null ? 0 : chain.length));
        }
        if (!(chain[0] instanceof X509Certificate certificate)) {
            throw new CertificateException("expected an X.509 certificate, got " + chain[0].getType());
        }
        byte[] key = ed25519Key(certificate);
        if (!ED25519_OID.equals(certificate.getSigAlgOID())) {
            throw new CertificateException("certificate is signed with " + certificate.getSigAlgName()
                    + ", expected Ed25519");
        }
        byte[] tbs;
        try {
            tbs = certificate.getTBSCertificate();
        } catch (CertificateEncodingException e) {
            throw new CertificateException("certificate cannot be re-encoded", e);
        }
        if (!signing.verify(key, tbs, certificate.getSignature())) {
            throw new CertificateException("certificate for " + PeerId.of(key)
                    + " is not self-signed by that key (forged or corrupt)");
        }
        return PeerId.of(key);
    }

    /** Extracts the raw 32-byte Ed25519 key, refusing any other key type. */
    private static byte[] ed25519Key(X509Certificate certificate) throws CertificateException {
        byte[] spki = certificate.getPublicKey().getEncoded();
        if (spki == null || spki.length != SPKI_ED25519_PREFIX.length + PeerId.LENGTH
                || !Arrays.equals(spki, 0, SPKI_ED25519_PREFIX.length, SPKI_ED25519_PREFIX, 0,
                        SPKI_ED25519_PREFIX.length)) {
            throw new CertificateException("certificate key is " + certificate.getPublicKey().getAlgorithm()
                    + ", expected an Ed25519 key");
        }
        return Arrays.copyOfRange(spki, SPKI_ED25519_PREFIX.length, spki.length);
    }
}
