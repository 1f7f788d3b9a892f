package io.topictracker.cli.command;

/**
 * Closes a resource at JVM shutdown (Ctrl-C, SIGTERM) or when the command ends, whichever comes first: a command
 * opens it in a try-with-resources block, so a normal end closes the resource and removes the shutdown hook.
 *
 * <p>The resource's close must be idempotent and safe from any thread: the hook may run while the command's own
 * close does. Not thread-safe itself: one command thread uses it.
 */
final class CloseOnShutdown implements AutoCloseable {
    private final Runnable closeResource;
    private final Thread hook;

    private CloseOnShutdown(Runnable closeResource, String hookName) {
        this.closeResource = closeResource;
        this.hook = new Thread(closeResource, hookName);
    }

    /**
     * @param closeResource closes the resource, idempotent, not null
     * @param hookName the shutdown hook thread's name, not null
     * @return the registration, to close when the command ends
     */
    static CloseOnShutdown register(Runnable closeResource, String hookName) {
        CloseOnShutdown registration = new CloseOnShutdown(closeResource, hookName);
        Runtime.getRuntime().addShutdownHook(registration.hook);
        return registration;
    }

    /** Closes the resource and removes the hook. */
    @Override
    public void close() {
        closeResource.run();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // Already shutting down: the hook is running or has run, and the resource's close is idempotent.
        }
    }
}
