package io.topictracker.transport.tcp;

import io.topictracker.api.transport.Transport;
import io.topictracker.api.transport.TransportContext;
import io.topictracker.api.transport.TransportProvider;
import io.topictracker.transport.tcp.internal.TcpSettings;
import io.topictracker.transport.tcp.internal.TcpTransport;

/**
 * The TCP transport provider, id {@code tcp}: addresses {@code tcp://host:port}, TLS 1.3 in which both ends prove
 * their Ed25519 identity with a self-signed certificate for their own key.
 *
 * <p>Configuration, table {@code [transport.tcp]} (unknown keys are errors):
 * <ul>
 *   <li>{@code bind_address}: IP or host to listen on, default the wildcard of both families ({@code "::"}, or
 *       {@code "0.0.0.0"} on a host without IPv6); in the test suite ({@code TOPIC_TRACKER_DHT_LOOPBACK_ONLY} set)
 *       {@code "127.0.0.1"}</li>
 *   <li>{@code port}: 0–65535, default 0 (any free port)</li>
 *   <li>{@code advertise}: addresses peers can reach this node at besides the socket's own, advertised first, e.g.
 *       {@code ["tcp://203.0.113.5:4000"]} for a port forward; at most 8. A socket bound to a wildcard
 *       ({@code 0.0.0.0}, {@code ::}) advertises the host's usable addresses, read anew for every record
 *       ({@code AdvertisedAddresses}); one bound to one address advertises that address.</li>
 *   <li>{@code max_frame_size}: largest frame payload in bytes, 1 to 16 MiB, default 65536; a larger frame is
 *       refused by {@code send} (FRAME_TOO_LARGE), and a received length over it closes the connection</li>
 *   <li>{@code connect_timeout}, {@code handshake_timeout}: durations, default {@code "5s"}</li>
 *   <li>{@code write_buffer_high_water_mark} (default 1 MiB) and {@code write_buffer_low_water_mark} (default half
 *       of high): unsent bytes per connection above which {@code send} refuses with OVERLOADED, and below which it
 *       takes frames again</li>
 *   <li>{@code io_threads}: event loop threads, default min(2, processors)</li>
 *   <li>{@code max_handshakes_in_flight} (default 256, 1 to 65536) and {@code max_handshakes_in_flight_per_ip}
 *       (default 16, at most the former; IPv6 counted per /64): accepted connections whose TLS handshake has not
 *       finished, in total and from one remote address. A connection over either is reset at once, before any TLS
 *       byte, and counted in {@code topictracker.transport.handshakes.refused}. Authenticated connections are bounded
 *       by the engine ({@code [gossip] max_inbound_connections*}), not here.</li>
 *   <li>{@code idle_timeout} (default {@code "15s"}, 1s–1h) and {@code keep_alive_interval} (default {@code "5s"},
 *       0 for none, shorter than {@code idle_timeout}): a connection on which nothing arrived for the idle timeout
 *       is closed (TIMEOUT), and one we wrote nothing on for the interval sends a keep-alive record, so a peer
 *       whose link died silently is noticed in seconds rather than after TCP's minutes of retransmissions</li>
 * </ul>
 *
 * <p>Wire protocol: TLS 1.3 (RFC 8446) with mutual authentication; then the acceptor sends the 8 ASCII bytes
 * {@code tt-tcp/1} once it has verified the dialler; then frames in both directions, each a 4-byte big-endian length
 * followed by that many bytes, and keep-alive records, a bare length of {@code 0xFFFFFFFF}. Stateless and
 * thread-safe; {@link #create} allocates nothing.
 */
public final class TcpTransportProvider implements TransportProvider {
    /** The id to name in configuration, and the scheme of this transport's addresses. */
    public static final String ID = "tcp";

    /** Public for {@link java.util.ServiceLoader}. */
    public TcpTransportProvider() {}

    @Override
    public String id() {
        return ID;
    }

    /**
     * @throws io.topictracker.api.ConfigException if the {@code [transport.tcp]} table has an unknown key or a bad
     *     value
     */
    @Override
    public Transport create(TransportContext context) {
        return new TcpTransport(context, TcpSettings.from(context.settings()));
    }
}
