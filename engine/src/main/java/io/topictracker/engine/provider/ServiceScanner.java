package io.topictracker.engine.provider;

import io.topictracker.api.Provider;
import java.util.Iterator;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.function.Consumer;

/**
 * Walks a {@link ServiceLoader} so that one broken provider (missing class, throwing constructor) is reported and
 * the walk goes on to the next. Stateless.
 */
final class ServiceScanner {
    /** A bound so that a loader that fails forever cannot spin us forever. */
    private static final int MAX_ENTRIES = 10_000;

    private ServiceScanner() {}

    /**
     * Feeds every provider the loader yields to {@code found} and every failure to {@code problems}.
     *
     * <p>{@link ServiceLoader#iterator()} documents that after it throws a {@link ServiceConfigurationError} the
     * next call makes "a best effort to locate and instantiate the next available provider", which is what lets us
     * report one and keep the rest.
     */
    static void scan(ProviderKind kind, ServiceLoader<? extends Provider> loader, Consumer<Provider> found,
            Consumer<ProviderProblem> problems) {
        Iterator<? extends Provider> iterator = loader.iterator();
        for (int i = 0; i < MAX_ENTRIES; i++) {
            try {
                if (!iterator.hasNext()) {
                    return;
                }
                found.accept(iterator.next());
            } catch (ServiceConfigurationError | LinkageError e) {
                problems.accept(new ProviderProblem(kind, describe(e), e));
            }
        }
        problems.accept(new ProviderProblem(kind, "stopped after " + MAX_ENTRIES + " entries",
                new IllegalStateException("too many " + kind.noun() + " entries")));
    }

    private static String describe(Throwable e) {
        StringBuilder text = new StringBuilder(String.valueOf(e.getMessage()));
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            text.append("; caused by ").append(cause);
        }
        return text.toString();
    }
}
