package io.topictracker.transport.tcp.internal;

import io.topictracker.api.PeerId;
import java.security.cert.CertificateException;

/**
 * Thrown by the dialler's trust manager when the acceptor proves another identity than the expected one, so the
 * handshake stops before the dialler sends its own certificate (RFC 8446 §4.4.2: the client's Certificate follows its
 * check of the server's). Immutable.
 */
final class IdentityMismatch extends CertificateException {
    private static final long serialVersionUID = 1L;

    private final transient PeerId expected;
    private final transient PeerId proven;

    IdentityMismatch(PeerId expected, PeerId proven) {
        super("identity mismatch: expected " + expected + " but the far end proved " + proven);
        this.expected = expected;
        this.proven = proven;
    }

    /** @return the identity the dialler asked for, never null */
    PeerId expected() {
        return expected;
    }

    /** @return the identity the far end proved, never null */
    PeerId proven() {
        return proven;
    }

    /** @return the first IdentityMismatch in {@code failure}'s cause chain, or null */
    static IdentityMismatch find(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof IdentityMismatch mismatch) {
                return mismatch;
            }
        }
        return null;
    }
}
