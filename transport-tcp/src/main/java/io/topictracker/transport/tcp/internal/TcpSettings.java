package io.topictracker.transport.tcp.internal;

import io.topictracker.api.ConfigTable;
import io.topictracker.api.LoopbackOnlyMode;
import io.topictracker.api.PeerAddress;
import io.topictracker.api.transport.AdvertisedAddresses;
import io.topictracker.tls.HandshakeGate;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * The validated {@code [transport.tcp]} table. Immutable and thread-safe; no field is null.
 *
 * @param bindAddress the IP literal or host name to listen on; by default the wildcard of both families
 *     ({@link LoopbackOnlyMode#bindAddress})
 * @param port the port to listen on, 0 for any free port
 * @param maxFrameSize the largest frame payload in bytes, both for sending and receiving
 * @param connectTimeout how long a TCP connect may take
 * @param handshakeTimeout how long the TLS handshake plus the acceptance confirmation may take
 * @param writeBufferLowWaterMark unsent bytes below which a connection is writable again
 * @param writeBufferHighWaterMark unsent bytes above which {@code send} refuses frames as OVERLOADED
 * @param ioThreads event loop threads of the group that the process's TCP transports with this setting share
 *     ({@link io.topictracker.stream.SharedEventLoops})
 * @param advertise addresses to advertise before the socket's own ({@code advertise}), possibly empty
 * @param maxHandshakesInFlight accepted connections not yet authenticated at most, in total
 *     ({@value HandshakeGate#MAX_KEY})
 * @param maxHandshakesInFlightPerIp of those, from one remote IP at most ({@value HandshakeGate#MAX_PER_IP_KEY})
 * @param idleTimeout {@code idle_timeout}: a connection on which nothing (no frame, no keep-alive) arrived for this
 *     long is closed with TIMEOUT, so a peer whose link died silently is noticed (TCP alone would retransmit for many
 *     minutes); 1s–1h, default 15s
 * @param keepAliveInterval {@code keep_alive_interval}: a connection we wrote nothing on for this long sends a
 *     keep-alive record, so the far end's idle timeout does not fire while we live; 0 turns them off, else shorter
 *     than {@code idle_timeout}; default 5s (three may be lost before the far end gives up)
 * @param shareEventLoops {@code share_event_loops}: run on the event loops that the process's TCP transports share
 *     ({@link io.topictracker.stream.SharedEventLoops}, {@code io_threads} of them for all nodes of the process); false gives this transport
 *     loops of its own, as a node alone in its process has (a benchmark that stands for two processes); default true
 */
public record TcpSettings(String bindAddress, int port, int maxFrameSize, Duration connectTimeout,
        Duration handshakeTimeout, int writeBufferLowWaterMark, int writeBufferHighWaterMark, int ioThreads,
        List<PeerAddress> advertise, int maxHandshakesInFlight, int maxHandshakesInFlightPerIp, Duration idleTimeout,
        Duration keepAliveInterval, boolean shareEventLoops) {

    /** The default and largest frame sizes: 64 KiB by default, 16 MiB at most, so one frame never eats the heap. */
    public static final int DEFAULT_MAX_FRAME_SIZE = 64 * 1024;
    public static final int LARGEST_MAX_FRAME_SIZE = 16 * 1024 * 1024;

    /** The keys this table may hold; anything else is a configuration error. */
    public static final Set<String> KEYS = Set.of("bind_address", "port", "max_frame_size", "connect_timeout",
            "handshake_timeout", "write_buffer_low_water_mark", "write_buffer_high_water_mark", "io_threads",
            AdvertisedAddresses.ADVERTISE_KEY, HandshakeGate.MAX_KEY, HandshakeGate.MAX_PER_IP_KEY, "idle_timeout",
            "keep_alive_interval", "share_event_loops");

    /**
     * Reads and checks the table.
     *
     * @param table the {@code [transport.tcp]} table, not null
     * @return never null
     * @throws io.topictracker.api.ConfigException naming the key for an unknown key or a bad value
     */
    public static TcpSettings from(ConfigTable table) {
        table.requireKnownKeys(KEYS);
        int port = table.integer("port", 0, 0, 65535);
        int maxFrame = table.integer("max_frame_size", DEFAULT_MAX_FRAME_SIZE, 1, LARGEST_MAX_FRAME_SIZE);
        Duration connect = table.duration("connect_timeout", Duration.ofSeconds(5), Duration.ofMillis(10),
                Duration.ofMinutes(5));
        Duration handshake = table.duration("handshake_timeout", Duration.ofSeconds(5), Duration.ofMillis(10),
                Duration.ofMinutes(5));
        int high = table.integer("write_buffer_high_water_mark", 1024 * 1024, 1024, 256 * 1024 * 1024);
        int low = table.integer("write_buffer_low_water_mark", high / 2, 0, 256 * 1024 * 1024);
        if (low >= high) {
            throw table.error("write_buffer_low_water_mark",
                    "must be below write_buffer_high_water_mark (" + high + "), got " + low);
        }
        int threads = table.integer("io_threads", Math.min(2, Runtime.getRuntime().availableProcessors()), 1, 64);
        String bind = LoopbackOnlyMode.bindAddress(table, "bind_address");
        if (bind.isBlank() || bind.length() > 253) {
            throw table.error("bind_address", "expected an IP address or host name, got \"" + bind + "\"");
        }
        HandshakeGate handshakes = HandshakeGate.from(table);
        Duration idle = table.duration("idle_timeout", Duration.ofSeconds(15), Duration.ofSeconds(1),
                Duration.ofHours(1));
        Duration keepAlive = table.duration("keep_alive_interval", Duration.ofSeconds(5), Duration.ZERO,
                Duration.ofHours(1));
        if (!keepAlive.isZero() && keepAlive.compareTo(idle) >= 0) {
            // a keep-alive at or after the far end's idle timeout arrives too late to keep anything alive
            throw table.error("keep_alive_interval", "must be shorter than idle_timeout (" + idle.toMillis()
                    + " ms), or 0 to send none; got " + keepAlive.toMillis() + " ms");
        }
        return new TcpSettings(bind, port, maxFrame, connect, handshake, low, high, threads,
                AdvertisedAddresses.configured(table, "tcp"), handshakes.max(), handshakes.maxPerIp(), idle, keepAlive,
                table.bool("share_event_loops", true));
    }
}
