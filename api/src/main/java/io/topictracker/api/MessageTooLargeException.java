package io.topictracker.api;

/**
 * A broadcast payload is over the node's configured {@code [gossip] max_message_size}; nothing was sent. Thrown (or
 * failed with) by the engine's topic sender, so that callers can tell this refusal from a closed topic.
 */
public final class MessageTooLargeException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final int size;
    private final int limit;

    /** @param size the payload's length; @param limit the configured maximum */
    public MessageTooLargeException(int size, int limit) {
        super("broadcast payload of " + size + " bytes is over max_message_size " + limit
                + " (set gossip.max_message_size to allow more)");
        this.size = size;
        this.limit = limit;
    }

    /** @return the refused payload's length in bytes */
    public int size() {
        return size;
    }

    /** @return the configured maximum in bytes */
    public int limit() {
        return limit;
    }
}
