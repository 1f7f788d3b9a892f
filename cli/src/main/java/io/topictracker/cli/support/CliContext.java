package io.topictracker.cli.support;

import io.topictracker.engine.provider.ProviderRegistry;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Objects;

/**
 * What every command is given instead of reaching for globals: its output streams, its input and the provider
 * registry (discovered once, on first use, because discovery logs and costs a scan of the module path).
 *
 * <p>Thread-safe: the streams are {@link PrintWriter}s (internally synchronised) and {@link #registry()} is
 * synchronised.
 */
public final class CliContext {
    private final PrintWriter out;
    private final PrintWriter err;
    private final InputStream in;
    private ProviderRegistry registry;

    /**
     * @param out where results go (a script reads this), not null
     * @param err where progress, notices and errors go, not null
     * @param in where {@code chat} reads lines from, not null
     * @param registry the providers to use, or null to discover them on first use
     */
    public CliContext(PrintWriter out, PrintWriter err, InputStream in, ProviderRegistry registry) {
        this.out = Objects.requireNonNull(out, "out");
        this.err = Objects.requireNonNull(err, "err");
        this.in = Objects.requireNonNull(in, "in");
        this.registry = registry;
    }

    /** @return standard output, never null */
    public PrintWriter out() {
        return out;
    }

    /** @return standard error, never null */
    public PrintWriter err() {
        return err;
    }

    /** @return standard input, never null */
    public InputStream in() {
        return in;
    }

    /** @return the providers found on the module path (or class path), never null */
    public synchronized ProviderRegistry registry() {
        if (registry == null) {
            registry = ProviderRegistry.discover();
        }
        return registry;
    }
}
