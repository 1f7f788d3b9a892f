package io.topictracker.engine.gossip.net;

import io.topictracker.api.PeerAddress;
import io.topictracker.api.metrics.Metrics;
import io.topictracker.api.transport.Connection;
import io.topictracker.api.transport.TransportException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Connection and byte meters per transport (docs/metrics.md, "Transports"), counted by the engine around the
 * transport SPI: it sees every dial, accept, close and frame. Meters are resolved once per transport id when the
 * node starts (the ids are known then), so counting is an array or small-map read. Thread-safe.
 */
final class TransportMeters {
    /** The meters of one transport. */
    static final class PerTransport {
        final Metrics.Counter openedOut;
        final Metrics.Counter openedIn;
        final Metrics.Counter closed;
        final Metrics.Counter bytesOut;
        final Metrics.Counter bytesIn;
        private final Metrics.Counter[] failed = new Metrics.Counter[TransportException.Reason.values().length + 1];

        PerTransport(Metrics metrics, String id) {
            openedOut = metrics.counter("topictracker.transport.connections.opened", "transport", id, "direction",
                    "out");
            openedIn = metrics.counter("topictracker.transport.connections.opened", "transport", id, "direction",
                    "in");
            closed = metrics.counter("topictracker.transport.connections.closed", "transport", id);
            bytesOut = metrics.counter("topictracker.transport.bytes", "transport", id, "direction", "out");
            bytesIn = metrics.counter("topictracker.transport.bytes", "transport", id, "direction", "in");
            for (TransportException.Reason reason : TransportException.Reason.values()) {
                failed[reason.ordinal()] = metrics.counter("topictracker.transport.connections.failed",
                        "transport", id, "reason", reason.name().toLowerCase(java.util.Locale.ROOT));
            }
            failed[failed.length - 1] = metrics.counter("topictracker.transport.connections.failed", "transport", id,
                    "reason", "other");
        }

        /** Counts a failed dial under the reason the transport gave (TransportException), else "other". */
        void failed(Throwable error) {
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause()
                    : error;
            if (cause instanceof TransportException te && te.reason() != null) {
                failed[te.reason().ordinal()].increment();
            } else {
                failed[failed.length - 1].increment();
            }
        }
    }

    private static final PerTransport NONE = new PerTransport(Metrics.none(), "none");

    final boolean enabled;
    private final Metrics metrics;
    private final Map<String, PerTransport> byId = new ConcurrentHashMap<>();

    TransportMeters(Metrics metrics, List<String> transportIds) {
        this.metrics = metrics;
        this.enabled = metrics.isEnabled();
        if (enabled) {
            for (String id : transportIds) {
                byId.put(id, new PerTransport(metrics, id));
            }
        }
    }

    /** @return the meters of the transport with this id (its addresses' scheme); the no-op ones when disabled */
    PerTransport of(String transportId) {
        if (!enabled) {
            return NONE;
        }
        PerTransport meters = byId.get(transportId);
        // A connection over a transport we were not told about (a test fake): resolve once, then it is cached.
        return meters != null ? meters : byId.computeIfAbsent(transportId, id -> new PerTransport(metrics, id));
    }

    /** @return the meters of the transport this connection runs over, named by its remote address's scheme */
    PerTransport of(Connection connection) {
        if (!enabled) {
            return NONE;
        }
        PeerAddress remote = connection.remoteAddress();
        return of(remote.transport());
    }
}
