package io.topictracker.tls;

import io.topictracker.api.PeerId;
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
import java.util.function.Function;
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
 * BouncyCastle's lightweight API and signed through {@link SigningKeyPair#sign}, so no JCA provider is registered:
 * putting BouncyCastle first in the JCA list breaks JSSE's Ed25519 ("No available authentication scheme").
 */
public final class NodeCredentials {
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
    /** 9999-12-31T23:59:59Z: "no well-defined expiration date" (RFC 5280 §4.1.2.5); the key is the identity. */
    private static final Instant NO_EXPIRY = Instant.parse("9999-12-31T23:59:59Z");

    private final X509Certificate certificate;
    private final PrivateKey privateKey;

    private NodeCredentials(X509Certificate certificate, PrivateKey privateKey) {
        this.certificate = certificate;
        this.privateKey = privateKey;
    }

    /**
     * The credentials of {@code identity}: its certificate, self-signed, valid from an hour before {@code now} (for
     * skewed clocks) with no expiry (peers do not check validity: the identity is the key, not a dated assertion).
     *
     * @param identity the node's key pair, not null
     * @param now the clock's current instant, not null
     * @return never null
     * @throws IllegalStateException if the JDK cannot read back what was built (no Ed25519 support)
     */
    public static NodeCredentials create(SigningKeyPair identity, Instant now) {
        return create(identity, identity, now);
    }

    /**
     * Credentials for {@code identity} whose certificate is signed by {@code issuer}: the same key in production;
     * another key only in tests, to prove peers refuse a certificate that is not self-signed.
     *
     * @return never null
     */
    public static NodeCredentials create(SigningKeyPair identity, SigningKeyPair issuer, Instant now) {
        byte[] seed = identity.seed();
        try {
            return create(identity.publicKey(), issuer::sign, seed, now);
        } finally {
            Arrays.fill(seed, (byte) 0);
        }
    }

    /**
     * Credentials whose certificate names {@code subjectKey}, signed by {@code signer}, with the TLS private key made
     * from {@code seed}. In production all three belong to one key; tests pass mismatched ones to forge a certificate
     * (signed by another key) or to claim someone else's key (certificate for a key the TLS key does not match).
     *
     * @param subjectKey the 32-byte Ed25519 key the certificate names, not null
     * @param signer signs the certificate's to-be-signed bytes with Ed25519, not null
     * @param seed the 32-byte Ed25519 seed of the TLS private key, not null; not modified
     * @param now the clock's current instant, not null
     * @return never null
     */
    public static NodeCredentials create(byte[] subjectKey, Function<byte[], byte[]> signer, byte[] seed,
            Instant now) {
        AlgorithmIdentifier ed25519 = new AlgorithmIdentifier(EdECObjectIdentifiers.id_Ed25519);
        X500Name name = new X500Name("CN=" + PeerId.of(subjectKey));
        X509v3CertificateBuilder builder = new X509v3CertificateBuilder(name, BigInteger.valueOf(now.getEpochSecond()),
                Date.from(now.minus(1, ChronoUnit.HOURS)), Date.from(NO_EXPIRY),
                name, new SubjectPublicKeyInfo(ed25519, subjectKey));
        X509CertificateHolder holder = builder.build(new Ed25519Signer(signer, ed25519));
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
            Arrays.fill(pkcs8, (byte) 0);
        }
    }

    /** @return the self-signed certificate, never null */
    public X509Certificate certificate() {
        return certificate;
    }

    /** @return the Ed25519 private key, PKCS#8 v1 encoded, never null */
    public PrivateKey privateKey() {
        return privateKey;
    }

    /** Signs the to-be-signed certificate bytes with Ed25519 (RFC 8410 §3: no parameters, no pre-hash). Single use. */
    private static final class Ed25519Signer implements ContentSigner {
        private final Function<byte[], byte[]> signer;
        private final AlgorithmIdentifier algorithm;
        private final ByteArrayOutputStream toBeSigned = new ByteArrayOutputStream();

        Ed25519Signer(Function<byte[], byte[]> signer, AlgorithmIdentifier algorithm) {
            this.signer = signer;
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
            return signer.apply(toBeSigned.toByteArray());
        }
    }
}
