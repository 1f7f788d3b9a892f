package io.topictracker.bench.support;

import io.topictracker.api.signing.SigningProvider;
import java.util.ServiceLoader;

/**
 * The signing provider the benchmarks measure with: the Bouncy Castle Ed25519 provider, found as users find it,
 * through {@link ServiceLoader} (its class is not exported).
 */
public final class BenchSigning {
    /** The provider id of {@code topic-tracker-signing-ed25519-bc}. */
    public static final String ID = "ed25519-bc";

    private BenchSigning() {}

    /**
     * @return a new instance of the provider, never null
     * @throws IllegalStateException if it is not on the path
     */
    public static SigningProvider ed25519() {
        return ServiceLoader.load(SigningProvider.class).stream().map(ServiceLoader.Provider::get)
                .filter(p -> p.id().equals(ID)).findFirst()
                .orElseThrow(() -> new IllegalStateException("signing provider " + ID + " is not on the path"));
    }
}
