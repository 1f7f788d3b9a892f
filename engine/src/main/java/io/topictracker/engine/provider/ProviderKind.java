package io.topictracker.engine.provider;

import io.topictracker.api.Provider;
import io.topictracker.api.dht.DhtProvider;
import io.topictracker.api.signing.SigningProvider;
import io.topictracker.api.transport.TransportProvider;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The three kinds of provider, with the words the engine uses for them in messages and configuration. Immutable.
 */
public enum ProviderKind {
    /** {@link SigningProvider}, chosen with {@code [node] signing = "..."}. */
    SIGNING(SigningProvider.class, "signing provider", "signing", "signing"),
    /** {@link DhtProvider}, chosen with {@code [node] dht = "..."}. */
    DHT(DhtProvider.class, "DHT provider", "dht", "dht"),
    /** {@link TransportProvider}, chosen with {@code [node] transports = [...]}. */
    TRANSPORT(TransportProvider.class, "transport provider", "transport", "transports");

    /** First-party provider modules follow {@code <prefix>-<id>} / {@code io.topictracker.<prefix>.<id>}. */
    private static final Pattern FIRST_PARTY_ID = Pattern.compile("[a-z][a-z0-9]*");

    private final Class<? extends Provider> type;
    private final String noun;
    private final String modulePrefix;
    private final String configKey;

    ProviderKind(Class<? extends Provider> type, String noun, String modulePrefix, String configKey) {
        this.type = type;
        this.noun = noun;
        this.modulePrefix = modulePrefix;
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
     * Advice on what to add to get a provider with this id: the first-party module when the id follows the
     * project's naming (e.g. {@code dht-mainline (io.topictracker.dht.mainline)}).
     *
     * @param id the id asked for, not null
     * @return never null
     */
    String moduleHint(String id) {
        Optional<String> firstParty = firstPartyModule(id);
        return firstParty
                .map(module -> "add the " + modulePrefix + "-" + id + " module (" + module + ") to the module path")
                .orElse("add a module that provides " + type.getName() + " with id '" + id
                        + "' to the module path (or its jar to the class path)");
    }

    private Optional<String> firstPartyModule(String id) {
        if (this == SIGNING || !FIRST_PARTY_ID.matcher(id).matches()) {
            return Optional.empty();
        }
        return Optional.of("io.topictracker." + modulePrefix + "." + id);
    }
}
