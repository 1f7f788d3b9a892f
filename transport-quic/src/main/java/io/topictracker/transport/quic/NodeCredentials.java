package io.topictracker.transport.quic;

import io.topictracker.api.signing.SigningKeyPair;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Date;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;

/**
 * The node's TLS credentials: a self-signed X.509 certificate for its Ed25519 key and that key as a JDK
 * {@link PrivateKey}. Immutable and thread-safe; nothing is null.
 *
 * <p>The certificate carries no trust of its own: a peer accepts it because the TLS 1.3 handshake proves possession
 * of the certified key (CertificateVerify, RFC 8446 §4.4.3) and the key <em>is</em> the identity. It is built with
 * BouncyCastle's lightweight API and signed by {@link SigningKeyPair#sign}, so no JCA provider is registered.
 */
final class NodeCredentials {
    /**
     * The fixed DER prefix of a PKCS#8 version 1 (RFC 5208) Ed25519 private key (RFC 8410 §7): SEQUENCE, INTEGER 0,
     * AlgorithmIdentifier id-Ed25519 (1.3.101.112), OCTET STRING wrapping the OCTET STRING of the 32-byte seed.
     *
     * <p>Why by hand: BoringSSL inside quiche must get version 1 without the optional public key. An encoding from the
     * BouncyCastle JCA provider is the version 2 form (RFC 5958, public key included), and that crashed the JVM inside
     * the native quiche library on this project's machine. The JDK's Ed25519 key keeps and re-emits this v1 form.
     */
    static final byte[] PKCS8_V1_ED25519_PREFIX = {
        0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20
    };

    private final X509Certificate certificate;
    private final PrivateKey privateKey;

    private NodeCredentials(X509Certificate certificate, PrivateKey privateKey) {
        this.certificate = certificate;
        this.privateKey = privateKey;
    }

    /**
     * @param identity the node's key pair, not null
     * @param now the certificate's start of validity (an hour earlier, for skewed clocks), not null
     * @throws IllegalStateException if the JDK cannot read back what was built (no Ed25519 support)
     */
    static NodeCredentials create(SigningKeyPair identity, Instant now) {
        return create(identity, identity, now);
    }

    /**
     * Credentials for {@code identity} whose certificate is signed by {@code issuer}: the same key in production;
     * another key only in tests, to prove peers refuse a certificate that is not self-signed.
     */
    static NodeCredentials create(SigningKeyPair identity, SigningKeyPair issuer, Instant now) {
        byte[] publicKey = identity.publicKey();
        AlgorithmIdentifier ed25519 = new AlgorithmIdentifier(EdECObjectIdentifiers.id_Ed25519);
        X500Name name = new X500Name("CN=" + identity.peerId());
        X509v3CertificateBuilder builder = new X509v3CertificateBuilder(name, BigInteger.valueOf(now.getEpochSecond()),
                Date.from(now.minus(1, ChronoUnit.HOURS)),
                // 9999-12-31T23:59:59Z: "no well-defined expiration date" (RFC 5280 §4.1.2.5); the key is the identity.
                Date.from(Instant.parse("9999-12-31T23:59:59Z")),
                name, new SubjectPublicKeyInfo(ed25519, publicKey));
        X509CertificateHolder holder = builder.build(new IdentitySigner(issuer, ed25519));
        byte[] seed = identity.seed();
        byte[] pkcs8 = Arrays.copyOf(PKCS8_V1_ED25519_PREFIX, PKCS8_V1_ED25519_PREFIX.length + seed.length);
        System.arraycopy(seed, 0, pkcs8, PKCS8_V1_ED25519_PREFIX.length, seed.length);
        try {
            X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(holder.getEncoded()));
            PrivateKey privateKey = KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            return new NodeCredentials(certificate, privateKey);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build the node's Ed25519 TLS credentials", e);
        } finally {
            Arrays.fill(seed, (byte) 0);
            Arrays.fill(pkcs8, (byte) 0);
        }
    }

    /** @return the self-signed certificate, never null */
    X509Certificate certificate() {
        return certificate;
    }

    /** @return the Ed25519 private key, PKCS#8 v1 encoded, never null */
    PrivateKey privateKey() {
        return privateKey;
    }

    /** Signs the certificate with the node's key through the signing SPI. Single use, one thread. */
    private static final class IdentitySigner implements ContentSigner {
        private final SigningKeyPair identity;
        private final AlgorithmIdentifier algorithm;
        private final ByteArrayOutputStream toBeSigned = new ByteArrayOutputStream();

        IdentitySigner(SigningKeyPair identity, AlgorithmIdentifier algorithm) {
            this.identity = identity;
            this.algorithm = algorithm;
        }

        @Override
        public AlgorithmIdentifier getAlgorithmIdentifier() {
            return algorithm;
        }

        @Override
        public OutputStream getOutputStream() {
            return toBeSigned;
        }

        @Override
        public byte[] getSignature() {
            return identity.sign(toBeSigned.toByteArray());
        }
    }
}
