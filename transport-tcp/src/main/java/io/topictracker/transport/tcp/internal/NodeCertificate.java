package io.topictracker.transport.tcp.internal;

import io.topictracker.api.signing.SigningKeyPair;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.function.Function;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;

/**
 * The node's TLS credential: a self-signed X.509 certificate for its Ed25519 key, and that key as a JDK
 * {@link PrivateKey} for JSSE. Immutable and thread-safe.
 *
 * <p>The certificate is built with BouncyCastle's lightweight builder and signed through
 * {@link SigningKeyPair#sign(byte[])}, so no JCA provider is registered: putting BouncyCastle first in the JCA list
 * breaks JSSE's Ed25519 ("No available authentication scheme"). The certificate asserts nothing but the key; the
 * TLS CertificateVerify message (RFC 8446 §4.4.3) is what proves possession of it in each handshake.
 */
public final class NodeCertificate {
    /** DER prefix of a PKCS#8 PrivateKeyInfo for an Ed25519 seed (RFC 8410 §7): version 0, OID 1.3.101.112. */
    private static final byte[] PKCS8_ED25519_PREFIX = {
        0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20};
    private static final SecureRandom RANDOM = new SecureRandom();

    private final X509Certificate certificate;
    private final PrivateKey privateKey;

    private NodeCertificate(X509Certificate certificate, PrivateKey privateKey) {
        this.certificate = certificate;
        this.privateKey = privateKey;
    }

    /**
     * Builds the certificate for {@code identity}, valid from an hour before {@code now} for ten years (validity is
     * not checked by peers: the identity is the key, not a dated assertion).
     *
     * @param identity the node's key pair, not null
     * @param now the current time, not null
     * @return never null
     */
    public static NodeCertificate create(SigningKeyPair identity, Instant now) {
        return create(identity.publicKey(), identity::sign, identity.seed(), now);
    }

    /**
     * Builds a certificate whose subject key is {@code subjectKey}, signed by {@code signer}, with the TLS private key
     * from {@code seed}. Only tests pass a signer that differs from the seed's key, to forge a certificate.
     */
    static NodeCertificate create(byte[] subjectKey, Function<byte[], byte[]> signer, byte[] seed, Instant now) {
        try {
            X500Name name = new X500Name("CN=topic-tracker");
            SubjectPublicKeyInfo key =
                    new SubjectPublicKeyInfo(new AlgorithmIdentifier(EdECObjectIdentifiers.id_Ed25519), subjectKey);
            X509v3CertificateBuilder builder = new X509v3CertificateBuilder(name,
                    new BigInteger(63, RANDOM).add(BigInteger.ONE), Date.from(now.minus(Duration.ofHours(1))),
                    Date.from(now.plus(Duration.ofDays(3650))), name, key);
            byte[] der = builder.build(new Ed25519Signer(signer)).getEncoded();
            X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der));
            byte[] pkcs8 = new byte[PKCS8_ED25519_PREFIX.length + seed.length];
            System.arraycopy(PKCS8_ED25519_PREFIX, 0, pkcs8, 0, PKCS8_ED25519_PREFIX.length);
            System.arraycopy(seed, 0, pkcs8, PKCS8_ED25519_PREFIX.length, seed.length);
            PrivateKey privateKey = KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            java.util.Arrays.fill(pkcs8, (byte) 0);
            return new NodeCertificate(certificate, privateKey);
        } catch (IOException e) {
            throw new UncheckedIOException("could not encode the node certificate", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK cannot load an Ed25519 certificate or key (needs Java 15+)", e);
        }
    }

    /** @return the self-signed certificate, never null */
    public X509Certificate certificate() {
        return certificate;
    }

    /** @return the Ed25519 private key as a JDK key, never null */
    public PrivateKey privateKey() {
        return privateKey;
    }

    /** Signs the to-be-signed certificate bytes with Ed25519 (RFC 8410 §3: no parameters, no pre-hash). */
    private static final class Ed25519Signer implements ContentSigner {
        private final Function<byte[], byte[]> signer;
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();

        Ed25519Signer(Function<byte[], byte[]> signer) {
            this.signer = signer;
        }

        @Override
        public AlgorithmIdentifier getAlgorithmIdentifier() {
            return new AlgorithmIdentifier(EdECObjectIdentifiers.id_Ed25519);
        }

        @Override
        public OutputStream getOutputStream() {
            return buffer;
        }

        @Override
        public byte[] getSignature() {
            return signer.apply(buffer.toByteArray());
        }
    }
}
