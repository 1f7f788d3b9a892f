package io.topictracker.tck;

import io.topictracker.api.signing.SigningProvider;

/**
 * The signing provider a provider's tests use to make keys and sign test items, so that those tests need only
 * {@code topic-tracker-api} and {@code topic-tracker-tck}: Ed25519 on the JDK's own implementation (RFC 8032), with
 * the strict checks {@link SigningProvider} asks for (small-order keys and encodings that are not points are refused;
 * the JDK refuses non-canonical signatures itself). The TCK's own tests run {@link SigningContract} against it.
 *
 * <p>It is not registered with {@link java.util.ServiceLoader} (so it never competes with a real signing provider)
 * and works the same on the module path and the class path. It is for tests: slower than a production provider such
 * as {@code ed25519-bc}. Stateless and thread-safe.
 */
public final class TestSigning {
    private static final SigningProvider PROVIDER = new JdkEd25519(true);

    private TestSigning() {}

    /** @return the TCK's signing provider (id {@code tck-jdk-ed25519}), never null; one shared stateless instance */
    public static SigningProvider provider() {
        return PROVIDER;
    }
}
