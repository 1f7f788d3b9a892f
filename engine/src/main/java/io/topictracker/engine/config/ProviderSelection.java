package io.topictracker.engine.config;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Which providers to use: {@code signing}, {@code dht} and {@code transports} in the {@code [node]} table. An absent
 * choice means "the single provider present" (see {@code ProviderRegistry}); an empty transport list means every
 * available transport.
 *
 * <p>Immutable and thread-safe; no component is null (an absent choice is an empty {@code Optional} or list).
 *
 * @param signing the signing provider id, never null
 * @param dht the DHT provider id, never null
 * @param transports transport ids in order of preference, never null; copied
 */
public record ProviderSelection(Optional<String> signing, Optional<String> dht, List<String> transports) {
    public ProviderSelection {
        Objects.requireNonNull(signing, "signing");
        Objects.requireNonNull(dht, "dht");
        transports = List.copyOf(transports);
    }

    /** @return nothing named: each kind takes the single provider present; never null */
    public static ProviderSelection defaults() {
        return new ProviderSelection(Optional.empty(), Optional.empty(), List.of());
    }
}
