package io.topictracker.transport.quic;

import io.topictracker.api.Availability;
import io.topictracker.api.transport.Transport;
import io.topictracker.api.transport.TransportContext;
import io.topictracker.api.transport.TransportProvider;

/**
 * The QUIC transport provider, id {@value #ID}: QUIC (RFC 9000) with TLS 1.3 (RFC 9001) on Netty's native codec,
 * where both ends prove their node's Ed25519 key, so every connection is bound to the far end's identity.
 *
 * <p>Configuration, table {@code [transport.quic]} (unknown keys are errors):
 * <ul>
 *   <li>{@code bind_address} — IP literal to bind, default {@code "127.0.0.1"}; a loopback address also selects large
 *       (65,488-byte) UDP packets and no HyStart++, see {@code QuicTransport}</li>
 *   <li>{@code port} — UDP port, default 0 (any free port)</li>
 *   <li>{@code max_frame_size} — largest frame in bytes, default 1048576, at most 16 MiB</li>
 *   <li>{@code idle_timeout} — QUIC max_idle_timeout, default {@code "15s"} (as the TCP transport's, so a dead
 *       neighbour is noticed in the same time on either)</li>
 *   <li>{@code keep_alive_interval} — keep-alive on idle connections, default {@code "5s"}, {@code "0s"} for none,
 *       shorter than {@code idle_timeout}</li>
 *   <li>{@code handshake_timeout} — bound on handshake plus acceptance, from the client's first Initial packet,
 *       default {@code "10s"}</li>
 *   <li>{@code max_handshakes_in_flight} (default 256) and {@code max_handshakes_in_flight_per_ip} (default 16,
 *       IPv6 counted per /64) — connections whose handshake has not finished, in total and from one address; one
 *       over either is closed at once and counted in {@code topictracker.transport.handshakes.refused}</li>
 *   <li>{@code io_threads} — event loop threads that the process's QUIC transports share when they share, default
 *       min(2, cores); each transport's socket runs on one of them</li>
 *   <li>{@code share_event_loops} — default false (one event loop per transport, as a node alone in its process
 *       has); true puts the process's QUIC transports on one group of {@code io_threads} loops</li>
 * </ul>
 *
 * <p>Availability: {@link #availability()} is unavailable, with the cause, where the native library cannot load
 * (another platform without its classifier jar, say); a transport created there fails {@code start()} with that
 * cause. Stateless and thread-safe; the public constructor allocates nothing.
 */
public final class QuicTransportProvider implements TransportProvider {
    /** The provider id, also the scheme of its addresses ({@code quic://127.0.0.1:4000}). */
    public static final String ID = "quic";

    /** For {@link java.util.ServiceLoader}. */
    public QuicTransportProvider() {}

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Availability availability() {
        return NativeQuic.availability();
    }

    /**
     * @throws io.topictracker.api.ConfigException for an unknown key or bad value in {@code [transport.quic]}
     */
    @Override
    public Transport create(TransportContext context) {
        return new QuicTransport(context, QuicSettings.from(context.settings()), availability());
    }
}
