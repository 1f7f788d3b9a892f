package io.topictracker.transport.relay;

import io.topictracker.api.transport.Transport;
import io.topictracker.api.transport.TransportContext;
import io.topictracker.api.transport.TransportProvider;
import io.topictracker.transport.relay.internal.RelaySettings;
import io.topictracker.transport.relay.internal.RelayTransport;

/**
 * The relay transport provider, id {@code relay} (issue 15): for peers that cannot reach each other directly (a
 * symmetric NAT on either side, or UDP blocked), a circuit through a relay — a publicly reachable topic member that
 * offers relaying, or a {@code topic-tracker relay} process. Addresses {@code relay://host:port} name the relay; the
 * dialled peer is the id the engine expects, which the relay splices us to if it holds a reservation there. The two
 * peers run TLS 1.3 with their Ed25519 certificates end to end inside the spliced stream, so the relay forwards
 * only ciphertext and cannot impersonate either; connections say so with {@code Connection.relayedVia()}.
 *
 * <p>Configuration, table {@code [transport.relay]} (unknown keys are errors; docs/configuration.md lists them):
 * {@code serve} ({@code off}|{@code auto}|{@code always}, default off), {@code reserve} (default auto: while the
 * node is not reachable), {@code relays}, {@code max_relays}, {@code bind_address}, {@code port}, {@code advertise},
 * the relay's limits {@code max_reservations}, {@code max_reservations_per_ip}, {@code reservation_ttl},
 * {@code max_circuits}, {@code max_circuits_per_peer}, {@code circuit_bytes}, {@code circuit_duration}, and
 * {@code max_frame_size}, {@code connect_timeout}, {@code handshake_timeout}, {@code idle_timeout},
 * {@code keep_alive_interval}, {@code check_interval}, {@code write_buffer_high_water_mark}.
 *
 * <p>Stateless and thread-safe; {@link #create} allocates nothing.
 */
public final class RelayTransportProvider implements TransportProvider {
    /** The id to name in configuration, and the scheme of relay addresses. */
    public static final String ID = RelaySettings.ID;

    /** Public for {@link java.util.ServiceLoader}. */
    public RelayTransportProvider() {}

    @Override
    public String id() {
        return ID;
    }

    /** @throws io.topictracker.api.ConfigException if the {@code [transport.relay]} table is invalid */
    @Override
    public Transport create(TransportContext context) {
        return new RelayTransport(context, RelaySettings.from(context.settings()));
    }
}
