package io.topictracker.transport.relay.internal;

import io.topictracker.api.ConfigTable;
import io.topictracker.api.LoopbackOnlyMode;
import io.topictracker.api.PeerAddress;
import io.topictracker.api.transport.AdvertisedAddresses;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The validated {@code [transport.relay]} table (see the provider's javadoc and docs/configuration.md). Immutable and
 * thread-safe; no field is null.
 *
 * @param serve when this node relays for others: {@code off}, {@code auto} (only while the engine reports it
 *     reachable, {@link io.topictracker.api.transport.NodeView#reachable()}), {@code always} (a deployment's relay
 *     known to be public)
 * @param reserve when this node holds reservations at relays: {@code off}, {@code auto} (while not reachable),
 *     {@code always}
 * @param relays relays to reserve at besides those found among known peers, {@code relay://host:port}
 * @param maxReservationsHeld relays this node reserves at, at most
 * @param bindAddress where the relay listener binds (only when {@code serve} is not off)
 * @param port the relay listener's port, 0 for any
 * @param advertise addresses to advertise for the relay listener before its own
 * @param limits the relay's limits on others
 * @param maxFrameSize the largest frame payload of a relayed connection
 * @param connectTimeout TCP connect to a relay
 * @param handshakeTimeout from connect to a spliced, authenticated connection (both TLS handshakes)
 * @param idleTimeout a connection on which nothing arrived this long is closed
 * @param keepAliveInterval a connection we wrote nothing on this long sends a keep-alive
 * @param checkInterval how often reservations are checked and renewed
 * @param writeBufferHighWaterMark unsent bytes per connection above which {@code send} refuses (OVERLOADED)
 */
public record RelaySettings(Mode serve, Mode reserve, List<PeerAddress> relays, int maxReservationsHeld,
        String bindAddress, int port, List<PeerAddress> advertise, RelayLedger.Limits limits, int maxFrameSize,
        Duration connectTimeout, Duration handshakeTimeout, Duration idleTimeout, Duration keepAliveInterval,
        Duration checkInterval, int writeBufferHighWaterMark) {

    /** The three-way switches. */
    public enum Mode { OFF, AUTO, ALWAYS }

    /** The transport id and address scheme. */
    public static final String ID = "relay";

    /** The keys this table may hold. */
    public static final Set<String> KEYS = Set.of("serve", "reserve", "relays", "max_relays", "bind_address", "port",
            AdvertisedAddresses.ADVERTISE_KEY, "max_reservations", "max_reservations_per_ip", "reservation_ttl",
            "max_circuits", "max_circuits_per_peer", "circuit_bytes", "circuit_duration", "max_frame_size",
            "connect_timeout", "handshake_timeout", "idle_timeout", "keep_alive_interval", "check_interval",
            "write_buffer_high_water_mark");

    /**
     * @param table the {@code [transport.relay]} table, not null
     * @return never null
     * @throws io.topictracker.api.ConfigException naming the key
     */
    public static RelaySettings from(ConfigTable table) {
        table.requireKnownKeys(KEYS);
        Mode serve = mode(table, "serve", Mode.OFF);
        Mode reserve = mode(table, "reserve", Mode.AUTO);
        List<PeerAddress> relays = relayList(table);
        int maxRelays = table.integer("max_relays", 2, 1, 8);
        String bind = LoopbackOnlyMode.bindAddress(table, "bind_address");
        if (bind.isBlank() || bind.length() > 253) {
            throw table.error("bind_address", "expected an IP address or host name, got \"" + bind + "\"");
        }
        int port = table.integer("port", 0, 0, 65535);
        RelayLedger.Limits limits = new RelayLedger.Limits(
                table.integer("max_reservations", 128, 1, 1 << 20),
                table.integer("max_reservations_per_ip", 8, 1, 1 << 20),
                table.duration("reservation_ttl", Duration.ofHours(1), Duration.ofSeconds(1), Duration.ofDays(1))
                        .toMillis(),
                table.integer("max_circuits", 256, 1, 1 << 20),
                table.integer("max_circuits_per_peer", 16, 1, 1 << 20),
                table.integer("circuit_bytes", 64L * 1024 * 1024, 1024L, 1L << 40),
                table.duration("circuit_duration", Duration.ofHours(1), Duration.ofSeconds(1), Duration.ofDays(7))
                        .toMillis());
        int maxFrame = table.integer("max_frame_size", 64 * 1024, 1, 16 * 1024 * 1024);
        Duration connect = table.duration("connect_timeout", Duration.ofSeconds(5), Duration.ofMillis(10),
                Duration.ofMinutes(5));
        Duration handshake = table.duration("handshake_timeout", Duration.ofSeconds(10), Duration.ofMillis(10),
                Duration.ofMinutes(5));
        Duration idle = table.duration("idle_timeout", Duration.ofSeconds(15), Duration.ofSeconds(1),
                Duration.ofHours(1));
        Duration keepAlive = table.duration("keep_alive_interval", Duration.ofSeconds(5), Duration.ofMillis(100),
                Duration.ofHours(1));
        if (keepAlive.compareTo(idle) >= 0) {
            throw table.error("keep_alive_interval", "must be shorter than idle_timeout (" + idle.toMillis()
                    + " ms), got " + keepAlive.toMillis() + " ms");
        }
        Duration check = table.duration("check_interval", Duration.ofMillis(500), Duration.ofMillis(50),
                Duration.ofMinutes(10));
        int high = table.integer("write_buffer_high_water_mark", 1024 * 1024, 1024, 256 * 1024 * 1024);
        return new RelaySettings(serve, reserve, relays, maxRelays, bind, port,
                AdvertisedAddresses.configured(table, ID), limits, maxFrame, connect, handshake, idle, keepAlive,
                check, high);
    }

    private static Mode mode(ConfigTable table, String key, Mode defaultMode) {
        String text = table.string(key, defaultMode.name().toLowerCase(Locale.ROOT));
        switch (text) {
            case "off":
                return Mode.OFF;
            case "auto":
                return Mode.AUTO;
            case "always":
                return Mode.ALWAYS;
            default:
                throw table.error(key, "expected \"off\", \"auto\" or \"always\", got "
                        + ConfigTable.excerpt(text));
        }
    }

    private static List<PeerAddress> relayList(ConfigTable table) {
        List<String> entries = table.stringList("relays", List.of());
        if (entries.size() > 16) {
            throw table.error("relays", "at most 16 relays, got " + entries.size());
        }
        List<PeerAddress> result = new ArrayList<>();
        for (String entry : entries) {
            PeerAddress address;
            try {
                address = PeerAddress.parse(entry);
            } catch (IllegalArgumentException e) {
                throw table.error("relays", e.getMessage());
            }
            if (!address.transport().equals(ID)) {
                throw table.error("relays", ConfigTable.excerpt(entry)
                        + " is not a relay address (expected relay://HOST:PORT)");
            }
            result.add(address);
        }
        return List.copyOf(result);
    }
}
