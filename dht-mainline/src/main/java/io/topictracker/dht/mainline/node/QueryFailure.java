package io.topictracker.dht.mainline.node;

/** Why one of our queries has no reply. */
public enum QueryFailure {
    /** No reply within the adaptive timeout. */
    TIMEOUT,
    /** The node closed (or had not started) before a reply came. */
    CLOSED,
    /** Too many queries were already in flight: it was never sent. */
    OVERLOADED,
    /** A reply came but is not a valid response to this query (no {@code id}, or a field malformed). */
    INVALID_RESPONSE
}
