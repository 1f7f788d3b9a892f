package io.topictracker.api.transport;

/** A transport operation failed; {@link #reason()} says why. */
public final class TransportException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why a transport operation failed. */
    public enum Reason {
        /** The far end proved a different identity from the one expected. */
        IDENTITY_MISMATCH,
        /** The authenticated handshake failed for another reason. */
        HANDSHAKE_FAILED,
        /** The address could not be reached. */
        CONNECT_FAILED,
        /** The address is not one this transport handles. */
        UNSUPPORTED_ADDRESS,
        /** A frame is over the maximum frame size. */
        FRAME_TOO_LARGE,
        /** Too much unsent data is queued on the connection. */
        OVERLOADED,
        /** The connection or transport is closed. */
        CLOSED,
        /** The operation did not finish in time. */
        TIMEOUT
    }

    private final Reason reason;

    /** @param reason not null; @param message not null */
    public TransportException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    /** @param reason not null; @param message not null; @param cause may be null */
    public TransportException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    /** @return why it failed, never null */
    public Reason reason() {
        return reason;
    }
}
