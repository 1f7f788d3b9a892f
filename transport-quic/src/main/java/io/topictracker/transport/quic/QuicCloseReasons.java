package io.topictracker.transport.quic;

import io.netty.handler.codec.quic.QuicConnectionCloseEvent;
import java.nio.charset.StandardCharsets;

/** Turns a peer's CONNECTION_CLOSE into words for messages. Stateless. */
final class QuicCloseReasons {
    private QuicCloseReasons() {}

    /** @return e.g. {@code "TLS alert 42"} or {@code "application error 2: identity mismatch"}; never null */
    static String describe(QuicConnectionCloseEvent event) {
        byte[] bytes = reasonOf(event);
        String reason = bytes == null || bytes.length == 0 ? "" : ": " + new String(bytes, StandardCharsets.UTF_8);
        if (event.isTlsError()) {
            // A crypto error carries the TLS alert in its low byte (RFC 9001 §4.8).
            return "TLS alert " + QuicConnectionCloseEvent.extractTlsError(event.error()) + reason;
        }
        return (event.isApplicationClose() ? "application error " : "transport error ") + event.error() + reason;
    }

    private static byte[] reasonOf(QuicConnectionCloseEvent event) {
        try {
            return event.reason();
        } catch (NullPointerException e) {
            // Netty 4.2.18 clones the reason without a null check; a close without a reason phrase lands here.
            return null;
        }
    }
}
