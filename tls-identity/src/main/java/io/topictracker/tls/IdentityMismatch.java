package io.topictracker.tls;

import io.topictracker.api.PeerId;
import java.security.cert.CertificateException;

/**
 * Thrown by a dialler's trust manager when the acceptor proves another identity than the expected one, so the
 * handshake stops before the dialler sends its own certificate (RFC 8446 §4.4.2: the client's Certificate follows its
 * check of the server's). Also the one wording of that failure for every transport ({@link #message}). Immutable.
 */
public final class IdentityMismatch extends CertificateException {
    private static final long serialVersionUID = 1L;

    private final transient PeerId expected;
    private final transient PeerId proven;

    /**
     * @param expected the identity the dialler asked for, not null
     * @param proven the identity the far end proved, not null
     */
    public IdentityMismatch(PeerId expected, PeerId proven) {
        super(message(expected, proven, "the far end"));
        this.expected = expected;
        this.proven = proven;
    }

    /**
     * The wording of a mismatch, naming both identities and where the far end is.
     *
     * @param expected the identity the dialler asked for, not null
     * @param proven the identity the far end proved, not null
     * @param where the far end, e.g. {@code "tcp://10.0.0.1:4000"}, not null
     * @return e.g. {@code "identity mismatch: expected 3b6a… but tcp://10.0.0.1:4000 proved 9f01…"}, never null
     */
    public static String message(PeerId expected, PeerId proven, String where) {
        return "identity mismatch: expected " + expected + " but " + where + " proved " + proven;
    }

    /** @return the identity the dialler asked for, never null */
    public PeerId expected() {
        return expected;
    }

    /** @return the identity the far end proved, never null */
    public PeerId proven() {
        return proven;
    }

    /**
     * @param failure any throwable, may be null
     * @return the first IdentityMismatch in {@code failure}'s cause chain, or null
     */
    public static IdentityMismatch find(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof IdentityMismatch mismatch) {
                return mismatch;
            }
        }
        return null;
    }
}
