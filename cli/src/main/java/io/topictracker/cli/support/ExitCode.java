package io.topictracker.cli.support;

/**
 * The exit statuses of {@code topic-tracker}, documented in the README so scripts can rely on them.
 */
public final class ExitCode {
    /** The command did what was asked (for {@code demo}: every node joined and every message arrived). */
    public static final int OK = 0;
    /** The operation ran and failed: a demo node did not join, a message was lost, a network error. */
    public static final int FAILED = 1;
    /** The command line or the configuration is wrong; nothing was done. Same as picocli's usage status. */
    public static final int USAGE = 2;
    /** A provider the command needs is not on the module path, or several are and none is named. */
    public static final int PROVIDER_MISSING = 3;

    private ExitCode() {}
}
