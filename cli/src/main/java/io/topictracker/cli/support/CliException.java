package io.topictracker.cli.support;

/**
 * A failure a command has already put into words for the user: the message is printed as is (prefixed with
 * {@code topic-tracker: }) and the process exits with {@link #exitCode()}. No stack trace, since the message says it
 * all.
 */
public final class CliException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int exitCode;

    /**
     * @param exitCode one of {@link ExitCode}'s statuses
     * @param message what went wrong and, where possible, what to do; not null
     */
    public CliException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    /**
     * @param exitCode one of {@link ExitCode}'s statuses
     * @param message what went wrong; not null
     * @param cause the underlying error, may be null
     */
    public CliException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    /** @return the status the process exits with */
    public int exitCode() {
        return exitCode;
    }

    /** @return a usage error (status 2) */
    public static CliException usage(String message) {
        return new CliException(ExitCode.USAGE, message);
    }

    /** @return an operation failure (status 1) */
    public static CliException failed(String message, Throwable cause) {
        return new CliException(ExitCode.FAILED, message, cause);
    }
}
