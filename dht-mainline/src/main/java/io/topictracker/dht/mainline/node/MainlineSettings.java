package io.topictracker.dht.mainline.node;

import io.topictracker.api.ConfigTable;
import io.topictracker.api.LoopbackOnlyMode;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.slf4j.LoggerFactory;

/**
 * The settings of one node, read from the {@code [dht.mainline]} table. Immutable and thread-safe.
 *
 * @param sockets the UDP sockets to run a node on, one per address family (BEP32: a second routing table over an
 *     IPv6 socket), 1 or 2, never null
 * @param port UDP port, 0 for any
 * @param bootstrap "host:port" entries to join through, never null
 * @param readOnly BEP43 read-only mode
 * @param enforceBep42 refuse nodes whose id does not match their IP (BEP42; local addresses exempt). Off by default,
 *     as libtorrent's {@code dht_enforce_node_id}: on a fresh network nobody has learnt its external IP yet (that
 *     takes votes from other nodes), so every id is unverified and enforcing nodes would refuse each other. Verified
 *     ids are still preferred in the routing table, and a node takes a verified id once its address is voted on.
 * @param routingTableFile where the table is saved on close and loaded on start, or null
 * @param nodeId a fixed 20-byte id, or null for a random (or saved) one
 * @param alpha lookup parallelism
 * @param minQueryTimeout lowest adaptive query timeout
 * @param maxQueryTimeout highest adaptive query timeout
 * @param operationTimeout the longest a put, announce or bootstrap may take
 * @param maxItems BEP44 items stored at most
 * @param maxItemsPerIp BEP44 items stored for one IP at most
 * @param maxInfoHashes info-hashes tracked at most
 * @param maxPeersPerInfoHash peers per info-hash at most
 * @param maxAnnouncementsPerIp announcements held for one IP at most, over every info-hash
 * @param maxPeersPerIpPerInfoHash peers of one info-hash announced from one IP at most
 * @param rateLimitPerIp queries answered per second per IP (0 = unlimited)
 * @param maxPendingQueries our queries in flight at most
 * @param useEpoll use the native epoll transport when available
 * @param receiveBufferBytes the socket's receive buffer (SO_RCVBUF): a cap on queued datagrams, not an allocation
 */
