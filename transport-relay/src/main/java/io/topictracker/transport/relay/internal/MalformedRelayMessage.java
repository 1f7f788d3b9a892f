package io.topictracker.transport.relay.internal;

/** A relay control message that cannot be read; the message says what is wrong. */
public final class MalformedRelayMessage extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message what is wrong, not null */
    public MalformedRelayMessage(String message) {
        super(message);
    }
}
