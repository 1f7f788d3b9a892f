package io.topictracker.api.dht;

/**
 * A DHT operation failed. {@link #reason()} says why, with the BEP44 error code where one applies.
 */
public final class DhtException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why an operation failed. */
    public enum Reason {
        /** BEP44 205: the encoded value is over 1000 bytes. */
        VALUE_TOO_LARGE(205),
        /** BEP44 206: the signature does not verify. */
        INVALID_SIGNATURE(206),
        /** BEP44 207: the salt is over 64 bytes. */
        SALT_TOO_LARGE(207),
        /** BEP44 301: compare-and-swap failed, the stored seq differs. */
        CAS_MISMATCH(301),
        /** BEP44 302: the stored seq is higher than the one put. */
        SEQ_TOO_OLD(302),
        /** The operation did not finish in time. */
        TIMEOUT(0),
        /** No node could be reached or none acknowledged. */
        UNREACHABLE(0),
        /** The DHT is closed, or was never started. */
        CLOSED(0),
        /** Any other failure; see the message. */
        OTHER(0);

        private final int code;

        Reason(int code) {
            this.code = code;
        }

        /** @return the KRPC/BEP44 error code, or 0 when the reason has none */
        public int code() {
            return code;
        }
    }

    private final Reason reason;

    /** @param reason not null; @param message what happened, not null */
    public DhtException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    /** @param reason not null; @param message not null; @param cause may be null */
    public DhtException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    /** @return why it failed, never null */
    public Reason reason() {
        return reason;
    }
}
