package io.topictracker.engine.provider;

import io.topictracker.api.Provider;
import io.topictracker.api.dht.DhtProvider;
import io.topictracker.api.signing.SigningProvider;
import io.topictracker.api.transport.TransportProvider;
import java.util.List;
import java.util.Map;

/**
 * The three kinds of provider, with the words the engine uses for them in messages and configuration. Immutable.
 */
public enum ProviderKind {
    /** {@link SigningProvider}, chosen with {@code [node] signing = "..."}. */
    SIGNING(SigningProvider.class, "signing provider", "signing"),
    /** {@link DhtProvider}, chosen with {@code [node] dht = "..."}. */
    DHT(DhtProvider.class, "DHT provider", "dht"),
    /** {@link TransportProvider}, chosen with {@code [node] transports = [...]}. */
    TRANSPORT(TransportProvider.class, "transport provider", "transports");

    private final Class<? extends Provider> type;
    private final String noun;
    private final String configKey;

    ProviderKind(Class<? extends Provider> type, String noun, String configKey) {
        this.type = type;
        this.noun = noun;
        this.configKey = configKey;
    }

    /** @return the SPI interface, never null */
    public Class<? extends Provider> type() {
        return type;
    }

    /** @return e.g. {@code "DHT provider"}, for messages; never null */
    public String noun() {
        return noun;
    }

    /** @return the key in the {@code [node]} table that names the choice, e.g. {@code "dht"}; never null */
    public String configKey() {
        return configKey;
    }

    /** @return the kind whose SPI is exactly {@code type}, never null */
    public static ProviderKind of(Class<?> type) {
        for (ProviderKind kind : values()) {
            if (kind.type == type) {
                return kind;
            }
        }
        throw new IllegalArgumentException(type.getName() + " is not a provider SPI; expected one of "
                + SigningProvider.class.getName() + ", " + DhtProvider.class.getName() + ", "
                + TransportProvider.class.getName());
    }

    /**
     * Advice on what to add to get a provider with this id: the module when it is one of this project's (e.g.
     * {@code dht-mainline (io.topictracker.dht.mainline)}), otherwise the SPI to provide with that id. A module is
     * named only when it is known: a third party's {@code dirdht} lives in a module nobody here can guess.
     *
     * @param id the id asked for, not null
     * @return never null
     */
    String moduleHint(String id) {
        String module = FIRST_PARTY_MODULES.get(this).get(id);
        if (module != null) {
            return "add the " + module + " to the module path";
        }
        return "add a module that provides " + type.getName() + " with id '" + id
                + "' to the module path (or its jar to the class path)";
    }

    /**
     * The order of this kind's providers when configuration names none ({@code [node] transports = []}): these ids
     * first, in this order, then every other available one in discovery order. QUIC before TCP because a QUIC dial
     * needs one round trip fewer (TLS 1.3 rides in QUIC's first flight, RFC 9001 §4.1; TCP's own handshake comes
     * before TLS's), which in the 40 ms lab made a newcomer's join faster (BENCHMARKS.md "Network lab"); a peer
     * whose QUIC dial fails (UDP blocked) is dialled over TCP once the engine's dial stagger (250 ms) has passed.
     *
     * @return ids, most preferred first; never null, empty for the kinds of which only one is used
     */
    List<String> preferredWhenUnnamed() {
        return this == TRANSPORT ? List.of("quic", "tcp") : List.of();
    }

    /** This project's providers by kind and id: folder and JPMS module, as the hint names them. */
    private static final Map<ProviderKind, Map<String, String>> FIRST_PARTY_MODULES = Map.of(
            SIGNING, Map.of("ed25519-bc", "signing-ed25519-bc module (io.topictracker.signing.bc)"),
            DHT, Map.of("mainline", "dht-mainline module (io.topictracker.dht.mainline)",
                    "inmemory", "dht-inmemory module (io.topictracker.dht.inmemory)"),
            TRANSPORT, Map.of("tcp", "transport-tcp module (io.topictracker.transport.tcp)",
                    "quic", "transport-quic module (io.topictracker.transport.quic)",
                    "inmemory", "transport-inmemory module (io.topictracker.transport.inmemory)"));
}
