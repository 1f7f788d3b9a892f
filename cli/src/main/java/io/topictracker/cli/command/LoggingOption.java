package io.topictracker.cli.command;

import picocli.CommandLine.Option;

/**
 * {@code --verbose}, mixed into every command: shows the engine's log (provider discovery, bootstrap) on standard
 * error. It works by setting slf4j-simple's level while the command line is parsed, before any logger exists.
 */
final class LoggingOption {
    @Option(names = {"-v", "--verbose"}, description = "Show the engine's log (info level) on standard error.")
    void verbose(boolean verbose) {
        if (verbose) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "info");
        }
    }
}