public record MainlineSettings(List<NodeSocket> sockets, int port, List<String> bootstrap, boolean readOnly,
        boolean enforceBep42, String routingTableFile, byte[] nodeId, int alpha, Duration minQueryTimeout,
        Duration maxQueryTimeout, Duration operationTimeout, int maxItems, int maxItemsPerIp, int maxInfoHashes,
        int maxPeersPerInfoHash, int maxAnnouncementsPerIp, int maxPeersPerIpPerInfoHash, int rateLimitPerIp, int maxPendingQueries, boolean useEpoll, int receiveBufferBytes) {

    /**
     * The well-known public routers, the default bootstrap. Never used by tests: they name 127.0.0.1 nodes, and
     * {@link PublicRoutersGuard} refuses anything else while the test suite runs.
     */
    public static final List<String> PUBLIC_ROUTERS = List.of("router.bittorrent.com:6881",
            "dht.transmissionbt.com:6881", "router.utorrent.com:6881", "dht.libtorrent.org:25401");

    /** The keys {@link #from} accepts. */
    public static final Set<String> KEYS = Set.of("bind_address", "bind_addresses", "port", "bootstrap", "read_only",
            "enforce_bep42",
            "routing_table_file", "node_id", "alpha", "min_query_timeout", "max_query_timeout", "operation_timeout",
            "max_items", "max_items_per_ip", "max_info_hashes", "max_peers_per_info_hash", "max_announcements_per_ip",
            "max_peers_per_ip_per_info_hash", "rate_limit_per_ip",
            "max_pending_queries", "epoll", "receive_buffer_bytes");

    /** The path is checked (non-empty, no NUL, at most 4096 characters) when read; the file itself at start. */
    private static String routingTableFile(ConfigTable t) {
        java.nio.file.Path path = t.path("routing_table_file", null);
        return path == null ? null : t.string("routing_table_file", null);
    }

    /**
     * Reads a table, failing on unknown keys and bad values.
     *
     * @throws io.topictracker.api.ConfigException naming the key
     */
    public static MainlineSettings from(ConfigTable t) {
        t.requireKnownKeys(KEYS);
        String nodeIdText = t.string("node_id", null);
        byte[] nodeId = null;
        if (nodeIdText != null) {
            try {
                nodeId = HexFormat.of().parseHex(nodeIdText);
            } catch (IllegalArgumentException e) {
                throw t.error("node_id", "expected 40 hex digits");
            }
            if (nodeId.length != 20) {
                throw t.error("node_id", "expected 40 hex digits, got " + nodeIdText.length());
            }
        }
        List<String> bootstrap = t.stringList("bootstrap", PUBLIC_ROUTERS);
        for (String entry : bootstrap) {
            try {
                HostPort.parse(entry);
            } catch (IllegalArgumentException e) {
                throw t.error("bootstrap", e.getMessage());
            }
        }
        if (PublicRoutersGuard.active()) {
            String problem = PublicRoutersGuard.problem(t.contains("bootstrap") ? bootstrap : null);
            if (problem != null) {
                throw t.error("bootstrap", problem);
            }
        }
        List<NodeSocket> sockets = sockets(t, routingTableFile(t), LoopbackOnlyMode.active());
        Duration minTimeout = t.duration("min_query_timeout", Duration.ofMillis(250), Duration.ofMillis(10),
                Duration.ofSeconds(10));
        Duration maxTimeout = t.duration("max_query_timeout", Duration.ofSeconds(2), Duration.ofMillis(10),
                Duration.ofSeconds(30));
        if (maxTimeout.compareTo(minTimeout) < 0) {
            throw t.error("max_query_timeout", "must not be below min_query_timeout");
        }
        return new MainlineSettings(sockets, t.integer("port", 6881, 0, 65535), bootstrap,
                t.bool("read_only", false), t.bool("enforce_bep42", false), routingTableFile(t),
                nodeId, t.integer("alpha", 3, 1, 16), minTimeout, maxTimeout,
                t.duration("operation_timeout", Duration.ofSeconds(15), Duration.ofMillis(100), Duration.ofMinutes(5)),
                t.integer("max_items", 2000, 1, 1_000_000), t.integer("max_items_per_ip", 100, 1, 1_000_000),
                t.integer("max_info_hashes", 2000, 1, 1_000_000), t.integer("max_peers_per_info_hash", 100, 1, 10_000),
                t.integer("max_announcements_per_ip", 100, 1, 1_000_000),
                t.integer("max_peers_per_ip_per_info_hash", 4, 1, 10_000),
                t.integer("rate_limit_per_ip", 250, 0, 10_000_000), t.integer("max_pending_queries", 2048, 16, 65_536),
                t.bool("epoll", true),
                // bursts (a node everyone bootstraps from) overflow the kernel's ~200 KB default and drop queries
                t.integer("receive_buffer_bytes", 1 << 20, 16 * 1024, 64 << 20));
    }

    /**
     * The sockets to bind, from {@code bind_address} (one socket, any family: the key from before BEP32) or
     * {@code bind_addresses} (IP literals, at most one per family). Without either: {@code 127.0.0.1} in loopback-only
     * mode (the test suite); else {@code 0.0.0.0} and {@code ::}, the IPv6 one optional (a host without IPv6 runs
     * the IPv4 node alone). With two sockets the IPv6 node saves its table to the file's name plus {@code .ipv6}.
     */
    static List<NodeSocket> sockets(ConfigTable t, String tableFile, boolean loopbackOnly) {
        // a key given as null (a caller's map) reads as absent, as the other keys' defaults do
        String bindAddress = t.string("bind_address", null);
        if (bindAddress != null && t.contains("bind_addresses")) {
            throw t.error("bind_addresses", "set either bind_address (one socket) or bind_addresses (one per address"
                    + " family), not both");
        }
        if (bindAddress != null) {
            if (bindAddress.isBlank() || bindAddress.length() > HostPort.MAX_HOST_LENGTH) {
                throw t.error("bind_address", "expected the local IP address to bind, e.g. 127.0.0.1, 0.0.0.0 or ::;"
                        + " got " + ConfigTable.excerpt(bindAddress));
            }
            return List.of(new NodeSocket(bindAddress, tableFile, false));
        }
        if (!t.contains("bind_addresses")) {
            return loopbackOnly ? List.of(new NodeSocket("127.0.0.1", tableFile, false))
                    : List.of(new NodeSocket("0.0.0.0", tableFile, false),
                            new NodeSocket("::", NodeSocket.ipv6TableFile(tableFile), true));
        }
        List<String> binds = t.stringList("bind_addresses", List.of());
        if (binds.isEmpty() || binds.size() > 2) {
            throw t.error("bind_addresses", "expected one or two IP literals, at most one per address family, e.g."
                    + " [\"0.0.0.0\", \"::\"]; got " + binds.size() + " entries");
        }
        List<NodeSocket> sockets = new ArrayList<>();
        Boolean firstIpv6 = null;
        for (String bind : binds) {
            Boolean ipv6 = NodeSocket.familyOfLiteral(bind);
            if (ipv6 == null) {
                throw t.error("bind_addresses", "expected an IPv4 or IPv6 literal (no host names, IPv6 without"
                        + " brackets), got " + ConfigTable.excerpt(bind));
            }
            if (ipv6.equals(firstIpv6)) {
                throw t.error("bind_addresses", "at most one address per family (one routing table each, BEP32);"
                        + " got two " + (ipv6 ? "IPv6" : "IPv4") + " addresses");
            }
            firstIpv6 = ipv6;
            sockets.add(new NodeSocket(bind, binds.size() == 2 && ipv6 ? NodeSocket.ipv6TableFile(tableFile)
                    : tableFile, false));
        }
        return List.copyOf(sockets);
    }

    /** @return the bound socket addresses as configured, for messages: "0.0.0.0, ::" */
    public String bindAddressesText() {
        return String.join(", ", sockets.stream().map(NodeSocket::bindAddress).toList());
    }

    /** @return the bootstrap nodes' addresses; names that cannot be resolved now are logged and skipped */
    public List<InetSocketAddress> resolvedBootstrap() {
        List<InetSocketAddress> resolved = new ArrayList<>();
        for (String entry : bootstrap) {
            HostPort hostPort = HostPort.parse(entry); // checked when the table was read
            InetSocketAddress address = new InetSocketAddress(hostPort.host(), hostPort.port());
            if (address.isUnresolved()) {
                LoggerFactory.getLogger(MainlineSettings.class).warn("bootstrap node {} cannot be resolved; skipped",
                        entry);
            } else {
                resolved.add(address);
            }
        }
        return resolved;
    }
}
