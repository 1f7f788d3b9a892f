package io.topictracker.engine.provider;

import java.util.Objects;

/**
 * A provider that was declared but could not be used: its class is missing, its constructor threw, or its
 * {@code id()} failed. The registry reports it and carries on with the others.
 *
 * <p>Immutable and thread-safe.
 *
 * @param kind the SPI it was declared for, never null
 * @param description what went wrong, naming the class when known; never null
 * @param cause the underlying error, never null
 */
public record ProviderProblem(ProviderKind kind, String description, Throwable cause) {
    public ProviderProblem {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(cause, "cause");
    }
}
