package io.topictracker.api;

import java.util.Objects;
import java.util.Optional;

/**
 * Whether a provider can run here, and if not, why (as Netty's {@code Epoll.unavailabilityCause()}).
 * Immutable and thread-safe.
 */
public final class Availability {
    /** The provider is usable. */
    public static final Availability AVAILABLE = new Availability(null);

    private final Throwable cause;

    private Availability(Throwable cause) {
        this.cause = cause;
    }

    /** @param cause why the provider cannot run, not null */
    public static Availability unavailable(Throwable cause) {
        return new Availability(Objects.requireNonNull(cause, "cause"));
    }

    /** @return true if the provider can be used */
    public boolean isAvailable() {
        return cause == null;
    }

    /** @return the reason it cannot be used, empty when available */
    public Optional<Throwable> unavailabilityCause() {
        return Optional.ofNullable(cause);
    }

    @Override
    public String toString() {
        return cause == null ? "available" : "unavailable: " + cause;
    }
}
