package io.topictracker.transport.quic;

import io.topictracker.api.ConfigException;
import io.topictracker.api.ConfigTable;
import io.topictracker.api.LoopbackOnlyMode;
import io.topictracker.api.PeerAddress;
import io.topictracker.api.transport.AdvertisedAddresses;
import io.topictracker.tls.HandshakeGate;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * The {@code [transport.quic]} table, validated. Immutable and thread-safe; no component is null.
 *
 * @param bindAddress the IP literal to bind; by default the wildcard of both families
 *     ({@link LoopbackOnlyMode#bindAddress})
 * @param port the UDP port to bind, 0 for any free port
 * @param maxFrameSize the largest frame payload in bytes, either direction
 * @param idleTimeout QUIC's max_idle_timeout transport parameter (RFC 9000 §10.1): a silent connection closes after it
 *     (the smaller of both ends' values, §10.1); default 15s, as TCP's
 * @param keepAliveInterval how often an otherwise idle connection sends a keep-alive record; 0 turns it off; default
 *     5s
 * @param handshakeTimeout the bound on the QUIC/TLS handshake plus the server's confirmation
 * @param advertise addresses to advertise before the socket's own ({@code advertise}), possibly empty
 * @param maxHandshakesInFlight accepted connections not yet authenticated at most, in total
 *     ({@value HandshakeGate#MAX_KEY})
 * @param maxHandshakesInFlightPerIp of those, from one remote IP at most ({@value HandshakeGate#MAX_PER_IP_KEY})
 * @param ioThreads {@code io_threads}: event loop threads of the group that the process's QUIC transports with this
 *     setting share when {@code share_event_loops} is true ({@link io.topictracker.stream.SharedEventLoops}); default min(2, processors). Each transport's
 *     one socket, and every connection on it, runs on one of them.
 * @param shareEventLoops {@code share_event_loops}: run on the event loops that the process's QUIC transports share
 *     (default false: QUIC's work is per packet, and two shared loops fell behind 55 nodes that a loop each kept up
 *     with); false gives this transport one loop of its own, which its close ends (its one socket could use no more)
 */
record QuicSettings(InetAddress bindAddress, int port, int maxFrameSize, Duration idleTimeout,
        Duration keepAliveInterval, Duration handshakeTimeout, List<PeerAddress> advertise, int maxHandshakesInFlight,
        int maxHandshakesInFlightPerIp, int ioThreads, boolean shareEventLoops) {

    static final String BIND_ADDRESS = "bind_address";
    static final String PORT = "port";
    static final String MAX_FRAME_SIZE = "max_frame_size";
    static final String IDLE_TIMEOUT = "idle_timeout";
    static final String KEEP_ALIVE_INTERVAL = "keep_alive_interval";
    static final String HANDSHAKE_TIMEOUT = "handshake_timeout";
    static final String IO_THREADS = "io_threads";
    static final String SHARE_EVENT_LOOPS = "share_event_loops";

    static final Set<String> KEYS =
            Set.of(BIND_ADDRESS, PORT, MAX_FRAME_SIZE, IDLE_TIMEOUT, KEEP_ALIVE_INTERVAL, HANDSHAKE_TIMEOUT,
                    AdvertisedAddresses.ADVERTISE_KEY, HandshakeGate.MAX_KEY, HandshakeGate.MAX_PER_IP_KEY, IO_THREADS,
                    SHARE_EVENT_LOOPS);

    /** 1 MiB: large enough for any gossip message, small enough that one peer cannot pin much memory. */
    static final int DEFAULT_MAX_FRAME_SIZE = 1 << 20;
    /** The hard ceiling for {@code max_frame_size}; the length prefix reserves its top values for control records. */
    static final int MAX_MAX_FRAME_SIZE = 16 << 20;

    /**
     * Reads and checks the table.
     *
     * @param table not null
     * @throws ConfigException naming the key for an unknown key or a bad value
     */
    static QuicSettings from(ConfigTable table) {
        table.requireKnownKeys(KEYS);
        int port = table.integer(PORT, 0, 0, 65535);
        int maxFrame = table.integer(MAX_FRAME_SIZE, DEFAULT_MAX_FRAME_SIZE, 1, MAX_MAX_FRAME_SIZE);
        // 15 s and 5 s, as the TCP transport's: a neighbour whose link died silently is noticed in the same time
        // whichever transport carries it (the rejoin lab's 30 s cut is seen within the cut), and three keep-alives
        // may be lost before the far end gives up. (quinn and iroh default to 30 s; a connection here is a gossip
        // link whose loss the overlay should repair soon, not an HTTP session worth keeping.)
        Duration idle = table.duration(IDLE_TIMEOUT, Duration.ofSeconds(15), Duration.ofMillis(100), Duration.ofHours(1));
        Duration keepAlive = table.duration(KEEP_ALIVE_INTERVAL, Duration.ofSeconds(5), Duration.ZERO,
                Duration.ofHours(1));
        Duration handshake = table.duration(HANDSHAKE_TIMEOUT, Duration.ofSeconds(10), Duration.ofMillis(100),
                Duration.ofMinutes(5));
        if (!keepAlive.isZero() && keepAlive.compareTo(idle) >= 0) {
            // A keep-alive at or after the idle timeout arrives too late to keep anything alive.
            throw table.error(KEEP_ALIVE_INTERVAL, "must be shorter than " + IDLE_TIMEOUT + " ("
                    + ConfigTable.format(idle) + "), or \"0s\" to turn keep-alive off; got "
                    + ConfigTable.format(keepAlive));
        }
        String bindText = LoopbackOnlyMode.bindAddress(table, BIND_ADDRESS);
        InetAddress bind = parseIpLiteral(table, bindText);
        HandshakeGate handshakes = HandshakeGate.from(table);
        // As the TCP transport's: the nodes of one process share min(2, cores) loops, however many nodes there are.
        int ioThreads = table.integer(IO_THREADS, Math.min(2, Runtime.getRuntime().availableProcessors()), 1, 64);
        return new QuicSettings(bind, port, maxFrame, idle, keepAlive, handshake,
                AdvertisedAddresses.configured(table, QuicTransportProvider.ID), handshakes.max(),
                handshakes.maxPerIp(), ioThreads, table.bool(SHARE_EVENT_LOOPS, false));
    }

    /** Defaults for every key (in the test suite, {@code bind_address} is then 127.0.0.1). */
    static QuicSettings defaults() {
        return from(ConfigTable.empty("transport.quic"));
    }

    private static InetAddress parseIpLiteral(ConfigTable table, String text) {
        // Only literals: a DNS name here would make start() depend on a resolver.
        boolean looksLikeIp = text.matches("[0-9.]{7,15}") || (text.contains(":") && text.matches("[0-9A-Fa-f:.]{2,45}"));
        if (!looksLikeIp) {
            throw table.error(BIND_ADDRESS, "expected an IPv4 or IPv6 literal such as \"127.0.0.1\", got \"" + text + "\"");
        }
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw table.error(BIND_ADDRESS, "not an IP address: \"" + text + "\"");
        }
    }
}
