package io.topictracker.engine.provider;

/**
 * A provider cannot be selected (none named and several present, the named one missing or unavailable), or two
 * providers share an id. The message names what was asked, what exists and what to add.
 *
 * <p>Thrown on the thread that asked the registry; its message is never null.
 */
public final class ProviderException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message the full explanation, not null */
    public ProviderException(String message) {
        super(message);
    }

    /** @param message the full explanation, not null; @param cause why, may be null */
    public ProviderException(String message, Throwable cause) {
        super(message, cause);
    }
}
