package io.topictracker.engine.records;

import java.util.Objects;

/**
 * A record or sealed value was rejected. {@link #reason()} is a stable code for logs and counters; the message says
 * what exactly was wrong.
 */
public final class RecordException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why a value was rejected; each check of PROTOCOL.md has its own reason. */
    public enum Reason {
        /** Fewer bytes than the fixed fields need. */
        TRUNCATED,
        /** More bytes than the layout allows, or trailing bytes after it. */
        TOO_LONG,
        /** A format version this code does not know. */
        UNSUPPORTED_VERSION,
        /** AEAD authentication failed: another secret, another topic or minute, or tampering. */
        DECRYPT_FAILED,
        /** The record names another topic than the slot it came from. */
        WRONG_TOPIC,
        /** The record names another minute than the slot it came from. */
        WRONG_MINUTE,
        /** The publisher's Ed25519 signature does not verify (strictly). */
        BAD_SIGNATURE,
        /** The signed content does not parse (counts, lengths, addresses). */
        MALFORMED_CONTENT
    }

    private final Reason reason;

    /** @param reason not null; @param message not null */
    public RecordException(Reason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** @return never null */
    public Reason reason() {
        return reason;
    }
}
