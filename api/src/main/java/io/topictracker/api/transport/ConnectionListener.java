package io.topictracker.api.transport;

import java.nio.ByteBuffer;

/**
 * Receives one connection's frames and its end. Calls for one connection are serial (never concurrent), on a
 * transport IO thread, and must not block.
 */
public interface ConnectionListener {
    /**
     * A whole frame arrived.
     *
     * @param connection not null
     * @param frame the frame's bytes, not null; the listener owns it
     */
    void onFrame(Connection connection, ByteBuffer frame);

    /**
     * The connection ended; called exactly once, after the last frame.
     *
     * @param connection not null
     * @param cause why it ended abnormally, or null for an orderly close by either side
     */
    void onClosed(Connection connection, Throwable cause);
}
