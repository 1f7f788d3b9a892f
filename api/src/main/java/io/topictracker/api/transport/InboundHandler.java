package io.topictracker.api.transport;

/**
 * Receives connections that remote peers opened to us. Called on a transport IO thread; must not block.
 */
@FunctionalInterface
public interface InboundHandler {
    /**
     * A remote peer connected and proved its identity ({@link Connection#remote()}).
     *
     * @param connection open, not null
     * @return the listener for this connection's frames and close, never null
     */
    ConnectionListener accepted(Connection connection);
}
