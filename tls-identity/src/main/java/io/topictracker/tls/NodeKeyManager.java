package io.topictracker.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Always offers the node's one key and certificate, whatever key types or issuers the peer asks for. Netty chooses a
 * key by type names ("RSA", "EC", ...) and never asks for "EdDSA", so a type-matching key manager would find nothing;
 * and there is no CA, so the peer's certificate_authorities list (RFC 8446 §4.2.4) cannot name ours. Immutable and
 * thread-safe.
 */
public final class NodeKeyManager extends X509ExtendedKeyManager {
    private static final String ALIAS = "node";

    private final NodeCredentials credentials;

    /** @param credentials the node's certificate and key, not null */
    public NodeKeyManager(NodeCredentials credentials) {
        this.credentials = credentials;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return new String[] {ALIAS};
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return ALIAS;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
        return ALIAS;
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return new String[] {ALIAS};
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return ALIAS;
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return ALIAS;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return ALIAS.equals(alias) ? new X509Certificate[] {credentials.certificate()} : null;
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        return ALIAS.equals(alias) ? credentials.privateKey() : null;
    }
}
