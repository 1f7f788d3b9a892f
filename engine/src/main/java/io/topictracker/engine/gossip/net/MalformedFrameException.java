package io.topictracker.engine.gossip.net;

/** A received frame does not follow the gossip wire format; the message says what is wrong. */
public final class MalformedFrameException extends Exception {
    private static final long serialVersionUID = 1L;

    /** @param message what is wrong, not null */
    public MalformedFrameException(String message) {
        super(message);
    }
}
